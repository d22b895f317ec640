import { loadSettings } from '../../config/index.js';
import type { CommandContext } from './context.js';
import { reportFailure, withImageStatus } from './image-status.js';

/**
 * mydocker image inspect IMAGE...: Docker's JSON array (4-space indent) on stdout, with the images
 * found; each missing one is a line on stderr and makes the exit status 1, as Docker does.
 */
export async function inspectCommand(names: string[], context: CommandContext): Promise<number> {
  return withImageStatus(context, async () => {
    const { inspectImages } = await import('../../images/index.js');
    const { images, errors } = inspectImages(loadSettings(), names);
    context.writeOut(JSON.stringify(images, null, 4));
    let code = 0;
    for (const error of errors) code = reportFailure(context, error);
    return code;
  });
}
