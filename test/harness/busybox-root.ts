/** The alpine-like root filesystem every test image starts from, built around Debian's static busybox. */
import { readFileSync } from 'node:fs';
import { ensureDebianFile } from './install.js';
import type { TarEntry } from './tarball.js';

export const BUSYBOX_BIN = '/bin/busybox';

/** Top-level entries of the image root, sorted as `ls /` prints them. */
export const ROOT_DIRS = ['bin', 'dev', 'etc', 'home', 'lib', 'media', 'mnt', 'opt', 'proc', 'root', 'run', 'sbin', 'srv', 'sys', 'tmp', 'usr', 'var'] as const;

export const APPLETS = [
  '[', 'awk', 'basename', 'cat', 'chmod', 'chown', 'cp', 'cut', 'date', 'dd', 'df', 'dirname', 'du', 'echo', 'env',
  'expr', 'false', 'find', 'grep', 'head', 'hostname', 'id', 'kill', 'ln', 'ls', 'mkdir', 'mount', 'mv', 'printf',
  'ps', 'pwd', 'readlink', 'realpath', 'rm', 'rmdir', 'sed', 'seq', 'sh', 'sleep', 'sort', 'stat', 'tail', 'tee',
  'test', 'timeout', 'touch', 'tr', 'true', 'umount', 'uname', 'uniq', 'wc', 'whoami', 'xargs', 'yes',
] as const;

export const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export const APP_USER = { name: 'app', uid: 1000, gid: 1000, home: '/home/app' } as const;

const PASSWD = [
  'root:x:0:0:root:/root:/bin/sh',
  'nobody:x:65534:65534:nobody:/nonexistent:/bin/false',
  `app:x:${APP_USER.uid}:${APP_USER.gid}:app:${APP_USER.home}:/bin/sh`,
  '',
].join('\n');

const GROUP = ['root:x:0:', 'nogroup:x:65534:', `app:x:${APP_USER.gid}:`, ''].join('\n');

export function busyboxRootEntries(): TarEntry[] {
  ensureDebianFile(BUSYBOX_BIN, 'busybox-static');
  const modes: Partial<Record<(typeof ROOT_DIRS)[number], number>> = { tmp: 0o1777, root: 0o700, proc: 0o555, sys: 0o555 };
  const entries: TarEntry[] = ROOT_DIRS.map((dir) => ({ type: 'dir', path: dir, mode: modes[dir] ?? 0o755 }));
  entries.push(
    { type: 'file', path: 'bin/busybox', mode: 0o755, content: readFileSync(BUSYBOX_BIN) },
    ...APPLETS.map((applet): TarEntry => ({ type: 'symlink', path: `bin/${applet}`, target: '/bin/busybox' })),
    { type: 'file', path: 'etc/passwd', content: PASSWD },
    { type: 'file', path: 'etc/group', content: GROUP },
    { type: 'file', path: 'etc/shadow', mode: 0o640, content: 'root:*:19000:0:99999:7:::\nnobody:*:19000::::::\napp:!:19000::::::\n' },
    { type: 'dir', path: 'home/app', mode: 0o755, uid: APP_USER.uid, gid: APP_USER.gid },
    { type: 'dir', path: 'usr/bin' },
    { type: 'dir', path: 'usr/sbin' },
    { type: 'dir', path: 'usr/local' },
    { type: 'dir', path: 'usr/local/bin' },
    { type: 'dir', path: 'var/tmp', mode: 0o1777 },
  );
  return entries;
}
