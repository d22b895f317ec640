import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings } from './index.js';

test('defaults when nothing is set', () => {
  const s = loadSettings({ MYDOCKER_CONFIG_FILE: '/nonexistent/config.json' });
  assert.deepEqual(s, { root: '/var/lib/mydocker', insecureRegistries: [], registryMirrors: [], maxConcurrentDownloads: 3 });
});

test('config file is read and the environment wins', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mydocker-config-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify({ 'registry-mirrors': ['https://m1'], 'insecure-registries': ['reg:5000'] }));
  assert.deepEqual(loadSettings({ MYDOCKER_CONFIG_FILE: file }).registryMirrors, ['https://m1']);
  assert.deepEqual(loadSettings({ MYDOCKER_CONFIG_FILE: file }).insecureRegistries, ['reg:5000']);
  const env = { MYDOCKER_CONFIG_FILE: file, MYDOCKER_REGISTRY_MIRROR: 'http://a, http://b', MYDOCKER_INSECURE_REGISTRIES: '' };
  assert.deepEqual(loadSettings(env).registryMirrors, ['http://a', 'http://b']);
  assert.deepEqual(loadSettings(env).insecureRegistries, []);
});

test('a malformed config file is a clear error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mydocker-config-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, '{"registry-mirrors": "not a list"}');
  assert.throws(() => loadSettings({ MYDOCKER_CONFIG_FILE: file }), /must be a list of strings/);
});

test('max-concurrent-downloads is read from the config file and checked', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mydocker-config-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, '{"max-concurrent-downloads": 5}');
  assert.equal(loadSettings({ MYDOCKER_CONFIG_FILE: file }).maxConcurrentDownloads, 5);
  writeFileSync(file, '{"max-concurrent-downloads": 0}');
  assert.throws(() => loadSettings({ MYDOCKER_CONFIG_FILE: file }), /positive integer/);
});
