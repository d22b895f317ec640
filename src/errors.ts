/**
 * The one error type of mydocker. Every failure a user can cause or meet is a MyDockerError with a
 * `kind` (drives the exit code and wording), a stable `code` (for tests and scripts) and an optional
 * `hint` (what to do next). Library code throws these; only the CLI prints them, once.
 */
export type ErrorKind =
  | 'usage'
  | 'bad-reference'
  | 'not-found'
  | 'unauthorized'
  | 'denied'
  | 'rate-limited'
  | 'network'
  | 'tls'
  | 'integrity'
  | 'unsupported'
  | 'unsafe-content'
  | 'resource'
  | 'interrupted'
  | 'launch'
  | 'internal';

export interface MyDockerErrorOptions {
  hint?: string;
  cause?: unknown;
}

export class MyDockerError extends Error {
  readonly kind: ErrorKind;
  readonly code: string;
  readonly hint: string | undefined;

  constructor(kind: ErrorKind, code: string, message: string, options: MyDockerErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MyDockerError';
    this.kind = kind;
    this.code = code;
    this.hint = options.hint;
  }
}

/** True for any MyDockerError, also across module copies (checked by shape, not instanceof). */
export function isMyDockerError(error: unknown): error is MyDockerError {
  return (
    error instanceof Error &&
    typeof (error as Partial<MyDockerError>).kind === 'string' &&
    typeof (error as Partial<MyDockerError>).code === 'string'
  );
}

/** The errno code of a Node system error (ENOENT, EEXIST, ...), or undefined. */
export function errnoCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}
