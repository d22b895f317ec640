import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveUser } from './user.js';

const passwd = 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:App:/home/app:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n';
const group = 'root:x:0:\napp:x:1000:\nwheel:x:10:app,other\naudio:x:29:app\nnogroup:x:65534:\n';

test('resolves names, ids and groups like docker', () => {
  assert.deepEqual(resolveUser('', passwd, group), { uid: 0, gid: 0, additionalGids: [], home: '/root' });
  assert.deepEqual(resolveUser('app', passwd, group), { uid: 1000, gid: 1000, additionalGids: [10, 29], home: '/home/app' });
  assert.deepEqual(resolveUser('1000', passwd, group), { uid: 1000, gid: 1000, additionalGids: [10, 29], home: '/home/app' });
  assert.deepEqual(resolveUser('1000:1000', passwd, group), { uid: 1000, gid: 1000, additionalGids: [], home: '/home/app' });
  assert.deepEqual(resolveUser('4242', passwd, group), { uid: 4242, gid: 0, additionalGids: [], home: '/' });
  assert.deepEqual(resolveUser('4242:77', passwd, group), { uid: 4242, gid: 77, additionalGids: [], home: '/' });
  assert.deepEqual(resolveUser('app:nogroup', passwd, group), { uid: 1000, gid: 65534, additionalGids: [], home: '/home/app' });
  assert.deepEqual(resolveUser('root', undefined, undefined), { uid: 0, gid: 0, additionalGids: [], home: '/root' });
});

test('unknown names are clear errors', () => {
  assert.throws(() => resolveUser('ghost', passwd, group), /unable to find user ghost: no matching entries in passwd file/);
  assert.throws(() => resolveUser('app:ghosts', passwd, group), /unable to find group ghosts/);
});
