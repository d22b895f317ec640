import { isMyDockerError, type MyDockerError } from '../errors.js';

/** Exit codes as docker run has them. */
export const EXIT_MYDOCKER_FAILED = 125;
export const EXIT_CANNOT_INVOKE = 126;
export const EXIT_NOT_FOUND = 127;

const NOT_FOUND_ERRNOS = new Set(['ENOENT', 'ENOTDIR']);
const CANNOT_INVOKE_ERRNOS = new Set(['EACCES', 'EPERM', 'ENOEXEC', 'EISDIR', 'ELOOP', 'ETXTBSY']);

/** Refusals that Docker's daemon answers, and its CLI's TTY check: the CLI then exits 1, not 125. */
const DAEMON_REFUSALS = new Set(['ERR_NO_SUCH_CONTAINER', 'ERR_CONTAINER_RUNNING', 'ERR_CONTAINER_NOT_RUNNING', 'ERR_AMBIGUOUS_CONTAINER', 'ERR_NOT_A_TTY']);

/** The exit code for an error, and whether the error is one we understand (else it is a bug). */

export function exitCodeFor(error: unknown): number {
  if (!isMyDockerError(error)) return EXIT_MYDOCKER_FAILED;
  if (DAEMON_REFUSALS.has(error.code)) return 1;
  const launch = error as MyDockerError & { stage?: string; errnoName?: string };
  if (launch.kind === 'launch' && launch.stage === 'exec' && launch.errnoName !== undefined) {
    if (NOT_FOUND_ERRNOS.has(launch.errnoName)) return EXIT_NOT_FOUND;
    if (CANNOT_INVOKE_ERRNOS.has(launch.errnoName)) return EXIT_CANNOT_INVOKE;
  }
  return EXIT_MYDOCKER_FAILED;
}

/** The one line printed for an error: what failed, and what to do. A stack only with MYDOCKER_DEBUG. */
export function formatError(error: unknown, debug: boolean): string {
  if (isMyDockerError(error)) {
    const message = error.message.replace(/\.$/, '');
    const line = error.hint ? `mydocker: ${message}. ${error.hint}` : `mydocker: ${message}`;
    return debug && error.stack ? `${line}\n${error.stack}` : line;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (debug && error instanceof Error && error.stack) return `mydocker: internal error: ${message}\n${error.stack}`;
  return `mydocker: internal error: ${message} (set MYDOCKER_DEBUG=1 for details)`;
}
