/**
 * /sys/fs/cgroup inside the container, as Docker provides it: read-only, and (with the cgroup
 * namespace) showing the container's own cgroup as the root, so `cat /sys/fs/cgroup/pids.max` (v2)
 * or `/sys/fs/cgroup/memory/memory.limit_in_bytes` (v1) tells the container its limits.
 */
import type { Mount } from '../runtime/index.js';
import { CONTROLLERS, type Hierarchy } from './hierarchy.js';

const FLAGS = ['nosuid', 'noexec', 'nodev'];

export function cgroupMounts(h: Hierarchy): Mount[] {
  if (h.version === 2) return [{ destination: '/sys/fs/cgroup', type: 'cgroup2', source: 'cgroup2', options: [...FLAGS, 'ro'] }];
  const controllers = CONTROLLERS.filter((c) => h.bases[c] !== undefined);
  return [
    { destination: '/sys/fs/cgroup', type: 'tmpfs', source: 'tmpfs', options: [...FLAGS, 'mode=755', 'size=64k'] },
    ...controllers.map((c) => ({ destination: `/sys/fs/cgroup/${c}`, type: 'cgroup', source: 'cgroup', options: [...FLAGS, 'ro', c] })),
  ];
}
