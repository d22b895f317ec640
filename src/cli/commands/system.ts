import { loadSettings } from '../../config/index.js';
import { formatTable } from '../output/table.js';
import { humanSize } from '../output/units.js';
import type { CommandContext, CommandRegistrar } from './context.js';
import { withImageStatus } from './image-status.js';

/** mydocker system df: Docker's table on stdout. */
export async function dfCommand(context: CommandContext): Promise<number> {
  return withImageStatus(context, async () => {
    const { diskUsage } = await import('../../images/index.js');
    const rows = diskUsage(loadSettings()).map((line) => {
      const reclaimable = line.size > 0 ? `${humanSize(line.reclaimable)} (${Math.floor((line.reclaimable / line.size) * 100)}%)` : humanSize(line.reclaimable);
      return [line.type, String(line.total), String(line.active), humanSize(line.size), reclaimable];
    });
    for (const row of formatTable([['TYPE', 'TOTAL', 'ACTIVE', 'SIZE', 'RECLAIMABLE'], ...rows])) context.writeOut(row);
    return 0;
  });
}

export const registerSystem: CommandRegistrar = (program, context, result) => {
  const system = program.command('system').description('Manage mydocker');
  system
    .command('df')
    .description('Show disk usage')
    .action(async () => {
      result.code = await dfCommand(context);
    });
};
