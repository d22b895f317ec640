import { readFileSync } from 'node:fs';
import type { Mount } from '../runtime/index.js';
import { copyLayers, type LayerDir, type SnapshotStore } from '../snapshots/index.js';
import type { ContainerDirs } from './container-dirs.js';

/** How a container's root is built: an overlay of the layer snapshots, or a private copy of them. */
export type Snapshotter = 'overlay' | 'copy';

/** The root mount and where the launcher must run for it (overlay lowerdirs are relative to it). */
export interface RootPlan {
  mount: Mount;
  cwd?: string;
}

/**
 * overlayfs is used unless MYDOCKER_SNAPSHOTTER=copy forces the copy or the kernel lacks it; a
 * mount that fails anyway falls back at launch. Returns the reason when overlay is not used.
 */
export function chooseSnapshotter(env: NodeJS.ProcessEnv = process.env): { snapshotter: Snapshotter; reason?: string } {
  const forced = env['MYDOCKER_SNAPSHOTTER'];
  if (forced === 'copy') return { snapshotter: 'copy', reason: 'MYDOCKER_SNAPSHOTTER=copy' };
  let filesystems = '';
  try {
    filesystems = readFileSync('/proc/filesystems', 'utf8');
  } catch {
    // no /proc: try the mount anyway
    return { snapshotter: 'overlay' };
  }
  // overlay may also be a module not loaded yet, which mount(2) loads on demand.
  if (!/\boverlay\b/.test(filesystems) && !moduleAvailable()) return { snapshotter: 'copy', reason: 'the kernel has no overlay filesystem' };
  return { snapshotter: 'overlay' };
}

function moduleAvailable(): boolean {
  try {
    return readFileSync('/proc/modules', 'utf8').includes('overlay') || readFileSync(`/lib/modules/${readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim()}/modules.dep`, 'utf8').includes('/overlay.ko');
  } catch {
    return false;
  }
}

/**
 * The overlay mount of an image's snapshots (top first) under a fresh upper/work: nothing is copied.
 * Lower layers are named by their short links relative to the snapshots directory (`l/<12 hex>`,
 * overlay2's trick) and the launcher runs there, so 120+ layers fit in the kernel's one-page limit
 * on mount options: 15 bytes per layer.
 */
export function overlayRoot(snapshots: SnapshotStore, chainIds: readonly string[], dirs: ContainerDirs): RootPlan {
  const lowers = [...chainIds].reverse().map((chainId) => {
    snapshots.ensureLink(chainId);
    return snapshots.linkName(chainId);
  });
  return {
    mount: { destination: '/', type: 'overlay', source: 'overlay', options: [`lowerdir=${lowers.join(':')}`, `upperdir=${dirs.upper}`, `workdir=${dirs.work}`, 'userxattr'] },
    cwd: snapshots.baseDir,
  };
}

/** The fallback: the layers copied (whiteouts applied) into the container's own directory, bound as its root. */
export function copyRoot(layers: readonly LayerDir[], dirs: ContainerDirs): RootPlan {
  copyLayers(layers, dirs.upper);
  return { mount: { destination: '/', type: 'bind', source: dirs.upper, options: ['rbind'] } };
}
