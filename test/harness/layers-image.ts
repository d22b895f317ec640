/**
 * layers:latest — one image that exercises every OCI layer rule, with the expectations the e2e test
 * checks from inside the container (busybox stat/ls/cat/readlink).
 * Layer 0: busybox root (gzip). Layer 1: setup (gzip). Layer 2: rules (zstd). Layer 3: links/modes (uncompressed).
 */
import type { TarEntry } from './tarball.js';

export const LONG_NAME = `long-name-${'x'.repeat(110)}`; // one 120-char component: only a PAX header can carry it

export const LAYER_SETUP: TarEntry[] = [
  { type: 'dir', path: 'data' },
  { type: 'file', path: 'data/gone.txt', content: 'gone' },
  { type: 'dir', path: 'data/gonedir' },
  { type: 'file', path: 'data/gonedir/a.txt', content: 'a' },
  { type: 'dir', path: 'data/opq' },
  { type: 'file', path: 'data/opq/old1.txt', content: 'old1' },
  { type: 'dir', path: 'data/opq/sub' },
  { type: 'file', path: 'data/opq/sub/old3.txt', content: 'old3' },
  { type: 'dir', path: 'data/opq2' },
  { type: 'file', path: 'data/opq2/old.txt', content: 'old' },
  { type: 'file', path: 'data/orig.txt', content: 'hardlink-source' },
  { type: 'file', path: 'data/f2d', content: 'file-before' },
  { type: 'dir', path: 'data/d2f' },
  { type: 'file', path: 'data/d2f/inner', content: 'inner' },
  { type: 'file', path: 'data/keep.txt', content: 'keep' },
  { type: 'file', path: 'data/replaced.txt', content: 'v1' },
];

/** Compressed with zstd, in an OCI manifest. */
export const LAYER_RULES: TarEntry[] = [
  { type: 'dir', path: 'data' },
  { type: 'file', path: 'data/.wh.gone.txt', content: '' },
  { type: 'file', path: 'data/.wh.gonedir', content: '' },
  { type: 'dir', path: 'data/opq' },
  { type: 'file', path: 'data/opq/.wh..wh..opq', content: '' }, // opaque marker before its same-layer child
  { type: 'file', path: 'data/opq/new.txt', content: 'new' },
  { type: 'dir', path: 'data/opq2' },
  { type: 'file', path: 'data/opq2/new2.txt', content: 'new2' },
  { type: 'file', path: 'data/opq2/.wh..wh..opq', content: '' }, // ... and after it: the child must survive
  { type: 'hardlink', path: 'data/hl-earlier', target: 'data/orig.txt' }, // target is in an earlier layer
  { type: 'dir', path: 'data/f2d' }, // was a file
  { type: 'file', path: 'data/f2d/child', content: 'child' },
  { type: 'file', path: 'data/d2f', content: 'now-a-file' }, // was a directory with a child
  { type: 'file', path: 'data/replaced.txt', content: 'v2' },
  { type: 'file', path: 'data/zstd-marker.txt', content: 'zstd' },
];

/** Stored uncompressed (application/vnd.oci.image.layer.v1.tar). */
export const LAYER_LINKS: TarEntry[] = [
  { type: 'dir', path: 'data' },
  { type: 'file', path: 'data/hl-a', content: 'within-layer' },
  { type: 'hardlink', path: 'data/hl-b', target: 'data/hl-a' },
  { type: 'symlink', path: 'data/sym-rel', target: 'orig.txt' },
  { type: 'symlink', path: 'data/sym-abs', target: '/data/orig.txt' },
  { type: 'symlink', path: 'data/sym-dangling', target: '/nonexistent/target' },
  { type: 'file', path: 'data/setuid', mode: 0o4755, content: '#!/bin/sh\necho setuid\n' },
  { type: 'file', path: 'data/owned', mode: 0o640, uid: 1000, gid: 1000, content: 'owned' },
  { type: 'dir', path: 'data/private', mode: 0o700, uid: 1000, gid: 1000 },
  { type: 'file', path: `data/${LONG_NAME}`, content: 'pax' },
  { type: 'file', path: 'data/uncompressed-marker.txt', content: 'uncompressed' },
];

export interface PresentPath {
  path: string;
  type: 'regular file' | 'directory' | 'symbolic link';
  /** `stat -c %a`: octal without leading zeros, e.g. "4755". */
  mode?: string;
  /** `stat -c %u:%g` */
  owner?: string;
  nlink?: number;
  content?: string;
  /** readlink output for symlinks */
  target?: string;
}

export interface LayersExpectations {
  present: PresentPath[];
  absent: string[];
  /** Directory → exact `ls -A` listing. */
  listings: Array<{ dir: string; entries: string[] }>;
  sameInode: Array<[string, string]>;
}

