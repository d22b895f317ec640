import { loadSettings } from '../../config/index.js';
import { execInContainer } from '../../containers/index.js';
import type { CommandRegistrar } from './context.js';
import { requireTerminalStdin, withRawTerminal } from '../output/raw-terminal.js';

interface ExecFlags {
  interactive?: boolean;
  tty?: boolean;
  env: string[];
  workdir?: string;
  user?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** mydocker exec [-i] [-t] [-e K=V] [-w DIR] [-u USER] CONTAINER COMMAND [ARG...] */
export const registerExec: CommandRegistrar = (program, context, result) => {
  program
    .command('exec')
    .description('Execute a command in a running container')
    .usage('[OPTIONS] CONTAINER COMMAND [ARG...]')
    .argument('<container>')
    .argument('<command...>')
    .option('-i, --interactive', 'keep stdin open and pass it to the command')
    .option('-t, --tty', 'allocate a pseudo-terminal')
    .option('-e, --env <KEY=VALUE>', 'set environment variables', collect, [])
    .option('-w, --workdir <dir>', 'working directory inside the container')
    .option('-u, --user <user[:group]>', 'username or UID (format: <name|uid>[:<group|gid>])')
    .passThroughOptions()
    .action(async (ref: string, command: string[], flags: ExecFlags) => {
      const { root } = loadSettings();
      context.containerStarted();
      const tty = flags.tty === true;
      if (tty && flags.interactive === true) requireTerminalStdin();
      const outcome = await withRawTerminal(tty && flags.interactive === true, () =>
        execInContainer(root, ref, {
          command,
          env: flags.env,
          ...(flags.workdir !== undefined && { workdir: flags.workdir }),
          ...(flags.user !== undefined && { user: flags.user }),
          interactive: flags.interactive === true,
          tty,
          signal: context.signal,
        }),
      );
      result.code = outcome.kind === 'exited' ? outcome.code : 128 + outcome.signal;
    });
};
