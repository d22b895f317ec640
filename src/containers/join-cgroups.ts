/**
 * `exec` joins the container's cgroups (so its limits apply to the new process too): for each
 * hierarchy where the container's init sits elsewhere than we do, the launcher joins the init's
 * cgroup before forking. Read from /proc/<pid>/cgroup, so it works whatever layout created them
 * (cgroup v1, v2 or hybrid).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const CGROUP_ROOT = '/sys/fs/cgroup';

/** hierarchy key ("4:memory", "0:") → path, from a /proc/<pid>/cgroup file. */
export function parseProcCgroup(text: string): Map<string, { controllers: string; path: string }> {
  const out = new Map<string, { controllers: string; path: string }>();
  for (const line of text.split('\n')) {
    const match = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (match) out.set(`${match[1]}:${match[2]}`, { controllers: match[2] ?? '', path: match[3] ?? '/' });
  }
  return out;
}

/** Where a hierarchy is mounted: v1 controllers by name (name=systemd → systemd), v2 unified. */
export function hierarchyMount(controllers: string): string {
  if (controllers === '') return existsSync(join(CGROUP_ROOT, 'unified', 'cgroup.procs')) ? join(CGROUP_ROOT, 'unified') : CGROUP_ROOT;
  return join(CGROUP_ROOT, controllers.replace(/^name=/, ''));
}

function readCgroups(pid: number | 'self'): Map<string, { controllers: string; path: string }> {
  try {
    return parseProcCgroup(readFileSync(`/proc/${pid}/cgroup`, 'utf8'));
  } catch {
    return new Map();
  }
}

/** The cgroup.procs files of every cgroup of `target` that differs from ours. */
export function cgroupProcsOf(target: number): string[] {
  const ours = readCgroups('self');
  const files: string[] = [];
  for (const [key, { controllers, path }] of readCgroups(target)) {
    if (ours.get(key)?.path === path) continue;
    const file = join(hierarchyMount(controllers), path, 'cgroup.procs');
    if (existsSync(file)) files.push(file);
  }
  return files;
}
