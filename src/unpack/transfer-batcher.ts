// Bytes go to the worker in ~1 MiB units: one message per MiB, not per 16 KiB network read.
export const BATCH_BYTES = 1 << 20;

/**
 * Groups a byte stream into standalone ArrayBuffers that can be transferred (moved, not copied)
 * to another thread, in stream order. A chunk is copied into a batch, except when the caller says
 * its memory is ours to give (zlib's output: every ArrayBuffer zlib fills is handed out slice by
 * slice and never written again once full): once every byte of such an ArrayBuffer has come
 * through, contiguously from its start, the ArrayBuffer itself is sent. Anything else is copied,
 * so that no memory still used elsewhere is ever moved.
 */
export class TransferBatcher {
  private batch: Buffer | undefined;
  private used = 0;
  /** An ArrayBuffer being received as contiguous slices, and how much of it came. */
  private pending: ArrayBufferLike | undefined;
  private pendingEnd = 0;

  constructor(private readonly send: (data: Uint8Array) => void) {}

  /** Adds the next bytes; `transferable`: the caller gives up `chunk`'s ArrayBuffer once it is complete. */
  add(chunk: Uint8Array, transferable: boolean): void {
    if (chunk.byteLength === 0) return;
    const buffer = chunk.buffer;
    if (this.pending !== undefined) {
      if (transferable && buffer === this.pending && chunk.byteOffset === this.pendingEnd) {
        this.pendingEnd += chunk.byteLength;
        this.sendPendingIfComplete();
        return;
      }
      // Not the continuation: what came of the pending buffer is copied, and it stays its owner's.
      this.abandonPending();
    }
    // Small buffers may be slices of Node's shared allocation pool: never moved.
    if (transferable && chunk.byteOffset === 0 && buffer.byteLength >= BATCH_BYTES && !(buffer instanceof SharedArrayBuffer)) {
      this.flushBatch();
      this.pending = buffer;
      this.pendingEnd = chunk.byteLength;
      this.sendPendingIfComplete();
      return;
    }
    this.copy(chunk);
  }

  /** Sends whatever is held (at the end of the stream). */
  flush(): void {
    this.abandonPending();
    this.flushBatch();
  }

  private sendPendingIfComplete(): void {
    const pending = this.pending;
    if (pending === undefined || this.pendingEnd !== pending.byteLength) return;
    this.pending = undefined;
    this.send(new Uint8Array(pending, 0, this.pendingEnd));
  }

  private abandonPending(): void {
    const pending = this.pending;
    if (pending === undefined) return;
    this.pending = undefined;
    this.copy(new Uint8Array(pending, 0, this.pendingEnd));
  }

  private copy(chunk: Uint8Array): void {
    for (let offset = 0; offset < chunk.byteLength; ) {
      this.batch ??= Buffer.allocUnsafeSlow(BATCH_BYTES);
      const n = Math.min(chunk.byteLength - offset, BATCH_BYTES - this.used);
      this.batch.set(chunk.subarray(offset, offset + n), this.used);
      this.used += n;
      offset += n;
      if (this.used === BATCH_BYTES) this.flushBatch();
    }
  }

  private flushBatch(): void {
    if (this.batch === undefined || this.used === 0) return;
    const data = new Uint8Array(this.batch.buffer, 0, this.used);
    this.batch = undefined;
    this.used = 0;
    this.send(data);
  }
}
