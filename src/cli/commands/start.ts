import { loadSettings } from '../../config/index.js';
import { startContainer } from '../../containers/index.js';
import type { CommandRegistrar } from './context.js';

/** mydocker start [-a] [-i] CONTAINER...: runs stopped containers again over their writable layers. */
export const registerStart: CommandRegistrar = (program, context, result) => {
  program
    .command('start')
    .description('Start one or more stopped containers')
    .usage('[OPTIONS] CONTAINER [CONTAINER...]')
    .argument('<containers...>')
    .option('-a, --attach', "attach stdout/stderr and forward signals; exit with the container's code")
    .option('-i, --interactive', "attach the container's stdin")
    .action(async (refs: string[], flags: { attach?: boolean; interactive?: boolean }) => {
      const { root } = loadSettings();
      const attach = flags.attach === true || flags.interactive === true;
      if (attach) {
        context.containerStarted();
        const outcome = await startContainer(root, refs[0] ?? '', { attach, interactive: flags.interactive === true, signal: context.signal });
        result.code = outcome === undefined ? 0 : outcome.kind === 'exited' ? outcome.code : 128 + outcome.signal;
        return;
      }
      for (const ref of refs) {
        await startContainer(root, ref, { attach: false, interactive: false });
        context.writeOut(ref);
      }
      result.code = 0;
    });
};
