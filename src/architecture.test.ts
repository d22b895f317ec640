/**
 * The layering rules of README "How it works", checked on the sources so that they stay true:
 * library code never prints or exits (the CLI does), never imports the CLI, and the pure modules
 * (reference, oci) touch neither the file system nor the network.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { packageRoot } from './util/index.js';

const SRC = join(packageRoot(), 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.includes('.fixture.') ? [path] : [];
  });
}

const files = sources(SRC).map((path) => ({ name: relative(SRC, path), text: readFileSync(path, 'utf8') }));
// *-main.ts are process entry points (the detached supervisor), which own their process as the CLI does.
const library = files.filter((f) => !f.name.startsWith('cli/') && !f.name.endsWith('-main.ts'));

test('the sources are found (this test cannot pass on an empty tree)', () => {
  assert.ok(library.length > 30, `only ${library.length} library modules found under ${SRC}`);
});

test('library code never writes to the terminal nor exits: it emits events and throws', () => {
  const offenders = library.filter((f) => /process\.(stdout|stderr)\.write|console\.(log|error|warn|info)\(|process\.exit\(/.test(f.text)).map((f) => f.name);
  assert.deepEqual(offenders, []);
});

test('library code never imports the CLI', () => {
  const offenders = library.filter((f) => /from '(\.\.\/)+cli\//.test(f.text)).map((f) => f.name);
  assert.deepEqual(offenders, []);
});

test('reference/ and oci/ are pure: no file system, network or child processes', () => {
  const pure = files.filter((f) => /^(reference|oci)\//.test(f.name));
  assert.ok(pure.length > 3);
  const offenders = pure.filter((f) => /from 'node:(fs|net|http|https|child_process)|from 'undici'/.test(f.text)).map((f) => f.name);
  assert.deepEqual(offenders, []);
});
