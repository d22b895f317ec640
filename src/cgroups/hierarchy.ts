/**
 * Which cgroup hierarchy the host has. cgroup v2 only (most hosts today): one unified mount.
 * v1 or hybrid (v1 controllers plus a controller-less v2 mount, as on this project's CI): one
 * mount per controller. A controller mounted by v1 cannot be used in v2, so v1 wins when present.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The controllers mydocker limits. */
export const CONTROLLERS = ['memory', 'cpu', 'pids'] as const;
export type Controller = (typeof CONTROLLERS)[number];

export type Hierarchy =
  | { version: 2; /** the directory under which container cgroups go */ base: string }
  | { version: 1; /** per controller, the directory under which container cgroups go */ bases: Partial<Record<Controller, string>> };

interface CgroupMount { mountPoint: string; root: string; fsType: string; superOptions: string[] }

function unescape(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

function cgroupMounts(mountinfo: string): CgroupMount[] {
  return mountinfo.split('\n').flatMap((line) => {
    const [left, right] = line.split(' - ');
    if (!left || !right) return [];
    const f = left.split(' ');
    const [fsType = '', , superOpts = ''] = right.split(' ');
    if (fsType !== 'cgroup' && fsType !== 'cgroup2') return [];
    return [{ mountPoint: unescape(f[4] ?? ''), root: unescape(f[3] ?? '/'), fsType, superOptions: superOpts.split(',') }];
  });
}

/** This process's cgroup per v1 controller ("memory" → "/a/b") and its v2 path ("" key). */
function ownCgroups(procSelfCgroup: string): Map<string, string> {
  const paths = new Map<string, string>();
  for (const line of procSelfCgroup.split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    for (const ctrl of (m[1] ?? '').split(',')) paths.set(ctrl, m[2] ?? '/');
  }
  return paths;
}

/** Host path of cgroup `path` in a mount whose root is `root`. */
function hostPath(mount: CgroupMount, path: string): string {
  const relative = mount.root !== '/' && path.startsWith(mount.root) ? path.slice(mount.root.length) : path;
  return join(mount.mountPoint, relative);
}

/**
 * Detects the hierarchy from /proc/self/mountinfo and /proc/self/cgroup. v1 container cgroups go
 * under this process's own cgroup (`<own>/mydocker/<id>`), so a mydocker confined by its caller
 * stays confined; v2 ones under `<mount>/mydocker/<id>`, a sibling of ours (a v2 cgroup holding
 * processes cannot hand controllers to children). Undefined: no usable cgroup filesystem.
 */
export function detectHierarchy(mountinfo = readFileSync('/proc/self/mountinfo', 'utf8'), procSelfCgroup = readFileSync('/proc/self/cgroup', 'utf8')): Hierarchy | undefined {
  const mounts = cgroupMounts(mountinfo);
  const own = ownCgroups(procSelfCgroup);
  const bases: Partial<Record<Controller, string>> = {};
  for (const ctrl of CONTROLLERS) {
    const mount = mounts.find((m) => m.fsType === 'cgroup' && m.superOptions.includes(ctrl));
    if (mount) bases[ctrl] = join(hostPath(mount, own.get(ctrl) ?? '/'), 'mydocker');
  }
  if (Object.keys(bases).length > 0) return { version: 1, bases };
  const unified = mounts.find((m) => m.fsType === 'cgroup2');
  if (!unified) return undefined;
  let controllers: string[] = [];
  try {
    controllers = readFileSync(join(unified.mountPoint, 'cgroup.controllers'), 'utf8').trim().split(/\s+/);
  } catch {
    return undefined;
  }
  return controllers.includes('memory') || controllers.includes('pids') ? { version: 2, base: join(unified.mountPoint, 'mydocker') } : undefined;
}
