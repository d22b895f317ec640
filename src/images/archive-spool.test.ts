import { createHash } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { safeEntryName, spoolArchive } from './archive-spool.js';

function tar(entries: { name: string; data?: string; link?: string; type?: 'symlink' | 'link' | 'fifo' }[]): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve) => {
    archive.on('data', (c: unknown) => {
      chunks.push(c as Buffer);
    });
    archive.on('end', () => resolve(Buffer.concat(chunks)));
  });
  for (const e of entries) {
    if (e.type) archive.entry({ name: e.name, type: e.type, ...(e.link ? { linkname: e.link } : {}) });
    else archive.entry({ name: e.name }, e.data ?? '');
  }
  archive.finalize();
  return done;
}

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mydocker-spool-'));
  try {
    return await fn(path.join(dir, 'spool'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('safeEntryName normalises and refuses escapes', () => {
  assert.equal(safeEntryName('./blobs//sha256/abc'), 'blobs/sha256/abc');
  assert.equal(safeEntryName('manifest.json'), 'manifest.json');
  assert.throws(() => safeEntryName('../x'), /outside the archive/);
  assert.throws(() => safeEntryName('a/../../x'), /outside the archive/);
  assert.throws(() => safeEntryName('/etc/passwd'), /absolute path/);
});

test('spoolArchive hashes files, resolves links, and reads gzip archives', async () => {
  const bytes = await tar([
    { name: 'a/layer.tar', data: 'layer' },
    { name: 'b/layer.tar', type: 'symlink', link: '../a/layer.tar' },
    { name: 'c', type: 'link', link: 'a/layer.tar' },
  ]);
  for (const input of [bytes, gzipSync(bytes)]) {
    await withDir(async (dir) => {
      const spool = await spoolArchive(Readable.from([input]), dir);
      const file = spool.get('a/layer.tar');
      assert.ok(file);
      assert.equal(readFileSync(file.path, 'utf8'), 'layer');
      assert.equal(file.size, 5);
      assert.equal(file.digest, `sha256:${createHash('sha256').update('layer').digest('hex')}`);
      assert.equal(spool.get('b/layer.tar'), file);
      assert.equal(spool.get('c'), file);
    });
  }
});

test('spoolArchive refuses duplicates, devices, truncation', async () => {
  await withDir(async (dir) => {
    await assert.rejects(spoolArchive(Readable.from([await tar([{ name: 'x', data: '1' }, { name: './x', data: '2' }])]), dir), /appears twice/);
  });
  await withDir(async (dir) => {
    await assert.rejects(spoolArchive(Readable.from([await tar([{ name: 'p', type: 'fifo' }])]), dir), /not a file/);
  });
  await withDir(async (dir) => {
    const whole = await tar([{ name: 'x', data: 'y'.repeat(5000) }]);
    await assert.rejects(spoolArchive(Readable.from([whole.subarray(0, 2000)]), dir), /not a valid image archive/);
  });
});
