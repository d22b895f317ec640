/**
 * Docker's Linux defaults as pure data (moby oci/defaults.go): the namespaces, the mounts under the
 * root, and the /dev symlinks. The root mount ("/") is not here: the caller puts it first.
 */
import type { Mount, NamespaceType } from './spec.js';

/** pid, mount, uts, ipc; the network stays the host's. */
export function defaultNamespaces(): { type: NamespaceType }[] {
  return [{ type: 'pid' }, { type: 'mount' }, { type: 'uts' }, { type: 'ipc' }];
}

/** Host device nodes bound into the container's /dev (Docker creates the same set as nodes). */
const DEVICE_BINDS = ['null', 'zero', 'full', 'random', 'urandom', 'tty'];

/** /proc, /dev (+pts, shm, mqueue), read-only /sys and the device binds, in mount order. */
export function defaultMounts(): Mount[] {
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    {
      destination: '/dev/pts',
      type: 'devpts',
      source: 'devpts',
      options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
    },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    ...DEVICE_BINDS.map((name) => ({
      destination: `/dev/${name}`,
      type: 'bind',
      source: `/dev/${name}`,
      options: ['bind', 'nosuid', 'noexec'],
    })),
  ];
}

/** /dev/fd, /dev/stdin, /dev/stdout, /dev/stderr and /dev/ptmx, as [target, path]. */
export function defaultSymlinks(): [target: string, path: string][] {
  return [
    ['/proc/self/fd', '/dev/fd'],
    ['/proc/self/fd/0', '/dev/stdin'],
    ['/proc/self/fd/1', '/dev/stdout'],
    ['/proc/self/fd/2', '/dev/stderr'],
    ['pts/ptmx', '/dev/ptmx'],
  ];
}

/** Docker's masked paths (moby oci/defaults.go): hidden under /dev/null or an empty tmpfs. */
export const DOCKER_MASKED_PATHS: readonly string[] = [
  '/proc/asound',
  '/proc/acpi',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
  '/sys/devices/virtual/powercap',
];

/** Docker's read-only paths (moby oci/defaults.go). */
export const DOCKER_READONLY_PATHS: readonly string[] = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];
