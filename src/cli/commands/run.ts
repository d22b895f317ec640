import { loadSettings } from '../../config/index.js';
import { run, validateName } from '../../containers/index.js';
import { MyDockerError } from '../../errors.js';
import { parsePlatform, type Platform } from '../../oci/index.js';
import { pullPrinter } from '../output/pull-printer.js';
import { rawTerminal, requireTerminalStdin } from '../output/raw-terminal.js';
import type { CommandContext, CommandRegistrar } from './context.js';
import { addConfineOptions, parseConfineFlags, type ConfineFlags } from './run-options.js';
import { formatBytes } from '../../cgroups/index.js';
import { parseReference } from '../../reference/index.js';

export interface RunFlags extends ConfineFlags {
  interactive?: boolean;
  rm?: boolean;
  platform?: string;
  detach?: boolean;
  tty?: boolean;
  init?: boolean;
  name?: string;
}

/** Parses --platform os/arch[/variant] into a Platform, or fails with a usage error. */
export function platformFlag(value: string | undefined): Platform | undefined {
  if (value === undefined) return undefined;
  const platform = parsePlatform(value);
  if (!platform) throw new MyDockerError('usage', 'ERR_BAD_PLATFORM', `invalid platform "${value}": expected os/arch[/variant], e.g. linux/arm64/v8`);
  return platform;
}

/** mydocker run IMAGE [COMMAND [ARG...]]: returns the container's exit code (128+N for signal N). */
export async function runCommand(image: string, command: string[], flags: RunFlags, context: CommandContext): Promise<number> {
  const settings = loadSettings();
  const platform = platformFlag(flags.platform);
  const name = flags.name !== undefined ? validateName(flags.name) : undefined;
  const config = { ...parseConfineFlags(flags), ...(name !== undefined && { name }) };
  const printer = pullPrinter(config.pull === 'always' ? parseReference(image) : undefined, { trace: context.trace, live: context.errIsTty, write: context.writeErrRaw });
  if (flags.tty === true && flags.interactive === true && flags.detach !== true) requireTerminalStdin();
  // Raw only once the container exists: pull progress before it needs a cooked terminal.
  const terminal = rawTerminal(flags.tty === true && flags.interactive === true && flags.detach !== true);
  const { id, outcome } = await run(image, {
    settings,
    command,
    interactive: flags.interactive === true,
    ...(name !== undefined && { name }),
    autoRemove: flags.rm === true,
    detach: flags.detach === true,
    tty: flags.tty === true,
    init: flags.init === true,
    ...(platform && { platform }),
    config,
    signal: context.signal,
    onEvent: (event) => {
      if (event.type === 'container-created') context.containerStarted();
      if (event.type === 'container-created') terminal.enable();
      if (event.type === 'warning') context.writeErr(`WARNING: ${event.message}`);
      if (event.type === 'out-of-memory') {
        const limit = config.resources?.memory;
        const what = event.mainProcess ? `container ${event.id.slice(0, 12)}` : `a process of container ${event.id.slice(0, 12)}`;
        context.writeErr(`mydocker: ${what} ran out of memory${limit ? ` (limit ${formatBytes(limit)}, --memory)` : ''} and was killed by the kernel's OOM killer`);
      }
      printer(event);
    },
  }).finally(() => terminal.restore());
  if (outcome === undefined) {
    // run -d: the full id on stdout, as Docker prints it.
    context.writeOut(id);
    return 0;
  }
  return outcome.kind === 'exited' ? outcome.code : 128 + outcome.signal;
}

export const registerRun: CommandRegistrar = (program, context, result) => {
  const runCmd = program
    .command('run')
    .description('Run a command in a new container, pulling the image first if it is not local')
    .usage('[OPTIONS] IMAGE [COMMAND] [ARG...]')
    .argument('<image>', 'image reference, e.g. alpine:latest')
    .argument('[command...]', "command and arguments (replace the image's Cmd)")
    .option('-i, --interactive', 'keep stdin open and pass it to the container')
    .option('--rm', 'remove the container (and its writable layer) when it exits')
    .option('-d, --detach', 'run the container in the background and print its id')
    .option('-t, --tty', 'allocate a pseudo-terminal')
    .option('--init', 'run an init inside the container that forwards signals and reaps processes')
    .option('--name <name>', 'assign a name to the container')
    .option('--platform <os/arch[/variant]>', 'pick this platform from a multi-platform image')
    .passThroughOptions();
  addConfineOptions(runCmd)
    .helpOption('--help', 'display help for command')
    .action(async (image: string, command: string[], flags: RunFlags) => {
      result.code = await runCommand(image, command, flags, context);
    });
};