export const LAYERS_EXPECTATIONS: LayersExpectations = {
  present: [
    { path: '/data/keep.txt', type: 'regular file', content: 'keep' },
    { path: '/data/replaced.txt', type: 'regular file', content: 'v2' },
    { path: '/data/opq', type: 'directory' },
    { path: '/data/opq/new.txt', type: 'regular file', content: 'new' },
    { path: '/data/opq2/new2.txt', type: 'regular file', content: 'new2' },
    { path: '/data/orig.txt', type: 'regular file', nlink: 2, content: 'hardlink-source' },
    { path: '/data/hl-earlier', type: 'regular file', nlink: 2, content: 'hardlink-source' },
    { path: '/data/hl-a', type: 'regular file', nlink: 2, content: 'within-layer' },
    { path: '/data/hl-b', type: 'regular file', nlink: 2, content: 'within-layer' },
    { path: '/data/f2d', type: 'directory' },
    { path: '/data/f2d/child', type: 'regular file', content: 'child' },
    { path: '/data/d2f', type: 'regular file', content: 'now-a-file' },
    { path: '/data/sym-rel', type: 'symbolic link', target: 'orig.txt', content: 'hardlink-source' },
    { path: '/data/sym-abs', type: 'symbolic link', target: '/data/orig.txt', content: 'hardlink-source' },
    { path: '/data/sym-dangling', type: 'symbolic link', target: '/nonexistent/target' },
    { path: '/data/setuid', type: 'regular file', mode: '4755', owner: '0:0' },
    { path: '/data/owned', type: 'regular file', mode: '640', owner: '1000:1000', content: 'owned' },
    { path: '/data/private', type: 'directory', mode: '700', owner: '1000:1000' },
    { path: `/data/${LONG_NAME}`, type: 'regular file', content: 'pax' },
    { path: '/data/zstd-marker.txt', type: 'regular file', content: 'zstd' },
    { path: '/data/uncompressed-marker.txt', type: 'regular file', content: 'uncompressed' },
  ],
  absent: [
    '/data/gone.txt', '/data/.wh.gone.txt', '/data/gonedir', '/data/.wh.gonedir',
    '/data/opq/old1.txt', '/data/opq/sub', '/data/opq/.wh..wh..opq', '/data/opq2/old.txt', '/data/opq2/.wh..wh..opq',
    '/data/d2f/inner',
  ],
  listings: [
    { dir: '/data/opq', entries: ['new.txt'] },
    { dir: '/data/opq2', entries: ['new2.txt'] },
    { dir: '/data/f2d', entries: ['child'] },
    {
      dir: '/data',
      entries: [
        'd2f', 'f2d', 'hl-a', 'hl-b', 'hl-earlier', 'keep.txt', LONG_NAME, 'opq', 'opq2', 'orig.txt', 'owned',
        'private', 'replaced.txt', 'setuid', 'sym-abs', 'sym-dangling', 'sym-rel', 'uncompressed-marker.txt',
        'zstd-marker.txt',
      ].sort(),
    },
  ],
  sameInode: [['/data/orig.txt', '/data/hl-earlier'], ['/data/hl-a', '/data/hl-b']],
};

/**
 * A busybox sh script printing one line per check, and the exact stdout it must produce.
 * Comparing line by line makes a failing check name itself.
 */
export function layersCheckScript(expect: LayersExpectations = LAYERS_EXPECTATIONS): { script: string; expected: string[] } {
  const script: string[] = [];
  const expected: string[] = [];
  for (const item of expect.present) {
    const formats = ['%F'];
    const values: string[] = [item.type];
    if (item.mode !== undefined) { formats.push('%a'); values.push(item.mode); }
    if (item.owner !== undefined) { formats.push('%u:%g'); values.push(item.owner); }
    if (item.nlink !== undefined) { formats.push('%h'); values.push(String(item.nlink)); }
    script.push(`echo "stat ${item.path}: $(stat -c '${formats.join('|')}' '${item.path}' 2>&1)"`);
    expected.push(`stat ${item.path}: ${values.join('|')}`);
    if (item.target !== undefined) {
      script.push(`echo "readlink ${item.path}: $(readlink '${item.path}' 2>&1)"`);
      expected.push(`readlink ${item.path}: ${item.target}`);
    }
    if (item.content !== undefined) {
      script.push(`echo "cat ${item.path}: $(cat '${item.path}' 2>&1)"`);
      expected.push(`cat ${item.path}: ${item.content}`);
    }
  }
  for (const path of expect.absent) {
    script.push(`if [ -e '${path}' ] || [ -L '${path}' ]; then echo "exists ${path}"; else echo "absent ${path}"; fi`);
    expected.push(`absent ${path}`);
  }
  for (const { dir, entries } of expect.listings) {
    script.push(`echo "ls ${dir}:" $(ls -A '${dir}' 2>&1)`);
    expected.push(`ls ${dir}: ${entries.join(' ')}`.trimEnd());
  }
  for (const [a, b] of expect.sameInode) {
    script.push(`if [ "$(stat -c %i '${a}')" = "$(stat -c %i '${b}')" ]; then echo "same inode ${a} ${b}"; else echo "different inodes ${a} ${b}"; fi`);
    expected.push(`same inode ${a} ${b}`);
  }
  return { script: script.join('\n'), expected };
}
