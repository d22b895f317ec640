// Loads a CommonJS bundle with V8's code cache, for bin/mydocker (dist/bundle/main.cjs) and for
// the bundle itself (dist/bundle/undici.cjs, on a command's first registry request): compiling a
// bundle from source costs several times more than deserializing the code V8 compiled last time.
// A cache that is missing or that V8 rejects (the bundle or Node changed) is written at the end of
// the command by saveCodeCaches(), so that it holds every function the command ran.
'use strict';
const { readFileSync, renameSync, writeFileSync, unlinkSync } = require('node:fs');
const { dirname } = require('node:path');
const { Script } = require('node:vm');
const Module = require('node:module');

/** Scripts compiled without a usable cache, and where their cache goes. */
const unsaved = [];

/** Runs `file` (CommonJS) compiled with the cache in `cacheFile` when it is valid; returns its exports. */
function loadWithCodeCache(file, cacheFile) {
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // No cache yet: compiled from source, and the cache is written at the end.
  }
  const script = new Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
  const loaded = { exports: {} };
  script.runInThisContext()(loaded.exports, Module.createRequire(file), loaded, file, dirname(file));
  if (cachedData === undefined || script.cachedDataRejected === true) unsaved.push({ script, cacheFile });
  return loaded.exports;
}

/** Keeps the code V8 compiled during this command for the next ones (temp + rename; best effort). */
function saveCodeCaches() {
  for (const { script, cacheFile } of unsaved.splice(0)) {
    const temp = `${cacheFile}.${process.pid}`;
    try {
      writeFileSync(temp, script.createCachedData());
      renameSync(temp, cacheFile);
    } catch {
      try {
        unlinkSync(temp);
      } catch {
        // A read-only install: every start compiles from source, nothing else changes.
      }
    }
  }
}

module.exports = { loadWithCodeCache, saveCodeCaches };
