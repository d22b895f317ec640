import { loadSettings } from '../../config/index.js';
import { removeContainerByRef } from '../../containers/index.js';
import { formatError } from '../exit.js';
import type { CommandRegistrar } from './context.js';

/** mydocker rm [-f] CONTAINER...: removes containers with their writable layers. */
export const registerRm: CommandRegistrar = (program, context, result) => {
  program
    .command('rm')
    .description('Remove one or more containers')
    .usage('[OPTIONS] CONTAINER [CONTAINER...]')
    .argument('<containers...>')
    .option('-f, --force', 'force the removal of a running container (uses SIGKILL)')
    .action(async (refs: string[], flags: { force?: boolean }) => {
      const { root } = loadSettings();
      result.code = 0;
      // As Docker: each container on its own; one failure does not stop the others.
      for (const ref of refs) {
        try {
          await removeContainerByRef(root, ref, flags.force === true);
          context.writeOut(ref);
        } catch (error) {
          context.writeErr(formatError(error, false));
          result.code = 1;
        }
      }
    });
};
