import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Settings } from '../config/index.js';
import { findLocalImage, type LocalImage } from '../images/index.js';
import { launch, LaunchError, type LaunchOutcome } from '../launcher/index.js';
import { chainId as computeChainId, type Platform } from '../oci/index.js';
import type { PullEvent } from '../pull/index.js';
import { parseReference, type Reference } from '../reference/index.js';
import { buildSpec, resolveUser } from '../runtime/index.js';
import { findInLayers, SnapshotStore, type LayerDir } from '../snapshots/index.js';
import { isMyDockerError } from '../errors.js';
import { createContainerDirs, newContainerId, removeContainerDirs, removeOrphanedContainers } from './container-dirs.js';
import { chooseSnapshotter, copyRoot, overlayRoot } from './container-root.js';
import { isImageDirectory, readImageFile } from './safe-read.js';

export type RunEvent =
  | { type: 'image-not-found-locally'; reference: Reference }
  | { type: 'container-created'; id: string }
  /** overlayfs cannot be used: the container's root is a copy of the image (say so once, on stderr). */
  | { type: 'snapshotter-fallback'; reason: string }
  | PullEvent;

export interface RunOptions {
  settings: Settings;
  /** COMMAND [ARG...]; empty means the image's Cmd. */
  command: string[];
  /** -i: pass stdin through. */
  interactive: boolean;
  platform?: Platform;
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
}

export interface RunResult {
  id: string;
  outcome: LaunchOutcome;
}

/** Chain IDs of every layer of an image, bottom first. */
function layerChainIds(image: LocalImage): string[] {
  const diffIds = image.config.rootfs.diff_ids;
  return diffIds.map((_, i) => computeChainId(diffIds.slice(0, i + 1)));
}

/** The local image with all its snapshots, unpacked from local blobs or pulled first when missing (docker run's --pull missing). */
async function ensureImage(ref: Reference, options: RunOptions): Promise<{ image: LocalImage; layers: LayerDir[] }> {
  const snapshots = new SnapshotStore(options.settings.root);
  const local = findLocalImage(ref, options.settings, options.platform);
  const common = { settings: options.settings, ...(options.signal && { signal: options.signal }), ...(options.onEvent && { onEvent: options.onEvent }) };
  if (local) {
    const layers = snapshots.layerDirs(layerChainIds(local));
    if (layers) return { image: local, layers };
    // Loaded only now: a run of a local image never loads the registry client, tar or zstd code.
    const { unpackImage } = await import('../pull/index.js');
    try {
      await unpackImage(local, common);
      const unpacked = snapshots.layerDirs(layerChainIds(local));
      if (unpacked) return { image: local, layers: unpacked };
    } catch (error) {
      if (!(isMyDockerError(error) && error.code === 'ERR_LAYER_BLOB_MISSING')) throw error;
    }
  }
  options.onEvent?.({ type: 'image-not-found-locally', reference: ref });
  const { pull } = await import('../pull/index.js');
  const result = await pull(ref, { ...common, ...(options.platform && { platform: options.platform }) });
  const layers = snapshots.layerDirs(layerChainIds(result.image));
  if (!layers) throw new Error('the pulled image has no snapshots');
  return { image: result.image, layers };
}

/**
 * docker run: finds or pulls the image, gives the container a fresh writable layer over the
 * image's layers (an overlay mount; a private copy where overlayfs cannot be used), launches the
 * command isolated, and removes the writable layer when it exits.
 */
export async function run(image: string, options: RunOptions): Promise<RunResult> {
  const ref = parseReference(image);
  const { image: local, layers } = await ensureImage(ref, options);
  const { root } = options.settings;
  const snapshots = new SnapshotStore(root);
  // The image's files are read through its layers, as the overlay will show them, without mounting.
  const imageFile = (path: string): string | undefined => {
    const layer = findInLayers(layers, path);
    return layer ? readImageFile(layer.fs, path) : undefined;
  };
  const user = resolveUser(local.config.config.User ?? '', imageFile('/etc/passwd'), imageFile('/etc/group'));

  removeOrphanedContainers(root);
  const id = newContainerId();
  const dirs = createContainerDirs(root, id);
  options.onEvent?.({ type: 'container-created', id });
  try {
    const workingDir = local.config.config.WorkingDir;
    const workingLayer = workingDir ? findInLayers(layers, workingDir) : undefined;
    const createWorkingDir = workingDir !== undefined && workingDir !== '' && !(workingLayer && isImageDirectory(workingLayer.fs, workingDir));
    const choice = layers.every((layer) => layer.overlay)
      ? chooseSnapshotter()
      : { snapshotter: 'copy' as const, reason: `the filesystem under ${root} cannot hold overlayfs whiteouts` };
    const plan = (snapshotter: 'overlay' | 'copy'): ReturnType<typeof overlayRoot> => {
      const rootPlan = snapshotter === 'overlay' ? overlayRoot(snapshots, layerChainIds(local), dirs) : copyRoot(layers, dirs);
      // docker run creates a missing WorkingDir; in the writable layer, so the image is untouched.
      if (createWorkingDir) mkdirSync(join(dirs.upper, workingDir), { recursive: true, mode: 0o755 });
      return rootPlan;
    };
    const start = (snapshotter: 'overlay' | 'copy'): Promise<LaunchOutcome> => {
      const rootPlan = plan(snapshotter);
      const spec = buildSpec(local.config, { command: options.command, hostname: id.slice(0, 12), user, rootPath: dirs.rootfs, rootMount: rootPlan.mount });
      return launch(spec, { stdin: options.interactive ? 'inherit' : 'ignore', ...(options.signal && { signal: options.signal }), ...(rootPlan.cwd !== undefined && { cwd: rootPlan.cwd }) });
    };
    if (choice.snapshotter === 'copy') {
      options.onEvent?.({ type: 'snapshotter-fallback', reason: choice.reason ?? 'overlayfs is not available' });
      return { id, outcome: await start('copy') };
    }
    try {
      return { id, outcome: await start('overlay') };
    } catch (error) {
      // The overlay mount itself failed (filesystem without overlay support, no user xattrs...):
      // nothing ran yet, so the same container starts again on a copy.
      if (!(error instanceof LaunchError && error.stage === 'root')) throw error;
      options.onEvent?.({ type: 'snapshotter-fallback', reason: error.message });
      for (const name of readdirSync(dirs.upper)) rmSync(join(dirs.upper, name), { recursive: true, force: true });
      return { id, outcome: await start('copy') };
    }
  } finally {
    removeContainerDirs(dirs);
  }
}
