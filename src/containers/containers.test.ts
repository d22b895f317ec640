import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseSignal } from './control.js';
import { mergeEnv } from './exec.js';
import { generateName, nameOwner, releaseName, reserveName, validateName } from './names.js';
import { findContainer, isSameProcess, newState, processStartTime, readState, writeConfig, writeState, type ContainerConfig } from './state.js';
import { JsonLogWriter } from './supervise.js';

const roots: string[] = [];
function root(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mydocker-containers-test-'));
  roots.push(dir);
  return dir;
}
after(() => roots.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const id = (c: string): string => c.repeat(64);

function makeContainer(r: string, cid: string, name: string): void {
  mkdirSync(join(r, 'containers', cid), { recursive: true });
  const config: ContainerConfig = {
    id: cid, name, image: 'busybox', args: ['sh'], env: [], workingDir: '/', user: '', hostname: cid.slice(0, 12),
    created: new Date().toISOString(), autoRemove: false, tty: false, openStdin: false, init: false,
  };
  writeConfig(r, config);
  writeState(r, cid, newState());
  reserveName(r, name, cid);
}

describe('names', () => {
  it('generates adjective_surname names', () => {
    for (let i = 0; i < 50; i++) assert.match(generateName(), /^[a-z]+_[a-z]+$/);
  });
  it("validates with Docker's grammar and drops a leading /", () => {
    assert.equal(validateName('/web.1_a-b'), 'web.1_a-b');
    for (const bad of ['a', '-x', 'a b', 'a/b', '']) assert.throws(() => validateName(bad), /Invalid container name/);
    assert.equal(validateName('a'.repeat(253)), 'a'.repeat(253));
    assert.throws(() => validateName('a'.repeat(300)), /at most 253 are allowed/);
  });
  it('reserves a name once; a second reservation is a Docker conflict; release frees it', () => {
    const r = root();
    makeContainer(r, id('a'), 'web');
    assert.throws(() => reserveName(r, 'web', id('b')), /Conflict\. The container name "\/web" is already in use by container "a{64}"/);
    releaseName(r, 'web', id('b')); // not the owner: no effect
    assert.equal(nameOwner(r, 'web'), id('a'));
    releaseName(r, 'web', id('a'));
    reserveName(r, 'web', id('b'));
    assert.equal(nameOwner(r, 'web'), id('b'));
  });
  it('takes over a reservation whose container directory is gone (crash between the two)', () => {
    const r = root();
    mkdirSync(join(r, 'containers', 'names'), { recursive: true });
    writeFileSync(join(r, 'containers', 'names', 'db'), `${id('c')}\n`);
    reserveName(r, 'db', id('d'));
    assert.equal(nameOwner(r, 'db'), id('d'));
  });
});

describe('state', () => {
  it('finds containers by name, full id and unique prefix', () => {
    const r = root();
    makeContainer(r, id('a'), 'one');
    makeContainer(r, `ab${id('c').slice(2)}`, 'two');
    assert.equal(findContainer(r, 'one').config.id, id('a'));
    assert.equal(findContainer(r, id('a')).config.name, 'one');
    assert.equal(findContainer(r, 'abc').config.name, 'two');
    assert.throws(() => findContainer(r, 'a'), /multiple IDs/);
    assert.throws(() => findContainer(r, 'nope'), /No such container: nope/);
  });
  it('corrects "running" to "exited" (137) when the owner process is gone, and persists it', () => {
    const r = root();
    makeContainer(r, id('e'), 'dead-owner');
    writeState(r, id('e'), { ...newState(), status: 'running', pid: 1, ownerPid: 0x3ffffff0, ownerStart: '1' });
    const state = readState(r, id('e'));
    assert.equal(state?.status, 'exited');
    assert.equal(state?.exitCode, 137);
    assert.equal((JSON.parse(readFileSync(join(r, 'containers', id('e'), 'state.json'), 'utf8')) as { status: string }).status, 'exited');
  });
  it('keeps "running" while the owner (same pid, same start time) lives', () => {
    const r = root();
    makeContainer(r, id('f'), 'live-owner');
    const start = processStartTime(process.pid) ?? '';
    assert.ok(isSameProcess(process.pid, start));
    assert.ok(!isSameProcess(process.pid, `${start}0`), 'a reused pid has another start time');
    writeState(r, id('f'), { ...newState(), status: 'running', pid: 1, ownerPid: process.pid, ownerStart: start });
    assert.equal(readState(r, id('f'))?.status, 'running');
  });
  it('never recreates the directory of a removed container', () => {
    const r = root();
    assert.equal(writeState(r, id('9'), newState()), false);
  });
});

describe('json-file log', () => {
  it('writes one entry per line per stream, joining chunks and flushing a last partial line', () => {
    const file = join(root(), 'log');
    const fd = openSync(file, 'a');
    const log = new JsonLogWriter(fd);
    log.write('stdout', Buffer.from('a\nb'));
    log.write('stderr', Buffer.from('e\n'));
    log.write('stdout', Buffer.from('c\n'));
    log.write('stdout', Buffer.from('tail'));
    log.flush();
    closeSync(fd);
    const entries = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { log: string; stream: string; time: string });
    assert.deepEqual(entries.map((e) => [e.stream, e.log]), [['stdout', 'a\n'], ['stderr', 'e\n'], ['stdout', 'bc\n'], ['stdout', 'tail']]);
    assert.ok(entries.every((e) => !Number.isNaN(Date.parse(e.time))));
  });
});

describe('exec and kill helpers', () => {
  it('merges -e into the container environment; a bare KEY takes the host value', () => {
    process.env['MYDOCKER_TEST_HOST_VALUE'] = 'from-host';
    assert.deepEqual(mergeEnv(['PATH=/bin', 'A=1'], ['A=2', 'B=3', 'MYDOCKER_TEST_HOST_VALUE', 'UNSET_ON_HOST_X']), ['PATH=/bin', 'A=2', 'B=3', 'MYDOCKER_TEST_HOST_VALUE=from-host']);
    assert.throws(() => mergeEnv([], ['=x']), /invalid environment variable/);
  });
  it('parses signals as Docker: names with or without SIG, numbers', () => {
    assert.equal(parseSignal('KILL'), 9);
    assert.equal(parseSignal('sigterm'), 15);
    assert.equal(parseSignal('10'), 10);
    assert.throws(() => parseSignal('NOPE'), /invalid signal: NOPE/);
    assert.throws(() => parseSignal('0'), /invalid signal/);
  });
});

describe('cgroups of a container (for exec)', () => {
  it('parses /proc/<pid>/cgroup lines of v1, named and v2 hierarchies', async () => {
    const { parseProcCgroup, hierarchyMount } = await import('./join-cgroups.js');
    const parsed = parseProcCgroup('9:name=systemd:/\n4:memory:/a/b\n1:cpu,cpuacct:/c\n0::/d\n');
    assert.deepEqual([...parsed.entries()], [
      ['9:name=systemd', { controllers: 'name=systemd', path: '/' }],
      ['4:memory', { controllers: 'memory', path: '/a/b' }],
      ['1:cpu,cpuacct', { controllers: 'cpu,cpuacct', path: '/c' }],
      ['0:', { controllers: '', path: '/d' }],
    ]);
    assert.equal(hierarchyMount('name=systemd'), '/sys/fs/cgroup/systemd');
    assert.equal(hierarchyMount('cpu,cpuacct'), '/sys/fs/cgroup/cpu,cpuacct');
  });
});
