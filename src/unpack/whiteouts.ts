import * as fs from 'node:fs';
import { unsafeEntry } from './errors.js';

/** image-spec layer.md: `.wh.NAME` deletes NAME from the layers below. */
const WHITEOUT_PREFIX = '.wh.';
/** image-spec layer.md: this marker hides every lower child of its directory. */
const OPAQUE_MARKER = '.wh..wh..opq';
/** aufs kept its own metadata (`.wh..wh.plnk`, `.wh..wh.aufs`) under this prefix; it is never content. */
const AUFS_META_PREFIX = '.wh..wh.';

/** What an entry's base name means under the whiteout rules. */
export type WhiteoutKind = { kind: 'none' } | { kind: 'opaque' } | { kind: 'meta' } | { kind: 'whiteout'; target: string };

/** Classifies a base name: plain content, an opaque marker, aufs metadata, or a whiteout of `target`. */
export function classifyName(base: string, entryName: string): WhiteoutKind {
  if (!base.startsWith(WHITEOUT_PREFIX)) return { kind: 'none' };
  if (base === OPAQUE_MARKER) return { kind: 'opaque' };
  if (base.startsWith(AUFS_META_PREFIX)) return { kind: 'meta' };
  const target = base.slice(WHITEOUT_PREFIX.length);
  // `.wh..` would delete the parent directory (and `.wh.` the directory itself).
  if (target === '' || target === '.' || target === '..') throw unsafeEntry(entryName, 'it is a whiteout of a parent directory');
  return { kind: 'whiteout', target };
}

/**
 * The in-root paths the current layer has written, plus all their ancestors. The spec says a whiteout
 * or opaque marker only hides what the layers *below* hold, and the marker may come before or after
 * the layer's own children in the tar, so we must know what this layer wrote.
 */
export class TouchedPaths {
  private readonly paths = new Set<string>();

  /** Records `components` and every ancestor of it. */
  add(components: readonly string[]): void {
    for (let end = components.length; end > 0; end--) {
      const key = components.slice(0, end).join('/');
      // Once a prefix is present, all shorter prefixes are too.
      if (this.paths.has(key)) return;
      this.paths.add(key);
    }
  }

  /** True if this layer wrote `key` or something below it. */
  has(key: string): boolean {
    return this.paths.has(key);
  }
}

/** Deletes `dir/target` (a file or a whole tree) unless this layer wrote it. */
export function applyWhiteout(dirReal: string, dirKey: string, target: string, touched: TouchedPaths): void {
  if (touched.has(joinKey(dirKey, target))) return;
  fs.rmSync(`${dirReal}/${target}`, { recursive: true, force: true });
}

/** Empties an opaque directory of everything the lower layers put there, keeping what this layer wrote. */
export function applyOpaque(dirReal: string, dirKey: string, touched: TouchedPaths): void {
  for (const entry of fs.readdirSync(dirReal, { withFileTypes: true })) {
    const key = joinKey(dirKey, entry.name);
    const real = `${dirReal}/${entry.name}`;
    if (!touched.has(key)) fs.rmSync(real, { recursive: true, force: true });
    // A directory this layer touched may still hold lower children; they are hidden as well.
    else if (entry.isDirectory()) applyOpaque(real, key, touched);
  }
}

function joinKey(dirKey: string, name: string): string {
  return dirKey === '' ? name : `${dirKey}/${name}`;
}
