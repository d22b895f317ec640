import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BATCH_BYTES, TransferBatcher } from './transfer-batcher.js';

function collector(): { sent: Uint8Array[]; batcher: TransferBatcher; bytes: () => Buffer } {
  const sent: Uint8Array[] = [];
  const batcher = new TransferBatcher((data) => sent.push(data));
  return { sent, batcher, bytes: () => Buffer.concat(sent.map((d) => Buffer.from(d))) };
}

function pattern(length: number, seed: number): Buffer {
  const out = Buffer.allocUnsafeSlow(length);
  for (let i = 0; i < length; i++) out[i] = (i * 7 + seed) & 0xff;
  return out;
}

describe('TransferBatcher', () => {
  it('copies chunks it may not move into ~1 MiB batches, in order, leaving the originals intact', () => {
    const { sent, batcher, bytes } = collector();
    const chunks = [pattern(700_000, 1), pattern(700_000, 2), pattern(10, 3), pattern(2_500_000, 4)];
    for (const chunk of chunks) batcher.add(chunk, false);
    batcher.flush();
    assert.deepEqual(bytes(), Buffer.concat(chunks));
    assert.ok(sent.every((d) => d.byteLength <= BATCH_BYTES && d.byteOffset === 0));
    assert.ok(sent.slice(0, -1).every((d) => d.byteLength === BATCH_BYTES), 'full batches but the last');
    assert.ok(chunks.every((c, i) => c.byteLength > 0 && c.equals(pattern(c.byteLength, i + 1))), 'no original was detached or changed');
  });

  it('sends a transferable buffer itself once all of it came, contiguously from its start', () => {
    const { sent, batcher, bytes } = collector();
    const whole = pattern(BATCH_BYTES, 9);
    const expected = Buffer.from(whole);
    batcher.add(pattern(100, 1), false);
    batcher.add(whole.subarray(0, 1000), true);
    assert.equal(sent.length, 1, 'the copied bytes before it go first');
    batcher.add(whole.subarray(1000, 500_000), true);
    batcher.add(whole.subarray(500_000), true);
    assert.equal(sent.length, 2);
    assert.equal(sent[1]?.buffer, whole.buffer, 'moved, not copied');
    batcher.flush();
    assert.deepEqual(bytes(), Buffer.concat([pattern(100, 1), expected]));
  });

  it('copies what came of a transferable buffer when its slices stop being contiguous', () => {
    const { sent, batcher, bytes } = collector();
    const big = pattern(BATCH_BYTES, 5);
    batcher.add(big.subarray(0, 4000), true);
    batcher.add(big.subarray(8000, 9000), true);
    batcher.flush();
    assert.deepEqual(bytes(), Buffer.concat([big.subarray(0, 4000), big.subarray(8000, 9000)]));
    assert.ok(sent.every((d) => d.buffer !== big.buffer), 'never moved');
    assert.equal(big.byteLength, BATCH_BYTES);
  });

  it('never moves a small buffer (it may be a slice of the shared pool), even when told it may', () => {
    const { sent, batcher, bytes } = collector();
    const small = Buffer.from('pooled bytes');
    batcher.add(small, true);
    batcher.flush();
    assert.deepEqual(bytes(), Buffer.from('pooled bytes'));
    assert.notEqual(sent[0]?.buffer, small.buffer);
    assert.equal(small.toString(), 'pooled bytes');
  });

  it('flush sends a partly received transferable buffer as a copy', () => {
    const { sent, batcher, bytes } = collector();
    const big = pattern(BATCH_BYTES, 3);
    batcher.add(big.subarray(0, 123), true);
    batcher.flush();
    assert.deepEqual(bytes(), big.subarray(0, 123));
    assert.notEqual(sent[0]?.buffer, big.buffer);
  });
});
