/** RuntimeSpec → the launcher's spec record stream (native/PROTOCOL.md). Pure; no policy. */
import { ALL_CAPABILITIES, type Mount, type NamespaceType, type RuntimeSpec } from '../runtime/index.js';
import { LaunchError } from './errors.js';
import { CLONE, MS, RECORD_MAX_LEN, RecordType } from './protocol.js';

type Flag = { set: number } | { clear: number };

/** runtime-spec mount option strings that are MS_* flags (runc's mountPropagationMapping + flags). */
const FLAG_OPTIONS: Readonly<Record<string, Flag>> = {
  ro: { set: MS.RDONLY },
  rw: { clear: MS.RDONLY },
  nosuid: { set: MS.NOSUID },
  suid: { clear: MS.NOSUID },
  nodev: { set: MS.NODEV },
  dev: { clear: MS.NODEV },
  noexec: { set: MS.NOEXEC },
  exec: { clear: MS.NOEXEC },
  sync: { set: MS.SYNCHRONOUS },
  async: { clear: MS.SYNCHRONOUS },
  dirsync: { set: MS.DIRSYNC },
  noatime: { set: MS.NOATIME },
  atime: { clear: MS.NOATIME },
  nodiratime: { set: MS.NODIRATIME },
  diratime: { clear: MS.NODIRATIME },
  relatime: { set: MS.RELATIME },
  norelatime: { clear: MS.RELATIME },
  strictatime: { set: MS.STRICTATIME },
  nostrictatime: { clear: MS.STRICTATIME },
  lazytime: { set: MS.LAZYTIME },
  nolazytime: { clear: MS.LAZYTIME },
  bind: { set: MS.BIND },
  rbind: { set: MS.BIND | MS.REC },
  private: { set: MS.PRIVATE },
  rprivate: { set: MS.PRIVATE | MS.REC },
  shared: { set: MS.SHARED },
  rshared: { set: MS.SHARED | MS.REC },
  slave: { set: MS.SLAVE },
  rslave: { set: MS.SLAVE | MS.REC },
  unbindable: { set: MS.UNBINDABLE },
  runbindable: { set: MS.UNBINDABLE | MS.REC },
};

const NAMESPACE_BITS: Readonly<Record<NamespaceType, number>> = {
  pid: CLONE.NEWPID,
  mount: CLONE.NEWNS,
  uts: CLONE.NEWUTS,
  ipc: CLONE.NEWIPC,
  network: CLONE.NEWNET,
  cgroup: CLONE.NEWCGROUP,
  user: CLONE.NEWUSER,
};

/** MS_* flags and the filesystem data string of a mount's options. */
export function mountFlags(mount: Pick<Mount, 'type' | 'options'>): { flags: number; data: string } {
  let flags = mount.type === 'bind' ? MS.BIND : 0;
  const data: string[] = [];
  for (const option of mount.options) {
    const flag = Object.hasOwn(FLAG_OPTIONS, option) ? FLAG_OPTIONS[option] : undefined;
    if (flag === undefined) data.push(option);
    else if ('set' in flag) flags |= flag.set;
    else flags &= ~flag.clear;
  }
  return { flags: flags >>> 0, data: data.join(',') };
}

/** CLONE_NEW* bits for a namespace list; user namespaces are not supported (no id maps yet). */
export function namespaceBits(namespaces: readonly { type: NamespaceType }[]): number {
  let bits = 0;
  for (const { type } of namespaces) {
    if (type === 'user') throw specError('user namespaces are not supported');
    bits |= NAMESPACE_BITS[type];
  }
  return bits >>> 0;
}

function specError(message: string): LaunchError {
  return new LaunchError('spec', 0, `invalid runtime spec: ${message}`);
}

export class RecordWriter {
  private readonly chunks: Buffer[] = [];

