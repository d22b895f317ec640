/**
 * Bundles the CLI into dist/bundle/ with esbuild: one file for what every command needs, plus
 * chunks for what is imported lazily (registry client, tar, zstd…). Node resolves and reads each
 * ES module separately, and for ~60 small modules that cost about as much as Node's own start-up;
 * one bundle removes it (see README: start-up latency). The library API stays in dist/src.
 */
import { build } from 'esbuild';

await build({
  entryPoints: { main: 'src/cli/main.ts', 'supervisor-main': 'src/containers/supervisor-main.ts', 'apply-worker': 'src/unpack/apply-worker-main.ts' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // CommonJS dependencies (commander, undici) call require() for Node's built-ins.
  banner: { js: "import { createRequire as __mydockerRequire } from 'node:module'; const require = __mydockerRequire(import.meta.url);" },
  chunkNames: 'chunks/[name]-[hash]',
  // CommonJS packages that are only ever loaded lazily (pull, load, save) stay in node_modules and
  // are loaded by Node itself: esbuild's interop hides their named exports behind a dynamic import
  // (`const { extract } = await import('tar-stream')` would find nothing).
  external: ['undici', 'tar-stream', 'fzstd'],
  logLevel: 'warning',
});
