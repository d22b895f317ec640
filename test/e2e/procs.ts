/** Host-side views of the container: its init's host pid (by a marker in its argv) and the mount table. */
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Host pid of the process whose argv contains `marker` and that is PID 1 of its own pid namespace. */
export function findContainerInit(marker: string): number | undefined {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (!cmdline.includes(marker)) continue;
      const nspid = /^NSpid:\s+(.+)$/m.exec(readFileSync(`/proc/${name}/status`, 'utf8'))?.[1]?.trim().split(/\s+/);
      if (nspid !== undefined && nspid.length > 1 && nspid[nspid.length - 1] === '1') return Number(name);
    } catch {
      // The process ended while we looked.
    }
  }
  return undefined;
}

export async function waitForContainerInit(marker: string, timeoutMs = 10000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const pid = findContainerInit(marker);
    if (pid !== undefined) return pid;
    await sleep(50);
  }
  throw new Error(`no container init with ${marker} in its argv after ${timeoutMs} ms`);
}

/** Host processes whose argv contains `marker` (any namespace). */
export function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(marker)) found.push(Number(name));
    } catch {
      // gone
    }
  }
  return found;
}

export function mountTable(): Set<string> {
  return new Set(readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((line) => line !== ''));
}

/** Mounts present now and not in `before`, waiting up to timeoutMs for transient ones to go. */
export async function newMounts(before: Set<string>, timeoutMs = 5000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const added = [...mountTable()].filter((line) => !before.has(line));
    if (added.length === 0 || Date.now() > deadline) return added;
    await sleep(100);
  }
}
