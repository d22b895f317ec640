// Build and run the native TAP tests (with AddressSanitizer when the compiler supports it).
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const native = dirname(here);
const out = join(native, 'build', 'spec-test');
mkdirSync(dirname(out), { recursive: true });
const cc = process.env.CC || 'cc';
const sources = [join(here, 'spec_test.c'), join(native, 'spec.c'), join(native, 'report.c')];
const base = ['-O1', '-g', '-Wall', '-Wextra', '-Werror', '-o', out, ...sources];
let built = spawnSync(cc, ['-fsanitize=address,undefined', '-fno-sanitize-recover=all', ...base], { stdio: 'inherit' });
if (built.status !== 0) built = spawnSync(cc, base, { stdio: 'inherit' });
if (built.error || built.status !== 0) {
  console.error('native tests: compiling failed (is gcc installed? apt-get install gcc)');
  process.exit(1);
}
const run = spawnSync(out, [], { stdio: 'inherit', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1' } });
process.exit(run.status ?? 1);
