import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseReference } from '../reference/index.js';
import { ImageRefs } from './image-refs.js';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;

test('ImageRefs lists tags and digest references, marks a moved tag’s image dangling, and deletes', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'mydocker-refs-'));
  try {
    const refs = new ImageRefs(root);
    const ref = parseReference('127.0.0.1:5000/library/busybox:latest');
    refs.set(ref, 'latest', A);
    refs.set(ref, '1.36', A, false);
    refs.setDigest(ref, A);
    const listed = refs.list().sort((x, y) => String(x.tag).localeCompare(String(y.tag)));
    assert.deepEqual(listed, [
      { repository: '127.0.0.1:5000/library/busybox', tag: '1.36', digest: A, fromRegistry: false },
      { repository: '127.0.0.1:5000/library/busybox', tag: 'latest', digest: A, fromRegistry: true },
      { repository: '127.0.0.1:5000/library/busybox', tag: undefined, digest: A, fromRegistry: true },
    ]);
    assert.deepEqual(refs.dangling(), []);
    refs.set(ref, 'latest', B);
    assert.deepEqual(refs.dangling(), [A]);
    for (const entry of refs.list()) assert.equal(refs.delete(entry), true);
    assert.deepEqual(refs.list(), []);
    assert.equal(refs.delete({ repository: '127.0.0.1:5000/library/busybox', tag: 'x', digest: A, fromRegistry: true }), false);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
