import { loadSettings } from '../../config/index.js';
import { formatReference, parseReference } from '../../reference/index.js';
import { pullPrinter } from '../output/pull-printer.js';
import type { CommandContext, CommandRegistrar } from './context.js';
import { platformFlag } from './run.js';

export interface PullFlags {
  quiet?: boolean;
  platform?: string;
}

/** mydocker pull NAME[:TAG|@DIGEST]: progress on stderr, the full reference on stdout, as docker. */
export async function pullCommand(image: string, flags: PullFlags, context: CommandContext): Promise<number> {
  const ref = parseReference(image);
  const settings = loadSettings();
  const platform = platformFlag(flags.platform);
  const { pull } = await import('../../pull/index.js');
  const printer = flags.quiet ? undefined : pullPrinter(ref, { trace: context.trace, live: context.errIsTty, write: context.writeErrRaw });
  if (printer && ref.digest === undefined && !/:[\w][\w.-]*$/.test(image.split('/').pop() ?? '')) {
    context.writeErr(`Using default tag: ${ref.tag}`);
  }
  await pull(ref, { settings, ...(platform && { platform }), signal: context.signal, ...(printer && { onEvent: printer }) });
  context.writeOut(formatReference(ref));
  return 0;
}

export const registerPull: CommandRegistrar = (program, context, result) => {
  program
    .command('pull')
    .description('Download an image from a registry')
    .usage('[OPTIONS] NAME[:TAG|@DIGEST]')
    .argument('<image>', 'image reference')
    .option('-q, --quiet', 'print only the image reference')
    .option('--platform <os/arch[/variant]>', 'pick this platform from a multi-platform image')
    .action(async (image: string, flags: PullFlags) => {
      result.code = await pullCommand(image, flags, context);
    });
};
