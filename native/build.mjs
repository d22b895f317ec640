// Compile the launcher into native/build/mydocker-launcher (run by `npm install` and `npm run build`).
// Skips the work when the binary is newer than every source.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'build', 'mydocker-launcher');
const sources = readdirSync(here).filter((f) => f.endsWith('.c')).map((f) => join(here, f));
const inputs = [...sources, ...readdirSync(here).filter((f) => f.endsWith('.h')).map((f) => join(here, f)), fileURLToPath(import.meta.url)];

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}

// The layer helper (mknod and setxattr for overlayfs whiteouts and opaque directories): its own binary.
const fsutilOut = join(here, 'build', 'mydocker-fsutil');
const fsutilSource = join(here, 'fsutil', 'fsutil.c');
if (mtime(fsutilOut) < Math.max(mtime(fsutilSource), mtime(fileURLToPath(import.meta.url)))) {
  mkdirSync(dirname(fsutilOut), { recursive: true });
  const fsutil = spawnSync(process.env.CC || 'cc', ['-O2', '-Wall', '-Wextra', '-Werror', '-o', fsutilOut, fsutilSource], { stdio: 'inherit' });
  if (fsutil.error || fsutil.status !== 0) {
    console.error('mydocker: compiling native/fsutil/fsutil.c failed (is gcc installed? apt-get install gcc), then run "npm run build".');
    process.exit(1);
  }
}

const built = mtime(out);
if (built >= 0 && inputs.every((f) => mtime(f) < built)) process.exit(0);

const candidates = process.env.CC ? [process.env.CC] : ['cc', 'gcc'];
const cc = candidates.find((c) => {
  const probe = spawnSync(c, ['--version'], { stdio: 'ignore' });
  return !probe.error && probe.status === 0;
});
if (cc === undefined) {
  console.error(`mydocker: no C compiler found (tried ${candidates.join(', ')}); install gcc, e.g. "apt-get install gcc", then run "npm run build".`);
  process.exit(1);
}
mkdirSync(dirname(out), { recursive: true });
const result = spawnSync(cc, ['-O2', '-Wall', '-Wextra', '-Werror', '-o', out, ...sources], { stdio: 'inherit' });
if (result.status !== 0) {
  console.error('mydocker: compiling the native launcher failed (see the compiler output above).');
  process.exit(1);
}
