import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { RuntimeSpec } from '../runtime/spec.js';
import { defaultMounts, defaultNamespaces, defaultSymlinks } from '../runtime/linux-defaults.js';
import { encodeExecSpec } from './encode-exec.js';
import { encodeSpec, mountFlags, namespaceBits } from './encode-spec.js';
import { LaunchError } from './errors.js';
import { CLONE, MS, RecordType } from './protocol.js';

function spec(overrides: Partial<RuntimeSpec> = {}): RuntimeSpec {
  return {
    ociVersion: '1.0.2',
    process: { args: ['sh', '-c', 'echo hi'], env: ['PATH=/bin', 'A=b=c'], cwd: '/', user: { uid: 1, gid: 2, additionalGids: [3, 4] } },
    root: { path: '/var/lib/x/merged', readonly: false },
    hostname: 'box',
    mounts: [{ destination: '/', type: 'overlay', source: 'overlay', options: ['lowerdir=/l', 'upperdir=/u', 'workdir=/w'] }, ...defaultMounts()],
    linux: { namespaces: defaultNamespaces(), symlinks: defaultSymlinks(), maskedPaths: ['/proc/kcore'], readonlyPaths: ['/proc/sys'] },
    ...overrides,
  };
}

/** Decode records back into [type, fields[]] for assertions. */
function decode(bytes: Buffer): [number, string[]][] {
  const out: [number, string[]][] = [];
  for (let off = 0; off < bytes.length; ) {
    const type = bytes.readUInt32LE(off);
    const len = bytes.readUInt32LE(off + 4);
    out.push([type, bytes.subarray(off + 8, off + 8 + len).toString('utf8').split('\0')]);
    off += 8 + len;
  }
  return out;
}

describe('mountFlags', () => {
  const cases: [string, string[], number, string][] = [
    ['proc', ['nosuid', 'noexec', 'nodev'], MS.NOSUID | MS.NOEXEC | MS.NODEV, ''],
    ['tmpfs', ['nosuid', 'strictatime', 'mode=755', 'size=65536k'], MS.NOSUID | MS.STRICTATIME, 'mode=755,size=65536k'],
    ['bind', ['rbind', 'ro'], MS.BIND | MS.REC | MS.RDONLY, ''],
    ['bind', [], MS.BIND, ''],
    ['none', ['bind', 'rprivate'], MS.BIND | MS.PRIVATE | MS.REC, ''],
    ['tmpfs', ['ro', 'rw'], 0, ''],
    ['ext4', ['relatime', 'noatime', 'atime', 'lazytime'], MS.RELATIME | MS.LAZYTIME, ''],
    ['overlay', ['lowerdir=/a:/b', 'upperdir=/u', 'workdir=/w'], 0, 'lowerdir=/a:/b,upperdir=/u,workdir=/w'],
    ['tmpfs', ['toString', '__proto__'], 0, 'toString,__proto__'],
  ];
  for (const [type, options, flags, data] of cases) {
    it(`${type} ${options.join(',') || '(none)'}`, () => {
      assert.deepEqual(mountFlags({ type, options }), { flags, data });
    });
  }
});

describe('namespaceBits', () => {
  it('maps the Docker defaults', () => {
    assert.equal(namespaceBits(defaultNamespaces()), CLONE.NEWPID | CLONE.NEWNS | CLONE.NEWUTS | CLONE.NEWIPC);
  });
  it('refuses user namespaces', () => {
    assert.throws(() => namespaceBits([{ type: 'user' }]), LaunchError);
  });
});

