import * as fs from 'node:fs';
import { entryConflict, unsafeEntry } from './errors.js';

/** Linux gives up after 40 symlinks in one lookup (MAXSYMLINKS); so do we. */
const MAX_SYMLINK_HOPS = 40;

/** What the resolver needs to know about one path; a seam so the walk is testable without a disk. */
export interface FsProbe {
  /** 'missing' when nothing is there. */
  kind(path: string): 'missing' | 'directory' | 'symlink' | 'file' | 'other';
  readlink(path: string): string;
  mkdir(path: string): void;
}

/** A directory inside the root: its components (all symlinks resolved) and its absolute path. */
export interface ResolvedDir {
  components: string[];
  real: string;
}

export interface ResolveOptions {
  /** Follow relative symlinks that stay inside the root (entry parents); otherwise refuse them (hardlink targets). */
  followSymlinks: boolean;
  /** Create missing directories (tars need not list every parent); otherwise a missing one is refused. */
  createMissing: boolean;
}

/** Splits a tar entry name into components; refuses absolute names and any `..` (a leading "./" is normal). */
export function splitEntryName(name: string): string[] {
  if (name.startsWith('/')) throw unsafeEntry(name, 'it has an absolute name');
  const components = name.split('/').filter((c) => c !== '' && c !== '.');
  if (components.includes('..')) throw unsafeEntry(name, 'it would write outside the image root');
  return components;
}

/** Joins an absolute root and in-root components. */
export function joinRoot(root: string, components: readonly string[]): string {
  return components.length === 0 ? root : `${root}/${components.join('/')}`;
}

/**
 * Resolves `components` (a directory path) inside `root` one component at a time with lstat, the way the
 * kernel would, except that an absolute symlink target, or a `..` that climbs above the root, is refused:
 * following either would let a later entry write into the host (e.g. `evil -> /etc`, then `evil/passwd`).
 */
export function resolveDir(root: string, components: readonly string[], entryName: string, probe: FsProbe, options: ResolveOptions): ResolvedDir {
  const resolved: string[] = [];
  const pending = [...components].reverse();
  let hops = 0;
  while (pending.length > 0) {
    const component = pending.pop() as string;
    if (component === '' || component === '.') continue;
    if (component === '..') {
      // Only symlink targets reach here (entry names with `..` are refused before).
      if (resolved.length === 0) throw unsafeEntry(entryName, 'it goes through a symlink that climbs out of the image root');
      resolved.pop();
      continue;
    }
    const path = joinRoot(root, [...resolved, component]);
    const kind = probe.kind(path);
    if (kind === 'directory') {
      resolved.push(component);
    } else if (kind === 'missing') {
      if (!options.createMissing) throw unsafeEntry(entryName, `"${relative(root, path)}" does not exist in the image`);
      probe.mkdir(path);
      resolved.push(component);
    } else if (kind === 'symlink') {
      const where = relative(root, path);
      if (!options.followSymlinks) throw unsafeEntry(entryName, `its path goes through the symlink "${where}"`);
      if (++hops > MAX_SYMLINK_HOPS) throw unsafeEntry(entryName, 'too many levels of symbolic links');
      const target = probe.readlink(path);
      if (target.startsWith('/')) {
        throw unsafeEntry(entryName, `its path goes through the symlink "${where}" -> "${target}", which points outside the image root`);
      }
      pending.push(...target.split('/').reverse());
    } else {
      throw entryConflict(entryName, `"${relative(root, path)}" is not a directory`);
    }
  }
  return { components: resolved, real: joinRoot(root, resolved) };
}

/** Resolves a hardlink target: it must exist, be a regular file or symlink, and not be reached through a symlink. */
export function resolveLinkTarget(root: string, linkname: string, entryName: string, probe: FsProbe): string {
  const components = checkLinkName(linkname, entryName);
  const base = components.pop();
  if (base === undefined) throw unsafeEntry(entryName, 'it is a hardlink to the image root');
  const parent = resolveDir(root, components, entryName, probe, { followSymlinks: false, createMissing: false });
  const target = joinRoot(parent.real, [base]);
  const kind = probe.kind(target);
  if (kind === 'missing') throw unsafeEntry(entryName, `its hardlink target "${linkname}" does not exist`);
  if (kind === 'directory') throw unsafeEntry(entryName, `its hardlink target "${linkname}" is a directory`);
  if (kind === 'other') throw unsafeEntry(entryName, `its hardlink target "${linkname}" is not a regular file`);
  return target;
}

/** Refuses a hardlink name that is absolute or climbs with `..`; returns its components. */
export function checkLinkName(linkname: string, entryName: string): string[] {
  if (linkname.startsWith('/')) throw unsafeEntry(entryName, `it is a hardlink to the absolute path "${linkname}"`);
  const components = linkname.split('/').filter((c) => c !== '' && c !== '.');
  if (components.includes('..')) throw unsafeEntry(entryName, `it is a hardlink to "${linkname}", outside the image root`);
  return components;
}

function relative(root: string, path: string): string {
  return path === root ? '.' : path.slice(root.length + 1);
}

/** The real-disk probe (synchronous: the entry handler runs thousands of these per layer). */
export const diskProbe: FsProbe = {
  kind(path) {
    const stat = fs.lstatSync(path, { throwIfNoEntry: false });
    if (stat === undefined) return 'missing';
    if (stat.isDirectory()) return 'directory';
    if (stat.isSymbolicLink()) return 'symlink';
    if (stat.isFile()) return 'file';
    return 'other';
  },
  readlink: (path) => fs.readlinkSync(path),
  mkdir: (path) => fs.mkdirSync(path, { mode: 0o755 }),
};
