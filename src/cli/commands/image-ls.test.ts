import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imageRows } from './image-ls.js';

const base = { id: `sha256:${'1'.repeat(64)}`, created: undefined, size: 0, manifestDigest: `sha256:${'2'.repeat(64)}` };
const D = `sha256:${'3'.repeat(64)}`;

test('imageRows: one row per tag; digests only with --digests; digest-only and unnamed images show <none>', () => {
  const tagged = { ...base, repoTags: ['busybox:1.36', 'busybox:latest'], repoDigests: [`busybox@${D}`] };
  assert.deepEqual(imageRows(tagged, false).map((r) => [r.repository, r.tag, r.digest]), [['busybox', '1.36', '<none>'], ['busybox', 'latest', '<none>']]);
  assert.deepEqual(imageRows(tagged, true).map((r) => [r.repository, r.tag, r.digest]), [['busybox', '1.36', D], ['busybox', 'latest', D]]);
  const digestOnly = { ...base, repoTags: [], repoDigests: [`host:5000/a/b@${D}`] };
  assert.deepEqual(imageRows(digestOnly, true).map((r) => [r.repository, r.tag, r.digest]), [['host:5000/a/b', '<none>', D]]);
  assert.deepEqual(imageRows({ ...base, repoTags: [], repoDigests: [] }, false).map((r) => [r.repository, r.tag]), [['<none>', '<none>']]);
  // A registry port is not a tag separator.
  assert.deepEqual(imageRows({ ...base, repoTags: ['host:5000/x:v1'], repoDigests: [] }, false).map((r) => [r.repository, r.tag]), [['host:5000/x', 'v1']]);
});
