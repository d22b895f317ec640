import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { RuntimeSpec } from '../runtime/spec.js';
import { defaultMounts, defaultNamespaces, defaultSymlinks } from '../runtime/linux-defaults.js';
import { encodeSpec } from './encode-spec.js';
import { RecordType } from './protocol.js';

function spec(extra: { process?: Partial<RuntimeSpec['process']>; linux?: Partial<RuntimeSpec['linux']> }): RuntimeSpec {
  return {
    ociVersion: '1.0.2',
    process: { args: ['true'], env: [], cwd: '/', user: { uid: 0, gid: 0, additionalGids: [] }, ...extra.process },
    root: { path: '/r', readonly: false },
    hostname: 'box',
    mounts: [{ destination: '/', type: 'overlay', source: 'overlay', options: [] }, ...defaultMounts()],
    linux: { namespaces: defaultNamespaces(), symlinks: defaultSymlinks(), maskedPaths: [], readonlyPaths: [], ...extra.linux },
  };
}

function records(bytes: Buffer): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (let off = 0; off < bytes.length; ) {
    const type = bytes.readUInt32LE(off);
    const len = bytes.readUInt32LE(off + 4);
    out.set(type, [...(out.get(type) ?? []), bytes.subarray(off + 8, off + 8 + len).toString('utf8')]);
    off += 8 + len;
  }
  return out;
}

test('CAPS is the decimal 64-bit mask of the bounding set; absent when unset', () => {
  const r = records(encodeSpec(spec({ process: { capabilities: { bounding: ['CAP_CHOWN', 'CAP_NET_ADMIN', 'CAP_CHECKPOINT_RESTORE'] } } })));
  assert.deepEqual(r.get(RecordType.CAPS), [String(1n | (1n << 12n) | (1n << 40n))]);
  assert.equal(records(encodeSpec(spec({}))).has(RecordType.CAPS), false);
  assert.throws(() => encodeSpec(spec({ process: { capabilities: { bounding: ['CAP_NOPE'] } } })), /unknown capability/);
});

test('NO_NEW_PRIVS, CGROUP and LOOPBACK records', () => {
  const r = records(encodeSpec(spec({
    process: { noNewPrivileges: true },
    linux: { namespaces: [...defaultNamespaces(), { type: 'network' }], loopbackUp: true, cgroupProcs: ['/sys/fs/cgroup/pids/mydocker/x/cgroup.procs'] },
  })));
  assert.deepEqual(r.get(RecordType.NO_NEW_PRIVS), ['']);
  assert.deepEqual(r.get(RecordType.LOOPBACK), ['']);
  assert.deepEqual(r.get(RecordType.CGROUP), ['/sys/fs/cgroup/pids/mydocker/x/cgroup.procs']);
  assert.throws(() => encodeSpec(spec({ linux: { loopbackUp: true } })), /network namespace/);
  assert.throws(() => encodeSpec(spec({ linux: { cgroupProcs: ['relative'] } })), /not an absolute path/);
});
