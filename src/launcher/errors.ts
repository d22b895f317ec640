/** LaunchError: a container that could not be set up or whose command could not be executed. */
import { getSystemErrorMap } from 'node:util';
import { MyDockerError, type MyDockerErrorOptions } from '../errors.js';
import type { Stage } from './protocol.js';

/** The symbolic name of an errno number ("ENOENT"), or "" when unknown or 0. */
export function errnoName(errno: number): string {
  if (errno === 0) return '';
  return getSystemErrorMap().get(-errno)?.[0] ?? `E${errno}`;
}

/** The lower-case description of an errno number ("no such file or directory"). */
export function errnoMessage(errno: number): string {
  return getSystemErrorMap().get(-errno)?.[1] ?? `errno ${errno}`;
}

/** A setup or exec failure reported by the launcher; `stage` says where, `errno` why. */
export class LaunchError extends MyDockerError {
  readonly stage: Stage;
  readonly errno: number;
  readonly errnoName: string;

  constructor(stage: Stage, errno: number, message: string, options: MyDockerErrorOptions = {}) {
    super('launch', `ERR_LAUNCH_${stage.toUpperCase()}`, message, options);
    this.name = 'LaunchError';
    this.stage = stage;
    this.errno = errno;
    this.errnoName = errnoName(errno);
  }

  /** True when the command was not found (Docker's exit code 127). */
  get notFound(): boolean {
    return this.stage === 'exec' && (this.errnoName === 'ENOENT' || this.errnoName === 'ENOTDIR');
  }

  /** True when the command was found but cannot be executed (Docker's exit code 126). */
  get cannotExecute(): boolean {
    return this.stage === 'exec' && ['EACCES', 'EPERM', 'ENOEXEC', 'EISDIR'].includes(this.errnoName);
  }
}

/** Turn an `error` report line into a LaunchError with a one-line, Docker-like message. */
export function launchErrorFromReport(stage: Stage, errno: number, nativeMessage: string, command: string): LaunchError {
  const name = errnoName(errno);
  if (stage === 'exec') {
    // Docker's wording: "exec: \"foo\": executable file not found in $PATH".
    if ((name === 'ENOENT' || name === 'ENOTDIR') && !command.includes('/')) {
      return new LaunchError(stage, errno, `exec "${command}": executable file not found in $PATH`);
    }
    return new LaunchError(stage, errno, `exec "${command}": ${errnoMessage(errno)}`);
  }
  if (stage === 'cwd') {
    return new LaunchError(stage, errno, `${nativeMessage.replace(/: [^:]*$/, '')} in the container: ${errnoMessage(errno)}`);
  }
  return new LaunchError(stage, errno, `container setup failed (${stage}): ${nativeMessage}`);
}
