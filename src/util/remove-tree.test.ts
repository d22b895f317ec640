import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { removeFile, removeTree } from './remove-tree.js';

test('removeTree removes a tree with files, empty and unreadable directories, and symlinks without following them', () => {
  const base = mkdtempSync(path.join(os.tmpdir(), 'mydocker-remove-tree-'));
  const outside = path.join(base, 'outside');
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'keep'), 'x');
  const tree = path.join(base, 'tree');
  mkdirSync(path.join(tree, 'upper', 'etc'), { recursive: true });
  mkdirSync(path.join(tree, 'work', 'work'), { recursive: true });
  // overlayfs leaves work/work with mode 000.
  chmodSync(path.join(tree, 'work', 'work'), 0o000);
  mkdirSync(path.join(tree, 'rootfs'));
  writeFileSync(path.join(tree, 'config.json'), '{}');
  writeFileSync(path.join(tree, 'upper', 'etc', 'hosts'), '127.0.0.1 localhost\n');
  symlinkSync(outside, path.join(tree, 'upper', 'link-to-dir'));
  symlinkSync('/nonexistent', path.join(tree, 'upper', 'dangling'));
  // Names a container wrote that are not UTF-8.
  const odd = Buffer.concat([Buffer.from(path.join(tree, 'upper', 'bad')), Buffer.from([0xff]), Buffer.from('name')]);
  writeFileSync(odd, 'x');
  const oddDir = Buffer.concat([Buffer.from(path.join(tree, 'upper', 'dir')), Buffer.from([0xfe])]);
  mkdirSync(oddDir);
  writeFileSync(Buffer.concat([oddDir, Buffer.from('/f')]), 'x');
  removeTree(tree);
  assert.equal(existsSync(tree), false);
  assert.deepEqual(readdirSync(outside), ['keep']);
  // Missing paths and plain files are fine too.
  removeTree(tree);
  const file = path.join(base, 'file');
  writeFileSync(file, 'x');
  removeTree(file);
  assert.equal(existsSync(file), false);
  // A symlink to a directory is removed itself; what it points to stays.
  const link = path.join(base, 'link');
  symlinkSync(outside, link);
  removeTree(link);
  assert.equal(existsSync(link), false);
  assert.deepEqual(readdirSync(outside), ['keep']);
  removeFile(file);
  removeTree(base);
  assert.equal(existsSync(base), false);
});
