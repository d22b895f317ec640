import { MyDockerError, errnoCode, isMyDockerError, type ErrorKind } from '../errors.js';
import type { LayerFormat } from './apply-entry.js';
import type { AppliedLayer } from './apply-tar.js';

/**
 * The messages between unpackLayer and its apply worker (apply-worker-main.ts). The tar's bytes
 * travel as transferred ArrayBuffers (no copy); every chunk is acknowledged once the parser took
 * it, which bounds what is in flight.
 */
export interface WorkerInput {
  root: string;
  format: LayerFormat;
}

/** `init` comes first (a worker may be started before its layer's directory exists), then chunks. */
export type ToWorker = { type: 'init'; input: WorkerInput } | { type: 'chunk'; data: Uint8Array } | { type: 'end' } | { type: 'stop' };

export type FromWorker = { type: 'ack' } | { type: 'done'; result: AppliedLayer } | { type: 'error'; error: SerializedError };

/** An error as it crosses the thread boundary (structured clone keeps only an Error's message). */
export interface SerializedError {
  message: string;
  kind?: ErrorKind;
  code?: string;
  hint?: string;
  cause?: { message: string; code?: string };
}

export function serializeError(error: unknown): SerializedError {
  const message = error instanceof Error ? error.message : String(error);
  const causeOf = (e: unknown): SerializedError['cause'] => {
    if (!(e instanceof Error)) return undefined;
    const code = errnoCode(e);
    return { message: e.message, ...(code !== undefined && { code }) };
  };
  if (isMyDockerError(error)) {
    const cause = causeOf(error.cause);
    return { message, kind: error.kind, code: error.code, ...(error.hint !== undefined && { hint: error.hint }), ...(cause && { cause }) };
  }
  const code = errnoCode(error);
  return { message, ...(code !== undefined && { code }) };
}

/** Rebuilds the error on this side: a MyDockerError stays one (kind, code, message, hint). */
export function deserializeError(s: SerializedError): Error {
  const cause = s.cause && Object.assign(new Error(s.cause.message), s.cause.code !== undefined ? { code: s.cause.code } : {});
  if (s.kind !== undefined && s.code !== undefined) {
    return new MyDockerError(s.kind, s.code, s.message, { ...(s.hint !== undefined && { hint: s.hint }), ...(cause && { cause }) });
  }
  return Object.assign(new Error(s.message), s.code !== undefined ? { code: s.code } : {});
}
