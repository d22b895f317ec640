import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Settings } from '../config/index.js';
import { findLocalImage, type LocalImage } from '../images/index.js';
import { launch, type LaunchOutcome } from '../launcher/index.js';
import type { Platform } from '../oci/index.js';
import type { PullEvent } from '../pull/index.js';
import { parseReference, type Reference } from '../reference/index.js';
import { buildSpec, resolveUser, type Mount } from '../runtime/index.js';
import { RootfsStore } from '../snapshots/index.js';
import { createContainerDirs, newContainerId, removeContainerDirs, removeOrphanedContainers, type ContainerDirs } from './container-dirs.js';
import { isImageDirectory, readImageFile } from './safe-read.js';

export type RunEvent =
  | { type: 'image-not-found-locally'; reference: Reference }
  | { type: 'container-created'; id: string }
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

/** The local image, pulled first when missing (docker run's default --pull missing). */
async function ensureImage(ref: Reference, options: RunOptions): Promise<LocalImage> {
  const local = findLocalImage(ref, options.settings, options.platform);
  if (local) return local;
  options.onEvent?.({ type: 'image-not-found-locally', reference: ref });
  // Loaded only now: a run of a local image never loads the registry client, tar or zstd code.
  const { pull } = await import('../pull/index.js');
  const result = await pull(ref, { settings: options.settings, ...(options.platform && { platform: options.platform }), ...(options.signal && { signal: options.signal }), ...(options.onEvent && { onEvent: options.onEvent }) });
  return result.image;
}

function overlayRoot(lower: string, dirs: ContainerDirs): Mount {
  return { destination: '/', type: 'overlay', source: 'overlay', options: [`lowerdir=${lower}`, `upperdir=${dirs.upper}`, `workdir=${dirs.work}`] };
}

/**
 * docker run: finds or pulls the image, gives the container a fresh writable layer over the
 * image's root, launches the command isolated, and removes the writable layer when it exits.
 */
export async function run(image: string, options: RunOptions): Promise<RunResult> {
  const ref = parseReference(image);
  const local = await ensureImage(ref, options);
  const { root } = options.settings;
  const lower = new RootfsStore(root).path(local.chainId);
  const user = resolveUser(local.config.config.User ?? '', readImageFile(lower, '/etc/passwd'), readImageFile(lower, '/etc/group'));

  removeOrphanedContainers(root);
  const id = newContainerId();
  const dirs = createContainerDirs(root, id);
  options.onEvent?.({ type: 'container-created', id });
  try {
    const workingDir = local.config.config.WorkingDir;
    // docker run creates a missing WorkingDir; in the writable layer, so the image is untouched.
    if (workingDir && !isImageDirectory(lower, workingDir)) mkdirSync(join(dirs.upper, workingDir), { recursive: true, mode: 0o755 });
    const spec = buildSpec(local.config, { command: options.command, hostname: id.slice(0, 12), user, rootPath: dirs.rootfs, rootMount: overlayRoot(lower, dirs) });
    const outcome = await launch(spec, { stdin: options.interactive ? 'inherit' : 'ignore', ...(options.signal && { signal: options.signal }) });
    return { id, outcome };
  } finally {
    removeContainerDirs(dirs);
  }
}
