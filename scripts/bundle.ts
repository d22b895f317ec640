/**
 * Bundles the CLI with esbuild (see README: start-up latency):
 * - dist/bundle/main.cjs: the whole CLI in one CommonJS file. CommonJS because Node 20 can keep
 *   V8's compiled code only for scripts (vm.Script cachedData), not for ES modules: bin/mydocker
 *   loads this file with a code cache, which halves the cost of loading it. Lazily imported code
 *   (the pull pipeline…) is in the same file but runs only when first required.
 * - dist/bundle/undici.cjs: the registry client's HTTP layer (src/registry/undici-modules.cts), its
 *   own CommonJS file for the same reason, loaded by the first registry request of a command only.
 * - dist/bundle/supervisor-main.js and apply-worker.cjs: the detached supervisor's entry (an ES
 *   module: it starts once per detached container) and the pull's unpack worker thread (CommonJS,
 *   which a worker loads faster; its start-up is on the way to a large pull's first files).
 * The library API stays in dist/src (tsc's output, ES modules).
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

// Packages loaded only on the way to the network or an archive stay out of main.cjs: bundling them
// would grow the file every command reads. undici gets a bundle of its own (below); the small
// others are loaded from node_modules when first needed.
const external = ['undici', 'tar-stream', 'fzstd'];

/**
 * A script loaded with a code cache cannot import(): V8 does not keep the script's import callback
 * in the cache. The bundle's few import()s (node:tls, the packages above, all CommonJS) become
 * require()s, which give the same named exports.
 */
function requireInsteadOfImport(code: string): string {
  const rewritten = code.replace(/\bimport\(("[^"]+")\)/g, 'Promise.resolve().then(() => require($1))');
  const left = /\bimport\(/.exec(rewritten);
  if (left) throw new Error(`bundle: an import() that cannot become a require(): ${rewritten.slice(left.index, left.index + 80)}`);
  return rewritten;
}

/**
 * bin/mydocker reads the bundles as latin1 (~1 ms faster than UTF-8), so they must be ASCII.
 * esbuild escapes non-ASCII in strings and names but keeps it in comments: escaped here too (a
 * \\uXXXX is the same character in a string, a regular expression or a comment).
 */
function asciiOnly(code: string): string {
  return code.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Options every bundle shares: one file each, for Node 20, in dist/bundle. */
const common = { outdir: 'dist/bundle', bundle: true, platform: 'node', target: 'node20', logLevel: 'warning' } as const;
/** A CommonJS bundle whose modules find the package root from their own file, which is the bundle's. */
const commonJs = {
  ...common,
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  define: { 'import.meta.url': '__mydockerBundleUrl' },
  banner: { js: "var __mydockerBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  external,
} as const;

const cli = await build({ ...commonJs, write: false, entryPoints: { main: 'src/cli/main.ts' } });
mkdirSync('dist/bundle', { recursive: true });
// V8 checks a code cache against the length of its source only: a cache left from the previous
// build would be used for a new bundle of the same length, running old code. A build drops them all.
for (const name of readdirSync('dist/bundle')) if (name.endsWith('.v8cache')) rmSync(`dist/bundle/${name}`, { force: true });
for (const file of cli.outputFiles) writeFileSync(file.path, asciiOnly(requireInsteadOfImport(file.text)));

// undici itself is bundled in (no `external`).
const undici = await build({ ...common, write: false, format: 'cjs', outExtension: { '.js': '.cjs' }, entryPoints: { undici: 'src/registry/undici-modules.cts' } });
for (const file of undici.outputFiles) writeFileSync(file.path, asciiOnly(file.text));

await build({
  ...common,
  entryPoints: { 'supervisor-main': 'src/containers/supervisor-main.ts' },
  format: 'esm',
  // CommonJS dependencies call require() for Node's built-ins.
  banner: { js: "import { createRequire as __mydockerRequire } from 'node:module'; const require = __mydockerRequire(import.meta.url);" },
  external,
});

// CommonJS: a worker thread loads a CommonJS file in about half the time of an ES module; with
// tar-stream inside, it resolves no package from node_modules as it starts.
await build({ ...commonJs, entryPoints: { 'apply-worker': 'src/unpack/apply-worker-main.ts' }, external: external.filter((name) => name !== 'tar-stream') });
