import { isMyDockerError } from '../../errors.js';
import { formatError } from '../exit.js';
import type { CommandContext } from './context.js';

/**
 * Image commands exit 1 when what they were asked fails, as Docker's CLI does for every command but
 * `run` (whose 125 tells mydocker's failures from the container's codes). Usage errors keep 125,
 * as Docker's do. Bugs still reach main's catch.
 */
export async function withImageStatus(context: CommandContext, action: () => Promise<number>): Promise<number> {
  try {
    return await action();
  } catch (error) {
    if (!isMyDockerError(error) || error.kind === 'usage' || error.kind === 'bad-reference' || error.kind === 'interrupted') throw error;
    context.writeErr(formatError(error, Boolean(process.env['MYDOCKER_DEBUG'])));
    return 1;
  }
}

/** Prints one failed argument (rmi, inspect carry on with the others) and returns Docker's status 1. */
export function reportFailure(context: CommandContext, error: unknown): number {
  context.writeErr(formatError(error, Boolean(process.env['MYDOCKER_DEBUG'])));
  return 1;
}
