import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { MyDockerError } from '../errors.js';
import { digestMismatch } from '../oci/index.js';

/**
 * A pass-through that hashes and counts the bytes of a blob as they stream, refuses to read past
 * the descriptor's size, and fails at the end if the digest or the size is wrong, so that a
 * consumer never sees a successful end of a blob that does not match its descriptor.
 */
export class VerifyStream extends Transform {
  private readonly hash = createHash('sha256');
  private received = 0;
  /** Resolves when the whole blob went through and matched; rejects on mismatch. */
  readonly verified: Promise<void>;
  private settle!: (error?: Error) => void;

  constructor(
    private readonly digest: string,
    private readonly size: number,
    private readonly what: string,
    private readonly onBytes?: (received: number) => void,
  ) {
    super();
    this.verified = new Promise<void>((resolve, reject) => {
      this.settle = (error) => (error ? reject(error) : resolve());
    });
    // Avoid an unhandled rejection when the consumer fails first and nobody awaits `verified`.
    this.verified.catch(() => undefined);
    this.once('error', (error) => this.settle(error));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.received += chunk.length;
    if (this.received > this.size) {
      callback(new MyDockerError('integrity', 'ERR_SIZE_MISMATCH', `${this.what} is larger than the ${this.size} bytes its descriptor declares`));
      return;
    }
    this.hash.update(chunk);
    this.onBytes?.(this.received);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.received !== this.size) {
      callback(new MyDockerError('integrity', 'ERR_SIZE_MISMATCH', `${this.what} ended after ${this.received} of ${this.size} bytes`));
      return;
    }
    const actual = `sha256:${this.hash.digest('hex')}`;
    if (actual !== this.digest) {
      callback(digestMismatch(this.what, this.digest, actual));
      return;
    }
    this.settle();
    callback();
  }
}
