/**
 * Loads undici-modules.cts on the first registry request: from tsc's output for the library, and
 * for the bundled CLI from dist/bundle/undici.cjs with V8's code cache, through the loader
 * bin/mydocker publishes (~10 ms, where compiling undici's modules from source took ~30 ms of
 * every pull).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { bundleDirectory } from '../util/index.js';
import type * as UndiciModules from './undici-modules.cjs';

export type UndiciCore = typeof UndiciModules;

type CodeCacheLoader = (file: string, cacheFile: string) => unknown;

let loaded: UndiciCore | undefined;

export function undiciCore(): UndiciCore {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const bundle = bundleDirectory();
  if (bundle === undefined) {
    loaded = require('./undici-modules.cjs') as UndiciCore;
  } else {
    const loader = (globalThis as Record<symbol, unknown>)[Symbol.for('mydocker.loadWithCodeCache')] as CodeCacheLoader | undefined;
    const file = join(bundle, 'undici.cjs');
    loaded = (loader ? loader(file, join(bundle, 'undici.v8cache')) : require(file)) as UndiciCore;
  }
  return loaded;
}
