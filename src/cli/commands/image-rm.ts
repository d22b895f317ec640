import { loadSettings } from '../../config/index.js';
import type { CommandContext } from './context.js';
import { reportFailure, withImageStatus } from './image-status.js';

/** mydocker rmi / image rm: "Untagged: …" and "Deleted: sha256:…" on stdout, as Docker prints them. */
export async function rmiCommand(names: string[], flags: { force?: boolean }, context: CommandContext): Promise<number> {
  return withImageStatus(context, async () => {
    const { removeImages } = await import('../../images/index.js');
    let code = 0;
    for (const result of removeImages(loadSettings(), names, { force: flags.force === true })) {
      for (const step of result.steps) context.writeOut('untagged' in step ? `Untagged: ${step.untagged}` : `Deleted: ${step.deleted}`);
      if (result.error) code = reportFailure(context, result.error);
    }
    return code;
  });
}

/** mydocker tag SOURCE TARGET: silent on success, as Docker. */
export async function tagCommand(source: string, target: string, context: CommandContext): Promise<number> {
  return withImageStatus(context, async () => {
    const { tagImage } = await import('../../images/index.js');
    tagImage(loadSettings(), source, target);
    return 0;
  });
}
