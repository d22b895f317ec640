import { loadSettings } from '../../config/index.js';
import { stopContainer } from '../../containers/index.js';
import { MyDockerError } from '../../errors.js';
import type { CommandRegistrar } from './context.js';

/** mydocker stop [-t N] CONTAINER...: SIGTERM, then SIGKILL after N seconds (default 10). */
export const registerStop: CommandRegistrar = (program, context, result) => {
  program
    .command('stop')
    .description('Stop one or more running containers')
    .usage('[OPTIONS] CONTAINER [CONTAINER...]')
    .argument('<containers...>')
    .option('-t, --time <seconds>', 'seconds to wait before killing the container', '10')
    .action(async (refs: string[], flags: { time: string }) => {
      const seconds = Number(flags.time);
      if (!/^\d+$/.test(flags.time)) throw new MyDockerError('usage', 'ERR_USAGE', `invalid argument "${flags.time}" for "-t, --time" flag`);
      const { root } = loadSettings();
      await Promise.all(refs.map((ref) => stopContainer(root, ref, seconds)));
      for (const ref of refs) context.writeOut(ref);
      result.code = 0;
    });
};
