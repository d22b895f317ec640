import { closeSync, constants, fstatSync, lstatSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Reads a small file of an unpacked image root without following any symlink, so that an image
 * whose /etc/passwd is a link to a host path cannot make us read the host's file. Undefined when
 * the file is missing, is a symlink, or sits under one.
 */
export function readImageFile(rootfs: string, path: string, limit = 1 << 20): string | undefined {
  const parts = path.split('/').filter((p) => p.length > 0);
  let current = rootfs;
  for (const part of parts.slice(0, -1)) {
    current = join(current, part);
    try {
      if (!lstatSync(current).isDirectory()) return undefined;
    } catch {
      return undefined;
    }
  }
  let fd: number;
  try {
    fd = openSync(join(current, parts.at(-1) ?? ''), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size > limit) return undefined;
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** Whether `path` exists in the image root as a real directory, with no symlink on the way. */
export function isImageDirectory(rootfs: string, path: string): boolean {
  let current = rootfs;
  for (const part of path.split('/').filter((p) => p.length > 0)) {
    current = join(current, part);
    try {
      if (!lstatSync(current).isDirectory()) return false;
    } catch {
      return false;
    }
  }
  return true;
}
