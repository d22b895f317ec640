import { loadSettings } from '../../config/index.js';
import { waitContainer } from '../../containers/index.js';
import type { CommandRegistrar } from './context.js';

/** mydocker wait CONTAINER...: blocks until each stops, then prints its exit code. */
export const registerWait: CommandRegistrar = (program, context, result) => {
  program
    .command('wait')
    .description('Block until one or more containers stop, then print their exit codes')
    .usage('CONTAINER [CONTAINER...]')
    .argument('<containers...>')
    .action(async (refs: string[]) => {
      const { root } = loadSettings();
      for (const ref of refs) context.writeOut(String(await waitContainer(root, ref, context.signal)));
      result.code = 0;
    });
};
