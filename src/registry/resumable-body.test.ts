import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { contentRangeStart, resumableBody, type OpenedBody } from './resumable-body.js';

const blob = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));

/** A body that yields `data` in chunks of 100, then fails with `code` (a reset) if given. */
function body(data: Buffer, code?: string): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let i = 0; i < data.length; i += 100) yield data.subarray(i, i + 100);
    if (code !== undefined) throw Object.assign(new Error('cut'), { code });
  }
  return Readable.from(chunks());
}

async function collect(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

const base = { total: blob.length, maxResumes: 3, wait: async () => undefined, describe: (e: unknown) => e };

test('a cut body resumes with a 206 from where it stopped', async () => {
  const offsets: number[] = [];
  const stream = resumableBody({ status: 200, body: body(blob.subarray(0, 300), 'ECONNRESET') }, {
    ...base,
    reopen: async (offset): Promise<OpenedBody> => {
      offsets.push(offset);
      return { status: 206, body: body(blob.subarray(offset)), rangeStart: offset };
    },
  });
  assert.deepEqual(await collect(stream), blob);
  assert.deepEqual(offsets, [300]);
});

test('a registry that ignores Range (200) restarts and the bytes already sent are skipped', async () => {
  let calls = 0;
  const stream = resumableBody({ status: 200, body: body(blob.subarray(0, 450), 'UND_ERR_SOCKET') }, {
    ...base,
    reopen: async () => {
      calls += 1;
      // The second try is cut too, before it even caught up; the third is whole.
      return calls === 1 ? { status: 200, body: body(blob.subarray(0, 250), 'ECONNRESET') } : { status: 200, body: body(blob) };
    },
  });
  assert.deepEqual(await collect(stream), blob);
  assert.equal(calls, 2);
});

test('an early clean end (fewer bytes than Content-Length) is resumed too', async () => {
  const stream = resumableBody({ status: 200, body: body(blob.subarray(0, 500)) }, {
    ...base,
    reopen: async (offset) => ({ status: 206, body: body(blob.subarray(offset)), rangeStart: offset }),
  });
  assert.deepEqual(await collect(stream), blob);
});

test('bounded: after maxResumes the failure is reported; non-network errors are not retried', async () => {
  let calls = 0;
  const failing = resumableBody({ status: 200, body: body(blob.subarray(0, 100), 'ECONNRESET') }, {
    ...base,
    describe: (e) => new Error(`described: ${(e as Error).message}`),
    reopen: async (offset) => {
      calls += 1;
      return { status: 206, body: body(blob.subarray(offset, offset + 100), 'ECONNRESET'), rangeStart: offset };
    },
  });
  await assert.rejects(collect(failing), /described: cut/);
  assert.equal(calls, 3);
  const other = resumableBody({ status: 200, body: body(blob.subarray(0, 100), 'EACCES') }, { ...base, reopen: async () => assert.fail('no resume') });
  await assert.rejects(collect(other), /cut/);
});

test('a 206 that starts elsewhere is refused', async () => {
  const stream = resumableBody({ status: 200, body: body(blob.subarray(0, 300), 'ECONNRESET') }, {
    ...base,
    reopen: async () => ({ status: 206, body: body(blob.subarray(0)), rangeStart: 0 }),
  });
  await assert.rejects(collect(stream), /bytes 300- with bytes 0-/);
});

test('Content-Range parsing', () => {
  assert.equal(contentRangeStart('bytes 300-999/1000'), 300);
  assert.equal(contentRangeStart('bytes */1000'), undefined);
  assert.equal(contentRangeStart(undefined), undefined);
});
