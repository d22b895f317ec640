/** Test fixture: a tiny root filesystem made of Debian's busybox-static, and specs to run in it. */
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, copyFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Mount, RuntimeSpec } from '../runtime/spec.js';
import { defaultMounts, defaultNamespaces, defaultSymlinks } from '../runtime/linux-defaults.js';

const BUSYBOX = '/bin/busybox';
const APPLETS = ['sh', 'echo', 'ls', 'cat', 'id', 'hostname', 'sleep', 'true', 'false', 'ps', 'pwd', 'kill', 'mount', 'grep', 'readlink', 'touch', 'wc', 'test'];

/** Whether the fixture can run here (root and busybox-static present). */
export function canRunContainers(): string | false {
  if (process.getuid?.() !== 0) return 'needs root';
  if (!existsSync(BUSYBOX)) return 'needs busybox-static (apt-get install -y busybox-static)';
  return false;
}

/** A temp dir holding `rootfs/` (busybox + applet links) and scratch space; remove() deletes it. */
export interface Fixture {
  dir: string;
  rootfs: string;
  remove(): void;
}

/** Build the rootfs: /bin/busybox, applet symlinks, /etc/passwd, an empty /tmp, a non-executable file. */
export function makeFixture(): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'mydocker-launch-'));
  const rootfs = join(dir, 'rootfs');
  for (const sub of ['bin', 'etc', 'tmp', 'proc', 'sys', 'dev', 'work']) mkdirSync(join(rootfs, sub), { recursive: true });
  copyFileSync(BUSYBOX, join(rootfs, 'bin/busybox'));
  for (const applet of APPLETS) symlinkSync('busybox', join(rootfs, 'bin', applet));
  writeFileSync(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n');
  writeFileSync(join(rootfs, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
  writeFileSync(join(rootfs, 'bin/notexec'), '#!/bin/sh\necho hi\n', { mode: 0o644 });
  return { dir, rootfs, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The root mount: an overlay with the rootfs as lowerdir, or a bind of it. */
export function rootMount(fixture: Fixture, mode: 'overlay' | 'bind'): { mount: Mount; rootPath: string } {
  if (mode === 'bind') {
    return { rootPath: fixture.rootfs, mount: { destination: '/', type: 'bind', source: fixture.rootfs, options: ['rbind'] } };
  }
  const id = Math.random().toString(36).slice(2);
  const [upper, work, merged] = ['upper', 'work', 'merged'].map((d) => join(fixture.dir, `${d}-${id}`)) as [string, string, string];
  for (const d of [upper, work, merged]) mkdirSync(d);
  return {
    rootPath: merged,
    mount: { destination: '/', type: 'overlay', source: 'overlay', options: [`lowerdir=${fixture.rootfs}`, `upperdir=${upper}`, `workdir=${work}`] },
  };
}

/** A Docker-like spec running `args` in the fixture. */
export function makeSpec(fixture: Fixture, mode: 'overlay' | 'bind', args: string[], overrides: Partial<RuntimeSpec['process']> = {}): RuntimeSpec {
  const { mount, rootPath } = rootMount(fixture, mode);
  return {
    ociVersion: '1.0.2',
    process: {
      args,
      env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root'],
      cwd: '/',
      user: { uid: 0, gid: 0, additionalGids: [] },
      ...overrides,
    },
    root: { path: rootPath, readonly: false },
    hostname: 'box',
    mounts: [mount, ...defaultMounts()],
    linux: {
      namespaces: defaultNamespaces(),
      symlinks: defaultSymlinks(),
      maskedPaths: ['/proc/kcore', '/proc/keys', '/proc/acpi'],
      readonlyPaths: ['/proc/sys', '/proc/sysrq-trigger'],
    },
  };
}
