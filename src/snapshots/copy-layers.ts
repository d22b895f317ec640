import * as fs from 'node:fs';
import { isWhiteout } from './read-through.js';
import type { LayerDir } from './snapshot-store.js';

/**
 * The copy snapshotter's root: applies layer directories (top first, as given) bottom-up onto an
 * empty `target`, with overlayfs's rules: a whiteout device deletes, an opaque directory drops what
 * the layers below put there, a non-directory replaces a directory and back. Files are copied, never
 * linked to the layer (the container may write them); files that share an inode in the layers share
 * one in the copy (hardlinks, also across layers). For where overlayfs cannot be used.
 */
export function copyLayers(layers: readonly LayerDir[], target: string): void {
  const inodes = new Map<string, string>();
  for (const layer of [...layers].reverse()) {
    // Whiteouts a filesystem could not mark as devices were listed instead; they hide only what is below.
    for (const path of layer.whiteouts) fs.rmSync(`${target}/${path}`, { recursive: true, force: true });
    copyDir(layer, layer.fs, target, '', inodes);
  }
}

function copyDir(layer: LayerDir, src: string, dst: string, rel: string, inodes: Map<string, string>): void {
  if (layer.opaque.has(rel === '' ? '.' : rel)) {
    for (const name of fs.readdirSync(dst)) fs.rmSync(`${dst}/${name}`, { recursive: true, force: true });
  }
  for (const name of fs.readdirSync(src)) {
    const from = `${src}/${name}`;
    const to = `${dst}/${name}`;
    const childRel = rel === '' ? name : `${rel}/${name}`;
    const stat = fs.lstatSync(from);
    const existing = fs.lstatSync(to, { throwIfNoEntry: false });
    if (isWhiteout(stat)) {
      if (existing) fs.rmSync(to, { recursive: true, force: true });
      continue;
    }
    if (stat.isDirectory()) {
      if (existing && !existing.isDirectory()) fs.unlinkSync(to);
      if (!existing || !existing.isDirectory()) fs.mkdirSync(to, { mode: 0o700 });
      copyDir(layer, from, to, childRel, inodes);
      applyMeta(to, stat);
      continue;
    }
    if (existing) fs.rmSync(to, { recursive: true, force: true });
    if (stat.isSymbolicLink()) {
      fs.symlinkSync(fs.readlinkSync(from), to);
      fs.lchownSync(to, stat.uid, stat.gid);
      fs.lutimesSync(to, stat.atime, stat.mtime);
      continue;
    }
    if (!stat.isFile()) continue; // device nodes and FIFOs: the runtime mounts its own /dev
    const key = `${stat.dev}:${stat.ino}`;
    const first = stat.nlink > 1 ? inodes.get(key) : undefined;
    if (first !== undefined && fs.existsSync(first)) {
      fs.linkSync(first, to);
      continue;
    }
    fs.copyFileSync(from, to);
    applyMeta(to, stat);
    if (stat.nlink > 1) inodes.set(key, to);
  }
}

function applyMeta(path: string, stat: fs.Stats): void {
  // chown clears setuid/setgid: chmod after it.
  fs.chownSync(path, stat.uid, stat.gid);
  fs.chmodSync(path, stat.mode & 0o7777);
  fs.utimesSync(path, stat.atime, stat.mtime);
}
