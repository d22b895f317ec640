/**
 * The launcher's wire format, mirroring native/PROTOCOL.md and native/protocol.h: change all three
 * together.
 */

/** Spec record types (fd 3). */
export const RecordType = {
  ARG: 1,
  ENV: 2,
  CWD: 3,
  HOSTNAME: 4,
  ROOT: 5,
  UID: 6,
  GID: 7,
  GROUP: 8,
  MOUNT: 9,
  NAMESPACES: 10,
  SYMLINK: 11,
  MASK: 12,
  READONLY: 13,
  // 20-39: confinement and limits
  CAPS: 20,
  NO_NEW_PRIVS: 21,
  CGROUP: 22,
  LOOPBACK: 23,
  /** lifecycle (40-59): -t, --init, exec into a running container. */
  TTY: 40,
  INIT: 41,
  EXEC_PID: 42,
  CGROUP_PROCS: 43,
  END: 255,
} as const;

/** A spec record type number. */
export type RecordType = (typeof RecordType)[keyof typeof RecordType];

/** Largest payload of one record the launcher accepts. */
export const RECORD_MAX_LEN = 1 << 20;

/** Stages named in `error` report lines; `launcher` is ours, for failures to run the binary at all. */
export type Stage =
  | 'spec'
  | 'clone'
  | 'mount'
  | 'root'
  | 'pivot'
  | 'hostname'
  | 'user'
  | 'cwd'
  | 'exec'
  | 'cgroup'
  | 'caps'
  | 'network'
  | 'tty'
  | 'join'
  | 'launcher';

/** Stages the native launcher itself may report. */
export const NATIVE_STAGES: readonly Stage[] = ['spec', 'clone', 'mount', 'root', 'pivot', 'hostname', 'user', 'cwd', 'exec', 'cgroup', 'caps', 'network', 'tty', 'join'];

/** One decoded report line (fd 4). */
export type ReportLine =
  | { type: 'pid'; pid: number }
  | { type: 'error'; stage: Stage; errno: number; message: string }
  | { type: 'exit'; code: number }
  | { type: 'signal'; signal: number }
  | { type: 'started' };

/** mount(2) MS_* flag bits (linux/mount.h). */
export const MS = {
  RDONLY: 1,
  NOSUID: 2,
  NODEV: 4,
  NOEXEC: 8,
  SYNCHRONOUS: 16,
  DIRSYNC: 128,
  NOATIME: 1024,
  NODIRATIME: 2048,
  BIND: 4096,
  REC: 16384,
  UNBINDABLE: 1 << 17,
  PRIVATE: 1 << 18,
  SLAVE: 1 << 19,
  SHARED: 1 << 20,
  RELATIME: 1 << 21,
  STRICTATIME: 1 << 24,
  LAZYTIME: 1 << 25,
} as const;

/** clone(2) CLONE_NEW* bits (linux/sched.h). */
export const CLONE = {
  NEWNS: 0x00020000,
  NEWCGROUP: 0x02000000,
  NEWUTS: 0x04000000,
  NEWIPC: 0x08000000,
  NEWUSER: 0x10000000,
  NEWPID: 0x20000000,
  NEWNET: 0x40000000,
} as const;
