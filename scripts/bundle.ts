/**
 * Bundles the CLI into dist/bundle/ with esbuild: one file for what every command needs, plus
 * chunks for what is imported lazily (registry client, tar, zstd…). Node resolves and reads each
 * ES module separately, and for ~60 small modules that cost about as much as Node's own start-up;
 * one bundle removes it (see README: start-up latency). The library API stays in dist/src.
 */
import { build } from 'esbuild';

await build({
  entryPoints: { main: 'src/cli/main.ts', 'supervisor-main': 'src/containers/supervisor-main.ts' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // CommonJS dependencies (commander, undici) call require() for Node's built-ins.
  banner: { js: "import { createRequire as __mydockerRequire } from 'node:module'; const require = __mydockerRequire(import.meta.url);" },
  chunkNames: 'chunks/[name]-[hash]',
  // Loaded from node_modules by Node itself, on the first registry request only: esbuild's
  // CommonJS interop does not see undici's named exports behind a dynamic import.
  external: ['undici'],
  logLevel: 'warning',
});
