/** docker logs: replay a container's json-file log, optionally the last N lines and following it. */
import { closeSync, openSync, readSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { logPath } from './supervise.js';
import { findContainer, readState } from './state.js';

export interface LogEntry {
  stream: 'stdout' | 'stderr';
  log: string;
  time: string;
}

export interface LogsOptions {
  follow: boolean;
  /** Only the last N entries ("all" when undefined). */
  tail?: number;
  signal?: AbortSignal;
  onEntry: (entry: LogEntry) => void;
}

function parseEntry(line: string): LogEntry | undefined {
  try {
    const e = JSON.parse(line) as Partial<LogEntry>;
    if ((e.stream === 'stdout' || e.stream === 'stderr') && typeof e.log === 'string') return { stream: e.stream, log: e.log, time: e.time ?? '' };
  } catch {
    // a torn last line while the supervisor writes: read again later
  }
  return undefined;
}

/** Reads complete lines from an fd from `offset`; memory bounded by one chunk plus one line. */
function readLines(fd: number, offset: { at: number }, onLine: (line: string) => void): void {
  const chunk = Buffer.alloc(65536);
  let pending = Buffer.alloc(0);
  for (;;) {
    const n = readSync(fd, chunk, 0, chunk.length, offset.at + pending.length);
    if (n === 0) break;
    pending = Buffer.concat([pending, chunk.subarray(0, n)]);
    let nl: number;
    while ((nl = pending.indexOf(10)) >= 0) {
      const line = pending.subarray(0, nl).toString('utf8');
      offset.at += nl + 1;
      pending = pending.subarray(nl + 1);
      onLine(line);
    }
  }
}

/** Streams the log's entries to onEntry; with `follow`, until the container stops. */
export async function containerLogs(root: string, ref: string, options: LogsOptions): Promise<void> {
  const { config } = findContainer(root, ref);
  let fd: number;
  try {
    fd = openSync(logPath(root, config.id), 'r');
  } catch {
    fd = -1;
  }
  const offset = { at: 0 };
  try {
    if (fd >= 0) {
      // The last N entries: a ring of N, so memory stays flat for large logs.
      const ring: LogEntry[] = [];
      readLines(fd, offset, (line) => {
        const entry = parseEntry(line);
        if (entry === undefined) return;
        if (options.tail === undefined) options.onEntry(entry);
        else if (options.tail > 0) {
          ring.push(entry);
          if (ring.length > options.tail) ring.shift();
        }
      });
      for (const entry of ring) options.onEntry(entry);
    }
    if (!options.follow) return;
    for (;;) {
      const running = readState(root, config.id)?.status === 'running';
      if (fd < 0) {
        try {
          fd = openSync(logPath(root, config.id), 'r');
        } catch {
          // not written yet
        }
      }
      if (fd >= 0) readLines(fd, offset, (line) => {
        const entry = parseEntry(line);
        if (entry) options.onEntry(entry);
      });
      if (!running || options.signal?.aborted) return;
      await sleep(100);
    }
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}