  add(type: RecordType, ...fields: string[]): void {
    for (const field of fields) {
      if (field.includes('\0')) throw specError(`NUL byte in ${JSON.stringify(field.replace(/\0/g, '\\0'))}`);
    }
    const payload = Buffer.from(fields.join('\0'), 'utf8');
    if (payload.length > RECORD_MAX_LEN) throw specError(`a value of ${payload.length} bytes is too long`);
    const header = Buffer.alloc(8);
    header.writeUInt32LE(type, 0);
    header.writeUInt32LE(payload.length, 4);
    this.chunks.push(header, payload);
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

export function checkId(what: string, id: number): string {
  if (!Number.isInteger(id) || id < 0 || id > 0xfffffffe) throw specError(`${what} ${id} is not a valid id`);
  return String(id);
}

export function checkAbsolute(what: string, path: string): string {
  if (!path.startsWith('/')) throw specError(`${what} "${path}" is not an absolute path`);
  return path;
}

/** Capabilities, no_new_privs, cgroups and loopback (records 20-23). */
function encodeConfinement(w: RecordWriter, spec: RuntimeSpec, namespaces: number): void {
  const caps = spec.process.capabilities;
  if (caps !== undefined) w.add(RecordType.CAPS, capabilityMask(caps.bounding));
  if (spec.process.noNewPrivileges === true) w.add(RecordType.NO_NEW_PRIVS);
  for (const path of spec.linux.cgroupProcs ?? []) w.add(RecordType.CGROUP, checkAbsolute('cgroup.procs path', path));
  if (spec.linux.loopbackUp === true) {
    if (!(namespaces & CLONE.NEWNET)) throw specError('bringing lo up needs a network namespace');
    w.add(RecordType.LOOPBACK);
  }
}

/** Capability names → decimal 64-bit mask. */
function capabilityMask(names: readonly string[]): string {
  let mask = 0n;
  for (const name of names) {
    const bit = (ALL_CAPABILITIES as readonly string[]).indexOf(name);
    if (bit < 0) throw specError(`unknown capability "${name}"`);
    mask |= 1n << BigInt(bit);
  }
  return mask.toString();
}

/** Encode a RuntimeSpec; throws LaunchError (stage `spec`) for what the launcher would reject. */
export function encodeSpec(spec: RuntimeSpec): Buffer {
  const w = new RecordWriter();
  const { process: proc } = spec;
  if (proc.args.length === 0 || proc.args[0] === '') throw specError('no command (process.args is empty)');
  for (const arg of proc.args) w.add(RecordType.ARG, arg);
  for (const env of proc.env) {
    if (env.indexOf('=') < 1) throw specError(`environment entry "${env}" is not KEY=value`);
    w.add(RecordType.ENV, env);
  }
  w.add(RecordType.CWD, checkAbsolute('cwd', proc.cwd));
  w.add(RecordType.ROOT, checkAbsolute('root path', spec.root.path));
  w.add(RecordType.UID, checkId('uid', proc.user.uid));
  w.add(RecordType.GID, checkId('gid', proc.user.gid));
  for (const gid of proc.user.additionalGids) w.add(RecordType.GROUP, checkId('gid', gid));
  const namespaces = namespaceBits(spec.linux.namespaces);
  if (!(namespaces & CLONE.NEWNS)) throw specError('a mount namespace is required');
  w.add(RecordType.NAMESPACES, String(namespaces));
  if (spec.hostname !== '') {
    if (!(namespaces & CLONE.NEWUTS)) throw specError('a hostname needs a UTS namespace');
    if (Buffer.byteLength(spec.hostname) > 64) throw specError(`hostname "${spec.hostname}" is longer than 64 bytes`);
    w.add(RecordType.HOSTNAME, spec.hostname);
  }
  for (const mount of spec.mounts) {
    const { flags, data } = mountFlags(mount);
    w.add(RecordType.MOUNT, mount.type, mount.source, checkAbsolute('mount destination', mount.destination), String(flags), data);
  }
  for (const [target, path] of spec.linux.symlinks) {
    if (target === '') throw specError(`symlink "${path}" has an empty target`);
    w.add(RecordType.SYMLINK, target, checkAbsolute('symlink', path));
  }
  for (const path of spec.linux.maskedPaths) w.add(RecordType.MASK, checkAbsolute('masked path', path));
  for (const path of spec.linux.readonlyPaths) w.add(RecordType.READONLY, checkAbsolute('read-only path', path));
  encodeConfinement(w, spec, namespaces);
  // Last, so the mounts and symlinks above can still create their targets in the root.
  if (spec.root.readonly) w.add(RecordType.READONLY, '/');
  if (proc.terminal === true) w.add(RecordType.TTY, '1');
  if (spec.init === true) w.add(RecordType.INIT, '1');
  w.add(RecordType.END);
  return w.bytes();
}
