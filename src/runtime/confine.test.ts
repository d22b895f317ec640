import assert from 'node:assert/strict';
import { test } from 'node:test';
import { availableCapabilities, DEFAULT_CAPABILITIES, resolveCapabilities } from './capabilities.js';
import { hostsFile, parseExtraHost, resolvConf } from './etc-files.js';
import { mountFlagMount, tmpfsFlagMount, userMounts } from './mounts-from-flags.js';

test("default capabilities are Docker's 14", () => {
  assert.deepEqual(resolveCapabilities({}).sort(), [...DEFAULT_CAPABILITIES].sort());
  assert.equal(DEFAULT_CAPABILITIES.length, 14);
});

test('cap-add/cap-drop: names with or without CAP_, any case; ALL', () => {
  assert.deepEqual(resolveCapabilities({ capDrop: ['ALL'], capAdd: ['net_admin', 'CAP_CHOWN'] }), ['CAP_CHOWN', 'CAP_NET_ADMIN']);
  assert.ok(!resolveCapabilities({ capDrop: ['chown'] }).includes('CAP_CHOWN'));
  assert.equal(resolveCapabilities({ capAdd: ['ALL'] }).length, 41);
  assert.equal(resolveCapabilities({ privileged: true, capDrop: ['ALL'] }).length, 41);
  assert.throws(() => resolveCapabilities({ capAdd: ['nope'] }), /invalid CapAdd: unknown capability: "CAP_NOPE"/);
});

test('available capabilities come from CapBnd', () => {
  const held = availableCapabilities('CapBnd:\t0000000000000003\n');
  assert.deepEqual([...held], ['CAP_CHOWN', 'CAP_DAC_OVERRIDE']);
});

test('--add-host: host:ip, host=ip, IPv6, and errors', () => {
  assert.deepEqual(parseExtraHost('db:10.0.0.1'), { host: 'db', ip: '10.0.0.1' });
  assert.deepEqual(parseExtraHost('v6:::1'), { host: 'v6', ip: '::1' });
  assert.deepEqual(parseExtraHost('b=[fe80::1]'), { host: 'b', ip: 'fe80::1' });
  assert.throws(() => parseExtraHost('x'), /bad format for add-host/);
  assert.throws(() => parseExtraHost('x:1.2'), /invalid IP address in add-host/);
});

test('/etc/hosts has the localhost lines, extra hosts, and the own names', () => {
  const text = hostsFile({ hostname: 'h1', name: 'web', extraHosts: [{ host: 'db', ip: '10.0.0.1' }], dns: [], network: 'host' });
  assert.match(text, /^127\.0\.0\.1\tlocalhost\n/);
  assert.match(text, /\n10\.0\.0\.1\tdb\n127\.0\.1\.1\th1 web\n$/);
});

test('resolv.conf: --dns replaces the nameservers, keeps search and options', () => {
  const host = 'nameserver 127.0.0.53\nsearch example.com\noptions ndots:2\n';
  assert.equal(resolvConf(host, []), host);
  assert.equal(resolvConf(host, ['1.1.1.1']), 'nameserver 1.1.1.1\nsearch example.com\noptions ndots:2\n');
});

test('--tmpfs and --mount type=tmpfs: Docker defaults, sizes in bytes', () => {
  assert.deepEqual(tmpfsFlagMount('/t:size=1m,exec').options, ['nosuid', 'nodev', 'size=1048576', 'exec']);
  assert.deepEqual(mountFlagMount('type=tmpfs,dst=/x,tmpfs-size=2k,tmpfs-mode=700').options, ['nosuid', 'nodev', 'noexec', 'size=2048', 'mode=700']);
  assert.throws(() => mountFlagMount('type=tmpfs,target=/x,source=/y'), /Source must not be specified/);
  assert.throws(() => mountFlagMount('type=weird,target=/x'), /invalid mount type: "weird"/);
  assert.throws(() => mountFlagMount('type=bind,target=/x,bogus=1'), /unexpected key 'bogus'/);
  assert.throws(() => userMounts({ tmpfs: ['/a', '/a/'] }), /Duplicate mount point: \/a/);
  assert.throws(() => tmpfsFlagMount('/'), /destination can't be '\/'/);
});

test('nothing may be mounted over /proc or inside it, but the files lxcfs replaces', () => {
  assert.throws(() => userMounts({ volumes: ['/proc:/proc'] }), /"\/proc" cannot be mounted because it is inside \/proc/);
  assert.throws(() => userMounts({ volumes: ['/tmp:/proc/sys/'] }), /"\/proc\/sys" cannot be mounted/);
  assert.throws(() => userMounts({ tmpfs: ['/proc/kcore'] }), /inside \/proc/);
  assert.equal(userMounts({ volumes: ['/etc/hostname:/proc/meminfo:ro'] })[0]?.destination, '/proc/meminfo');
  assert.equal(userMounts({ volumes: ['/tmp:/processes'] })[0]?.destination, '/processes');
});

test('--mount type=bind readonly and propagation', () => {
  const m = mountFlagMount('type=bind,src=/tmp,target=/data,readonly,bind-propagation=rslave');
  assert.deepEqual(m, { destination: '/data', type: 'bind', source: '/tmp', options: ['rbind', 'rslave', 'ro'] });
  assert.equal(mountFlagMount('type=bind,src=/tmp,target=/d,readonly=false').options.includes('ro'), false);
});
