import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The mydocker package's root directory (where native/ lives), found by walking up from this
 * module: the same code runs from dist/src/… (library) and from dist/bundle/… (the bundled CLI).
 */
export function packageRoot(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'native', 'build.mjs'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('mydocker: cannot find the package root (native/build.mjs) above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  cached = dir;
  return dir;
}

/**
 * dist/bundle when this code runs from the bundled CLI (where every module's import.meta.url is the
 * bundle's), undefined when it runs as the library (tsc's output in dist/src).
 */
export function bundleDirectory(): string | undefined {
  const bundle = join(packageRoot(), 'dist', 'bundle');
  return fileURLToPath(import.meta.url).startsWith(bundle + sep) ? bundle : undefined;
}
