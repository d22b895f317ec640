/** The record stream for `exec`: a process to start inside the running container `pid`. */
import { checkAbsolute, checkId, RecordWriter } from './encode-spec.js';
import { CLONE, RecordType } from './protocol.js';

export interface ExecSpec {
  /** Host pid of the container's init, whose namespaces and root are joined. */
  pid: number;
  args: string[];
  env: string[];
  cwd: string;
  uid: number;
  gid: number;
  additionalGids: number[];
  terminal: boolean;
  /** cgroup.procs files of the container's cgroups, joined before the process is forked. */
  cgroupProcs?: string[];
}

export function encodeExecSpec(spec: ExecSpec): Buffer {
  const w = new RecordWriter();
  for (const arg of spec.args) w.add(RecordType.ARG, arg);
  for (const env of spec.env) w.add(RecordType.ENV, env);
  w.add(RecordType.CWD, checkAbsolute('cwd', spec.cwd));
  // ROOT and NAMESPACES are required by the decoder; with EXEC_PID the launcher joins instead.
  w.add(RecordType.ROOT, '/');
  w.add(RecordType.NAMESPACES, String(CLONE.NEWNS));
  w.add(RecordType.UID, checkId('uid', spec.uid));
  w.add(RecordType.GID, checkId('gid', spec.gid));
  for (const gid of spec.additionalGids) w.add(RecordType.GROUP, checkId('gid', gid));
  for (const path of spec.cgroupProcs ?? []) w.add(RecordType.CGROUP_PROCS, checkAbsolute('cgroup.procs', path));
  w.add(RecordType.EXEC_PID, String(spec.pid));
  if (spec.terminal) w.add(RecordType.TTY, '1');
  w.add(RecordType.END);
  return w.bytes();
}
