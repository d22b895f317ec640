import { loadSettings } from '../../config/index.js';
import { humanSize } from '../output/units.js';
import type { CommandContext } from './context.js';
import { withImageStatus } from './image-status.js';

/** Asks on stderr and reads one answer from stdin; anything but y/yes is a no (Docker's prompt). */
async function confirm(question: string): Promise<boolean> {
  process.stderr.write(`${question} [y/N] `);
  // Loaded only when asking: every other command would pay for readline at start-up.
  const { createInterface } = await import('node:readline');
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    lines.close();
    return /^y(es)?$/i.test(line.trim());
  }
  return false;
}

/** mydocker image prune [-a] [-f]: Docker's report on stdout. */
export async function pruneCommand(flags: { all?: boolean; force?: boolean }, context: CommandContext): Promise<number> {
  return withImageStatus(context, async () => {
    if (!flags.force) {
      const warning = flags.all
        ? 'WARNING! This will remove all images without at least one container associated to them.'
        : 'WARNING! This will remove all dangling images.';
      if (!(await confirm(`${warning}\nAre you sure you want to continue?`))) return 0;
    }
    const { pruneImages } = await import('../../images/index.js');
    const result = pruneImages(loadSettings(), { all: flags.all === true });
    if (result.untagged.length + result.deleted.length > 0) {
      context.writeOut('Deleted Images:');
      for (const name of result.untagged) context.writeOut(`untagged: ${name}`);
      for (const id of result.deleted) context.writeOut(`deleted: ${id}`);
      context.writeOut('');
    }
    context.writeOut(`Total reclaimed space: ${humanSize(result.reclaimed)}`);
    return 0;
  });
}
