import { loadSettings } from '../../config/index.js';
import { listContainers, removeOrphanedContainers } from '../../containers/index.js';
import { psTable } from '../output/ps-table.js';
import type { CommandRegistrar } from './context.js';

interface PsFlags {
  all?: boolean;
  quiet?: boolean;
  noTrunc?: boolean;
}

/** mydocker ps [-a] [-q] [--no-trunc]: running containers (all with -a), newest first. */
export const registerPs: CommandRegistrar = (program, context, result) => {
  program
    .command('ps')
    .description('List containers')
    .usage('[OPTIONS]')
    .option('-a, --all', 'show all containers (default shows just running)')
    .option('-q, --quiet', 'only display container IDs')
    .option('--no-trunc', "don't truncate output")
    .action((flags: PsFlags & { trunc?: boolean }) => {
      const { root } = loadSettings();
      removeOrphanedContainers(root);
      const noTrunc = flags.trunc === false;
      const records = listContainers(root).filter((r) => flags.all === true || r.state.status === 'running');
      if (flags.quiet === true) for (const r of records) context.writeOut(noTrunc ? r.config.id : r.config.id.slice(0, 12));
      else for (const line of psTable(records, noTrunc)) context.writeOut(line);
      result.code = 0;
    });
};
