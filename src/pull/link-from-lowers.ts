import { linkSync, lstatSync, realpathSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { MyDockerError } from '../errors.js';
import { findInLayers, type SnapshotStore } from '../snapshots/index.js';
import type { DeferredLink } from '../unpack/index.js';

/** Hardlinks to files of lower layers: linked to the lower snapshot's file (same inode, as in a flattened root). */
export function linkFromLowers(links: DeferredLink[], snapshots: SnapshotStore, lowers: string[], layerDir: string): void {
  const dirs = snapshots.layerDirs(lowers);
  const realRoot = realpathSync(layerDir);
  for (const link of links) {
    const layer = dirs ? findInLayers(dirs, link.linkname) : undefined;
    const target = layer ? `${layer.fs}/${link.linkname}` : undefined;
    const stat = target ? lstatSync(target) : undefined;
    if (target === undefined || stat === undefined || !(stat.isFile() || stat.isSymbolicLink())) {
      throw new MyDockerError('unsafe-content', 'ERR_UNSAFE_LAYER_ENTRY', `layer entry ${JSON.stringify(link.entryName)} refused: its hardlink target "${link.linkname}" does not exist or is not a regular file`, {
        hint: 'The image was refused and nothing of it was kept; do not use it.',
      });
    }
    // A later entry of the layer may have replaced a parent of the link with a symlink: never link through one.
    if (realpathSync(dirname(link.path)) !== join(realRoot, relative(layerDir, dirname(link.path)))) {
      throw new MyDockerError('unsafe-content', 'ERR_UNSAFE_LAYER_ENTRY', `layer entry ${JSON.stringify(link.entryName)} refused: its directory was replaced by a symlink`, {
        hint: 'The image was refused and nothing of it was kept; do not use it.',
      });
    }
    linkSync(target, link.path);
  }
}
