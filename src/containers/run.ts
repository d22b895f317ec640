import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Settings } from '../config/index.js';
import { findLocalImage } from '../images/find-local.js';
import type { LocalImage } from '../images/resolve-local.js';
import type { LaunchError, LaunchOutcome } from '../launcher/index.js';
import { chainId as computeChainId, type Platform } from '../oci/index.js';
import type { PullEvent } from '../pull/index.js';
import { familiarName, parseReference, type Reference } from '../reference/index.js';
import { buildSpec, resolveUser, type RuntimeSpec } from '../runtime/index.js';
import { findInLayers, SnapshotStore, type LayerDir } from '../snapshots/index.js';
import { isMyDockerError } from '../errors.js';
import { createContainerDirs, newContainerId, removeContainerDirs, removeOrphanedContainers } from './container-dirs.js';
import { chooseSnapshotter, copyRoot, overlayRoot } from './container-root.js';
import { isImageDirectory, readImageFile } from './safe-read.js';
import { cgroupMounts, detectHierarchy, removeOrphanedCgroups, type Hierarchy } from '../cgroups/index.js';
import { writeEtcFiles } from '../runtime/etc-files.js';
import { amendImageConfig, confineSpec, type RunConfig } from './run-config.js';
import { MyDockerError } from '../errors.js';
import { startDetached } from './detach.js';
import { createRecord } from './record.js';
import { superviseContainer, writeCgroupRequest } from './supervise.js';

export type RunEvent =
  | { type: 'image-not-found-locally'; reference: Reference }
  | { type: 'container-created'; id: string }
  /** overlayfs cannot be used: the container's root is a copy of the image (say so once, on stderr). */
  | { type: 'snapshotter-fallback'; reason: string }
  /** The OOM killer killed a process of the container; `mainProcess`: its init (exit 137). */
  | { type: 'out-of-memory'; id: string; mainProcess: boolean }
  | { type: 'warning'; message: string }
  | PullEvent;

export interface RunOptions {
  settings: Settings;
  /** COMMAND [ARG...]; empty means the image's Cmd. */
  command: string[];
  /** -i: pass stdin through. */
  interactive: boolean;
  platform?: Platform;
  /** --name; a generated adjective_surname when absent. */
  name?: string;
  /** --rm: remove the container (writable layer and record) when it exits. */
  autoRemove?: boolean;
  /** -d: start it under a background supervisor and return once the command runs. */
  detach?: boolean;
  /** -t: give it a pseudo-terminal. */
  tty?: boolean;
  /** --init: a minimal init as PID 1 that forwards signals and reaps zombies. */
  init?: boolean;
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  /** docker run's container flags (env, mounts, limits, capabilities, …). */
  config?: RunConfig;
}

export interface RunResult {
  id: string;
  /** Undefined for a detached run (the container is still running). */
  outcome: LaunchOutcome | undefined;
  /** The kernel's OOM killer killed a process of the container (its memory limit was hit). */
  oomKilled?: boolean;
}

/** Chain IDs of every layer of an image, bottom first. */
function layerChainIds(image: LocalImage): string[] {
  const diffIds = image.config.rootfs.diff_ids;
  return diffIds.map((_, i) => computeChainId(diffIds.slice(0, i + 1)));
}

/** The local image with all its snapshots, unpacked from local blobs or pulled first when missing (docker run's --pull missing). */
async function ensureImage(ref: Reference, options: RunOptions): Promise<{ image: LocalImage; layers: LayerDir[] }> {
  const snapshots = new SnapshotStore(options.settings.root);
  const policy = options.config?.pull ?? 'missing';
  const local = policy === 'always' ? undefined : findLocalImage(ref, options.settings, options.platform);
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
  if (policy === 'never') {
    throw new MyDockerError('not-found', 'ERR_NO_SUCH_IMAGE', `No such image: ${familiarName(ref)}`, {
      hint: 'Pull it first (mydocker pull), or run with --pull missing.',
    });
  }
  if (policy !== 'always') options.onEvent?.({ type: 'image-not-found-locally', reference: ref });
  const { pull } = await import('../pull/index.js');
  const result = await pull(ref, { ...common, ...(options.platform && { platform: options.platform }) });
  const layers = snapshots.layerDirs(layerChainIds(result.image));
  if (!layers) throw new Error('the pulled image has no snapshots');
  return { image: result.image, layers };
}

function isLimited(config: RunConfig): boolean {
  return Object.values(config.resources ?? {}).some((v) => v !== undefined);
}

