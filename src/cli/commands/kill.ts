import { loadSettings } from '../../config/index.js';
import { killContainer, parseSignal } from '../../containers/index.js';
import type { CommandRegistrar } from './context.js';

/** mydocker kill [-s SIGNAL] CONTAINER...: signals the containers' main processes. */
export const registerKill: CommandRegistrar = (program, context, result) => {
  program
    .command('kill')
    .description('Kill one or more running containers')
    .usage('[OPTIONS] CONTAINER [CONTAINER...]')
    .argument('<containers...>')
    .option('-s, --signal <signal>', 'signal to send to the container', 'KILL')
    .action((refs: string[], flags: { signal: string }) => {
      const signal = parseSignal(flags.signal);
      const { root } = loadSettings();
      for (const ref of refs) {
        killContainer(root, ref, signal);
        context.writeOut(ref);
      }
      result.code = 0;
    });
};
