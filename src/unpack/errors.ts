import { MyDockerError, errnoCode, isMyDockerError } from '../errors.js';

/** The entry would escape the image root (path traversal, symlink or hardlink tricks). */
export function unsafeEntry(name: string, reason: string): MyDockerError {
  return new MyDockerError('unsafe-content', 'ERR_UNSAFE_LAYER_ENTRY', `layer entry ${JSON.stringify(name)} refused: ${reason}`, {
    hint: 'The image was refused and nothing of it was kept; do not use it.',
  });
}

/** The layer's bytes are not a valid (compressed) tar stream. */
export function corruptLayer(detail: string, cause?: unknown): MyDockerError {
  return new MyDockerError('integrity', 'ERR_LAYER_CORRUPT', `layer is corrupt or truncated: ${detail}`, {
    hint: 'Pull the image again; if it keeps failing, the registry serves a broken blob.',
    cause,
  });
}

/** The layer uses a compression or an entry type we cannot apply. */
export function unsupportedLayer(detail: string): MyDockerError {
  return new MyDockerError('unsupported', 'ERR_LAYER_UNSUPPORTED', `layer not supported: ${detail}`);
}

/** Two entries of the layer (or a layer and the layers below) disagree in a way we cannot apply. */
export function entryConflict(name: string, detail: string): MyDockerError {
  return new MyDockerError('integrity', 'ERR_LAYER_ENTRY_CONFLICT', `layer entry ${JSON.stringify(name)} cannot be applied: ${detail}`);
}

/** The caller's AbortSignal fired. */
export function interrupted(cause?: unknown): MyDockerError {
  return new MyDockerError('interrupted', 'ERR_UNPACK_INTERRUPTED', 'layer unpacking was interrupted', { cause });
}

/** Maps a failed fs call to a MyDockerError; MyDockerErrors pass through unchanged. */
export function fsFailure(error: unknown, action: string, path: string): MyDockerError {
  if (isMyDockerError(error)) return error;
  const code = errnoCode(error);
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new MyDockerError('resource', 'ERR_DISK_FULL', `no space left on device while trying to ${action} ${path}`, {
      hint: 'Free some disk space (e.g. remove unused images) and pull again.',
      cause: error,
    });
  }
  const why = error instanceof Error ? error.message : String(error);
  return new MyDockerError('internal', 'ERR_UNPACK_FS', `could not ${action} ${path}: ${why}`, { cause: error });
}