/** Limits need cgroups; without limits, a host whose cgroups mydocker cannot use only costs the cgroup namespace. */
function checkCgroups(hierarchy: Hierarchy | undefined, config: RunConfig): void {
  if (hierarchy || !isLimited(config)) return;
  throw new MyDockerError('unsupported', 'ERR_NO_CGROUPS', 'cannot apply resource limits: no cgroup filesystem is mounted', {
    hint: 'Mount cgroup2 at /sys/fs/cgroup (or the v1 controllers), or run without --memory/--cpus/--pids-limit.',
  });
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
  const config = options.config ?? {};
  const imageConfig = amendImageConfig(local.config, config, options.command);
  const user = resolveUser(imageConfig.config.User ?? '', imageFile('/etc/passwd'), imageFile('/etc/group'));
  const hierarchy = detectHierarchy();
  // What killed runs left behind is removed once this container runs: its start-up then runs on
  // the other core meanwhile (a cached run waits ~4 ms for it, doing nothing).
  let cleaned = false;
  const removeOrphans = (): void => {
    if (cleaned) return;
    cleaned = true;
    try {
      if (hierarchy) removeOrphanedCgroups(hierarchy);
      removeOrphanedContainers(root);
    } catch {
      // Best effort: the next run tries again.
    }
  };
  const id = newContainerId();
  const dirs = createContainerDirs(root, id);
  let recorded = false;
  try {
    const workingDir = imageConfig.config.WorkingDir;
    const workingLayer = workingDir ? findInLayers(layers, workingDir) : undefined;
    const createWorkingDir = workingDir !== undefined && workingDir !== '' && !(workingLayer && isImageDirectory(workingLayer.fs, workingDir));
    const choice = layers.every((layer) => layer.overlay)
      ? chooseSnapshotter()
      : { snapshotter: 'copy' as const, reason: `the filesystem under ${root} cannot hold overlayfs whiteouts` };
    const hostname = config.hostname ?? id.slice(0, 12);
    const command = config.entrypoint !== undefined ? [] : options.command;
    const etcMounts = writeEtcFiles(dirs.dir, { hostname, ...(config.name !== undefined && { name: config.name }), extraHosts: config.extraHosts ?? [], dns: config.dns ?? [], network: config.network ?? 'host' });
    checkCgroups(hierarchy, config);
    // A cgroup of its own only for a container with limits: moving a process into a cgroup waits
    // for an RCU grace period in the kernel (~15 ms here), a third of a cached run.
    if (hierarchy && isLimited(config)) writeCgroupRequest(root, id, { resources: config.resources ?? {}, limited: true });
    const specFor = (snapshotter: 'overlay' | 'copy'): RuntimeSpec => {
      const rootPlan = snapshotter === 'overlay' ? overlayRoot(snapshots, layerChainIds(local), dirs) : copyRoot(layers, dirs);
      // docker run creates a missing WorkingDir; in the writable layer, so the image is untouched.
      if (createWorkingDir) mkdirSync(join(dirs.upper, workingDir), { recursive: true, mode: 0o755 });
      const base = buildSpec(imageConfig, { command, hostname, user, rootPath: dirs.rootfs, rootMount: rootPlan.mount });
      const spec = confineSpec(base, config, { etcMounts, cgroupProcs: [], ownCgroup: hierarchy !== undefined, ...(hierarchy && { cgroupMounts: cgroupMounts(hierarchy) }) });
      if (options.tty === true) spec.process.terminal = true;
      if (options.init === true) spec.init = true;
      return spec;
    };
    if (choice.snapshotter === 'copy') options.onEvent?.({ type: 'snapshotter-fallback', reason: choice.reason ?? 'overlayfs is not available' });
    const spec = specFor(choice.snapshotter);
    createRecord(root, dirs, {
      ...(options.name !== undefined && { name: options.name }),
      image,
      imageId: local.configDigest,
      spec,
      user: imageConfig.config.User ?? '',
      autoRemove: options.autoRemove === true,
      openStdin: options.interactive,
      // A killed `run --rm --name X` must not keep X from the next run until some later cleanup.
      freeName: removeOrphans,
    });
    recorded = true;
    options.onEvent?.({ type: 'container-created', id });
    if (options.detach === true) {
      await startDetached(root, id);
      removeOrphans();
      return { id, outcome: undefined };
    }
    // The overlay mount itself may fail (filesystem without overlay support, no user xattrs...):
    // nothing ran yet, so the same container starts again on a copy.
    const fallback = (error: LaunchError): RuntimeSpec => {
      options.onEvent?.({ type: 'snapshotter-fallback', reason: error.message });
      for (const name of readdirSync(dirs.upper)) rmSync(join(dirs.upper, name), { recursive: true, force: true });
      return specFor('copy');
    };
    const seen = { oom: false };
    // Records running/exited and removes a --rm container at its end.
    const outcome = await superviseContainer(root, id, {
      stdin: options.interactive ? 'inherit' : 'ignore',
      logged: false,
      ...(options.signal && { signal: options.signal }),
      ...(choice.snapshotter === 'overlay' && { fallback }),
      onCgroupWarning: () => options.onEvent?.({ type: 'warning', message: 'Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap.' }),
      onRecordFailure: (message) => options.onEvent?.({ type: 'warning', message }),
      onContainerPid: removeOrphans,
      onOutOfMemory: (mainProcess) => {
        seen.oom = true;
        options.onEvent?.({ type: 'out-of-memory', id, mainProcess });
      },
    });
    return { id, outcome, ...(seen.oom && { oomKilled: true }) };
  } finally {
    if (!recorded) removeContainerDirs(dirs);
  }
}