describe('encodeSpec', () => {
  it('writes the records in protocol order and ends with END', () => {
    const records = decode(encodeSpec(spec()));
    const types = records.map(([t]) => t);
    assert.deepEqual(types.slice(0, 3), [RecordType.ARG, RecordType.ARG, RecordType.ARG]);
    assert.equal(types.at(-1), RecordType.END);
    assert.deepEqual(records.find(([t]) => t === RecordType.UID)?.[1], ['1']);
    assert.deepEqual(records.filter(([t]) => t === RecordType.GROUP).map(([, f]) => f[0]), ['3', '4']);
    assert.deepEqual(records.filter(([t]) => t === RecordType.ENV).map(([, f]) => f[0]), ['PATH=/bin', 'A=b=c']);
    const mounts = records.filter(([t]) => t === RecordType.MOUNT).map(([, f]) => f);
    assert.deepEqual(mounts[0], ['overlay', 'overlay', '/', '0', 'lowerdir=/l,upperdir=/u,workdir=/w']);
    assert.deepEqual(mounts[1], ['proc', 'proc', '/proc', String(MS.NOSUID | MS.NOEXEC | MS.NODEV), '']);
    assert.deepEqual(records.find(([t]) => t === RecordType.SYMLINK)?.[1], ['/proc/self/fd', '/dev/fd']);
    assert.deepEqual(records.find(([t]) => t === RecordType.HOSTNAME)?.[1], ['box']);
  });

  it('adds READONLY "/" last for a read-only root', () => {
    const records = decode(encodeSpec(spec({ root: { path: '/r', readonly: true } })));
    assert.deepEqual(records.at(-2), [RecordType.READONLY, ['/']]);
  });

  it('omits HOSTNAME when empty', () => {
    assert.equal(decode(encodeSpec(spec({ hostname: '' }))).some(([t]) => t === RecordType.HOSTNAME), false);
  });

  const bad: [string, Partial<RuntimeSpec> | ((s: RuntimeSpec) => void)][] = [
    ['no args', (s) => (s.process.args = [])],
    ['empty command', (s) => (s.process.args = [''])],
    ['NUL in an argument', (s) => (s.process.args = ['sh', 'a\0b'])],
    ['env without =', (s) => (s.process.env = ['PATH'])],
    ['relative cwd', (s) => (s.process.cwd = 'work')],
    ['negative uid', (s) => (s.process.user.uid = -1)],
    ['uid (uid_t)-1', (s) => (s.process.user.uid = 0xffffffff)],
    ['fractional gid', (s) => (s.process.user.additionalGids = [1.5])],
    ['hostname without a UTS namespace', (s) => (s.linux.namespaces = [{ type: 'mount' }])],
    ['no mount namespace', (s) => (s.linux.namespaces = [{ type: 'pid' }])],
    ['relative mount destination', (s) => s.mounts.push({ destination: 'x', type: 'tmpfs', source: 'tmpfs', options: [] })],
    ['an argument over 1 MiB', (s) => (s.process.args = ['sh', 'x'.repeat((1 << 20) + 1)])],
  ];
  for (const [name, change] of bad) {
    it(`rejects ${name} with a spec-stage LaunchError`, () => {
      const s = spec();
      if (typeof change === 'function') change(s);
      assert.throws(() => encodeSpec(s), (e: unknown) => e instanceof LaunchError && e.stage === 'spec' && e.code === 'ERR_LAUNCH_SPEC');
    });
  }
});

describe('lifecycle records (40-59)', () => {
  it('adds TTY and INIT before END only when asked', () => {
    const plain = decode(encodeSpec(spec())).map(([t]) => t);
    assert.ok(!plain.includes(RecordType.TTY) && !plain.includes(RecordType.INIT));
    const base = spec();
    const both = decode(encodeSpec({ ...base, process: { ...base.process, terminal: true }, init: true }));
    assert.deepEqual(both.slice(-3), [[RecordType.TTY, ['1']], [RecordType.INIT, ['1']], [RecordType.END, ['']]]);
  });
  it('encodes an exec: the command, env, cwd, ids, the pid to join, and the placeholders the decoder needs', () => {
    const records = decode(encodeExecSpec({ pid: 4242, args: ['ps', 'aux'], env: ['A=1'], cwd: '/tmp', uid: 5, gid: 6, additionalGids: [7], terminal: true }));
    assert.deepEqual(records, [
      [RecordType.ARG, ['ps']],
      [RecordType.ARG, ['aux']],
      [RecordType.ENV, ['A=1']],
      [RecordType.CWD, ['/tmp']],
      [RecordType.ROOT, ['/']],
      [RecordType.NAMESPACES, [String(CLONE.NEWNS)]],
      [RecordType.UID, ['5']],
      [RecordType.GID, ['6']],
      [RecordType.GROUP, ['7']],
      [RecordType.EXEC_PID, ['4242']],
      [RecordType.TTY, ['1']],
      [RecordType.END, ['']],
    ]);
    assert.throws(() => encodeExecSpec({ pid: 1, args: ['x'], env: [], cwd: 'rel', uid: 0, gid: 0, additionalGids: [], terminal: false }), LaunchError);
    const joined = decode(encodeExecSpec({ pid: 1, args: ['x'], env: [], cwd: '/', uid: 0, gid: 0, additionalGids: [], terminal: false, cgroupProcs: ['/sys/fs/cgroup/pids/c/cgroup.procs'] }));
    assert.deepEqual(joined.filter(([t]) => t === RecordType.CGROUP_PROCS), [[RecordType.CGROUP_PROCS, ['/sys/fs/cgroup/pids/c/cgroup.procs']]]);
  });
});
