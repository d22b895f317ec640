import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TouchedPaths, classifyName } from './whiteouts.js';

describe('classifyName', () => {
  it('tells content, whiteouts, opaque markers and aufs metadata apart', () => {
    assert.deepEqual(classifyName('passwd', 'etc/passwd'), { kind: 'none' });
    assert.deepEqual(classifyName('.whatever', 'x'), { kind: 'none' });
    assert.deepEqual(classifyName('.wh.passwd', 'etc/.wh.passwd'), { kind: 'whiteout', target: 'passwd' });
    assert.deepEqual(classifyName('.wh..hidden', 'x'), { kind: 'whiteout', target: '.hidden' });
    assert.deepEqual(classifyName('.wh..wh..opq', 'x'), { kind: 'opaque' });
    assert.deepEqual(classifyName('.wh..wh.plnk', 'x'), { kind: 'meta' });
  });
  it('refuses whiteouts of . and ..', () => {
    // `.wh.` → "", `.wh..` → ".", `.wh...` → "..": each would delete a directory above the entry.
    for (const base of ['.wh.', '.wh..', '.wh...']) {
      assert.throws(() => classifyName(base, `a/${base}`), { code: 'ERR_UNSAFE_LAYER_ENTRY' });
    }
  });
});

describe('TouchedPaths', () => {
  it('records a path and all its ancestors, nothing else', () => {
    const touched = new TouchedPaths();
    touched.add(['var', 'lib', 'apt']);
    touched.add(['var', 'log']);
    for (const key of ['var', 'var/lib', 'var/lib/apt', 'var/log']) assert.ok(touched.has(key), key);
    for (const key of ['va', 'var/li', 'lib', 'var/lib/apt/lists', '']) assert.equal(touched.has(key), false, key);
  });
});
