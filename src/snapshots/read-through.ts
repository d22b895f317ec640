import { lstatSync, type Stats } from 'node:fs';
import type { LayerDir } from './snapshot-store.js';

/** overlayfs's whiteout: a character device with device number 0:0. */
export function isWhiteout(stat: Stats): boolean {
  return stat.isCharacterDevice() && stat.rdev === 0;
}

/**
 * Finds `path` in a stack of layer directories (top first) as the overlay mount would show it,
 * without following any symlink: returns the layer holding it, or undefined when it is absent,
 * whited out, hidden by an opaque directory or a non-directory above, or under a symlink. This is
 * how the image's /etc/passwd is read without mounting anything.
 */
export function findInLayers(layers: readonly LayerDir[], path: string): LayerDir | undefined {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  for (const layer of layers) {
    let hidesBelow = false;
    let prefix = '';
    for (const [i, part] of parts.entries()) {
      prefix = prefix === '' ? part : `${prefix}/${part}`;
      if (layer.whiteouts.has(prefix)) return undefined;
      const stat = lstatSync(`${layer.fs}/${prefix}`, { throwIfNoEntry: false });
      if (stat === undefined) break;
      if (isWhiteout(stat)) return undefined;
      if (i === parts.length - 1) return layer;
      // A non-directory (a symlink included) on the way hides everything below it.
      if (!stat.isDirectory()) return undefined;
      if (layer.opaque.has(prefix)) hidesBelow = true;
    }
    if (parts.length === 0) return layer;
    if (hidesBelow || layer.opaque.has('.')) return undefined;
  }
  return undefined;
}
