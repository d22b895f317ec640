/**
 * Loads undici-modules.cts on the first registry request: from tsc's output for the library, and
 * for the bundled CLI from dist/bundle/undici.cjs with V8's code cache (bin/code-cache.js), which
 * takes ~20 ms less than compiling undici's modules from source on every pull.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { bundleDirectory, packageRoot } from '../util/index.js';
import type * as UndiciModules from './undici-modules.cjs';

export type UndiciCore = typeof UndiciModules;

interface CodeCacheLoader {
  loadWithCodeCache(file: string, cacheFile: string): unknown;
}

let loaded: UndiciCore | undefined;

export function undiciCore(): UndiciCore {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const bundle = bundleDirectory();
  if (bundle === undefined) {
    loaded = require('./undici-modules.cjs') as UndiciCore;
  } else {
    const { loadWithCodeCache } = require(join(packageRoot(), 'bin', 'code-cache.js')) as CodeCacheLoader;
    loaded = loadWithCodeCache(join(bundle, 'undici.cjs'), join(bundle, 'undici.v8cache')) as UndiciCore;
  }
  return loaded;
}
