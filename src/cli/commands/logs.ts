import { loadSettings } from '../../config/index.js';
import { containerLogs } from '../../containers/index.js';
import { MyDockerError } from '../../errors.js';
import type { CommandRegistrar } from './context.js';

/** mydocker logs [-f] [--tail N] CONTAINER: stdout entries to stdout, stderr entries to stderr. */
export const registerLogs: CommandRegistrar = (program, context, result) => {
  program
    .command('logs')
    .description('Fetch the logs of a container')
    .usage('[OPTIONS] CONTAINER')
    .argument('<container>')
    .option('-f, --follow', 'follow log output')
    .option('-n, --tail <lines>', 'number of lines to show from the end of the logs', 'all')
    .action(async (ref: string, flags: { follow?: boolean; tail: string }) => {
      if (flags.tail !== 'all' && !/^\d+$/.test(flags.tail)) {
        throw new MyDockerError('usage', 'ERR_USAGE', `invalid value for --tail: ${flags.tail}`);
      }
      const { root } = loadSettings();
      // Ctrl-C aborts context.signal: `logs -f` then stops following and exits 0.
      await containerLogs(root, ref, {
        follow: flags.follow === true,
        ...(flags.tail !== 'all' && { tail: Number(flags.tail) }),
        signal: context.signal,
        onEntry: (entry) => void (entry.stream === 'stdout' ? process.stdout : process.stderr).write(entry.log),
      });
      result.code = 0;
    });
};
