import { Readable } from 'node:stream';
import { MyDockerError } from '../errors.js';
import { isRetryableError } from './retry.js';

/** A (re)opened blob response: its status (200 or 206), body, and where a 206 starts. */
export interface OpenedBody {
  status: number;
  body: Readable;
  /** First byte of a 206 (from Content-Range); undefined for a 200. */
  rangeStart?: number | undefined;
}

export interface ResumeOptions {
  /** Size of the whole blob when known (Content-Length of the first 200): an earlier end is a cut. */
  total: number | undefined;
  /** Resumes allowed in all for this body. */
  maxResumes: number;
  /** Wait before resume number n (1-based); rejects when the signal aborts. */
  wait: (resume: number) => Promise<void>;
  /** Asks again from byte `offset` (Range: bytes=offset-). */
  reopen: (offset: number) => Promise<OpenedBody>;
  /** Told of each resume, for events and tests. */
  onResume?: (offset: number, reason: unknown, status: number) => void;
  /** Turns the final failure into a clear error (told how many resumes were tried). */
  describe: (error: unknown, resumes: number) => unknown;
}

function prematureEnd(received: number, total: number): Error {
  return Object.assign(new Error(`the connection ended after ${received} of ${total} bytes`), { code: 'ERR_PREMATURE_END' });
}

/**
 * One continuous blob stream over several HTTP responses: when the connection drops or stalls,
 * the rest is asked for with a Range request. A 206 continues where the bytes stopped; a 200 (a
 * registry or CDN that ignores Range) starts again, and the bytes already passed on are skipped.
 * The consumer sees the blob's bytes exactly once, in order, and verifies the digest of the whole.
 */
export function resumableBody(first: OpenedBody, options: ResumeOptions): Readable {
  let source = first.body;
  async function* bytes(): AsyncGenerator<Buffer> {
    let offset = 0;
    let skip = 0;
    let resumes = 0;
    try {
      for (;;) {
        try {
          for await (const chunk of source) {
            let buffer = chunk as Buffer;
            if (skip > 0) {
              if (buffer.length <= skip) {
                skip -= buffer.length;
                continue;
              }
              buffer = buffer.subarray(skip);
              skip = 0;
            }
            offset += buffer.length;
            yield buffer;
          }
          if (skip > 0 || (options.total !== undefined && offset < options.total)) throw prematureEnd(offset, options.total ?? offset);
          return;
        } catch (error) {
          if (!isRetryableError(error) || resumes >= options.maxResumes) throw options.describe(error, resumes);
          resumes += 1;
          source.destroy();
          await options.wait(resumes);
          const next = await options.reopen(offset);
          source = next.body;
          if (next.status === 206) {
            if (next.rangeStart !== offset) {
              next.body.destroy();
              throw new MyDockerError('network', 'ERR_BAD_RANGE', `the registry answered a request for bytes ${offset}- with bytes ${String(next.rangeStart)}-`);
            }
            skip = 0;
          } else {
            skip = offset;
          }
          options.onResume?.(offset, error, next.status);
        }
      }
    } finally {
      source.destroy();
    }
  }
  return Readable.from(bytes(), { objectMode: false });
}

/** The first byte of a `Content-Range: bytes START-END/TOTAL` header. */
export function contentRangeStart(value: string | undefined): number | undefined {
  const match = /^bytes\s+(\d+)-/.exec(value ?? '');
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
