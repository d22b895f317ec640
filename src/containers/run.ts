import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Settings } from '../config/index.js';
import { findLocalImage, type LocalImage } from '../images/index.js';
import type { LaunchOutcome } from '../launcher/index.js';
import type { Platform } from '../oci/index.js';
import type { PullEvent } from '../pull/index.js';
import { parseReference, type Reference } from '../reference/index.js';
import { buildSpec, resolveUser, type Mount } from '../runtime/index.js';
import { RootfsStore } from '../snapshots/index.js';
import { createContainerDirs, newContainerId, removeContainerDirs, removeOrphanedContainers, type ContainerDirs } from './container-dirs.js';
import { isImageDirectory, readImageFile } from './safe-read.js';
import { startDetached } from './detach.js';
import { createRecord } from './record.js';
import { superviseContainer } from './supervise.js';

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
}

export interface RunResult {
  id: string;
  /** Undefined for a detached run (the container is still running). */
  outcome: LaunchOutcome | undefined;
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
  let recorded = false;
  try {
    const workingDir = local.config.config.WorkingDir;
    // docker run creates a missing WorkingDir; in the writable layer, so the image is untouched.
    if (workingDir && !isImageDirectory(lower, workingDir)) mkdirSync(join(dirs.upper, workingDir), { recursive: true, mode: 0o755 });
    const spec = buildSpec(local.config, { command: options.command, hostname: id.slice(0, 12), user, rootPath: dirs.rootfs, rootMount: overlayRoot(lower, dirs) });
    if (options.tty === true) spec.process.terminal = true;
    if (options.init === true) spec.init = true;
    createRecord(root, dirs, {
      ...(options.name !== undefined && { name: options.name }),
      image,
      imageId: local.configDigest,
      spec,
      user: local.config.config.User ?? '',
      autoRemove: options.autoRemove === true,
      openStdin: options.interactive,
    });
    recorded = true;
    options.onEvent?.({ type: 'container-created', id });
    if (options.detach === true) {
      await startDetached(root, id);
      return { id, outcome: undefined };
    }
    // Records running/exited and removes a --rm container at its end.
    const outcome = await superviseContainer(root, id, { stdin: options.interactive ? 'inherit' : 'ignore', logged: false, ...(options.signal && { signal: options.signal }) });
    return { id, outcome };
  } finally {
    if (!recorded) removeContainerDirs(dirs);
  }
}
