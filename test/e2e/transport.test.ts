/**
 * Transport against the real registry: HTTPS with a private CA placed in certs.d and a client
 * certificate (mutual TLS), forward proxies (HTTPS_PROXY / HTTP_PROXY / NO_PROXY, any case), and
 * a blob CDN that rejects requests carrying an Authorization header.
 *
 * Proxies: as Go's http.ProxyFromEnvironment (and so Docker), mydocker never proxies loopback
 * hosts. The proxied registry is therefore named `registry.mydocker.test`, a name that only the
 * test proxy resolves (to where the registry listens): a pull that succeeds went through the proxy.
 * The direct TLS tests need an address that is not loopback (loopback registries are plain HTTP,
 * as in Docker): the machine's first non-internal IPv4 address; they are skipped without one.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, beforeEach, test } from 'node:test';
import { freshRoot, IMAGES } from '../harness/index.js';
import { startCdnRedirect, type CdnRedirect } from '../harness/cdn-redirect.js';
import { startForwardProxy, type ForwardProxy } from '../harness/forward-proxy.js';
import { freePort, publicAddress } from '../harness/net.js';
import { startRegistry, type RegistryProcess } from '../harness/registry.js';
import { seedStorage } from '../harness/seed-storage.js';
import { makePrivatePki, writeCertsD, type PrivatePki } from '../harness/tls-pki.js';
import { assertRun, show, useHarness } from './context.js';

const c = useHarness();
const PROXIED_NAME = 'registry.mydocker.test';
const PUBLIC = publicAddress();
const noPublic = PUBLIC === undefined ? 'this machine has no non-loopback IPv4 address' : false;

interface World {
  dir: string;
  pki: PrivatePki;
  tls: RegistryProcess;
  /** "host:port" of the TLS registry, reached directly. */
  tlsHost: string;
  proxy: ForwardProxy;
  cdn: CdnRedirect;
}

let starting: Promise<World> | undefined;
let w: World;
async function startWorld(): Promise<World> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mydocker-transport-'));
  const host = PUBLIC ?? '127.0.0.1';
  const pki = makePrivatePki(path.join(dir, 'pki'), [PROXIED_NAME], [host]);
  const tls = await startRegistry({
    seedStorage: await seedStorage(),
    tls: { certificate: pki.serverCert, key: pki.serverKey, clientCas: [pki.clientCaCert] },
    host,
  });
  const proxy = await startForwardProxy({ [PROXIED_NAME]: host });
  const cdn = await startCdnRedirect(c.h.authRegistry, c.h.openRegistry);
  return { dir, pki, tls, tlsHost: `${host}:${tls.port}`, proxy, cdn };
}
// Root-level before hooks are not ordered after useHarness's start, so each test awaits this.
beforeEach(async () => {
  starting ??= startWorld();
  w = await starting;
});
after(async () => {
  if (starting === undefined) return;
  const world = await starting;
  await world.cdn.stop();
  await world.proxy.stop();
  await world.tls.stop();
  rmSync(world.dir, { recursive: true, force: true });
});

/** A fresh certs.d tree for `hosts`, with the parts asked for. */
function certsD(hosts: string[], parts: { ca: boolean; client: boolean }): string {
  return writeCertsD(mkdtempSync(path.join(w.dir, 'certs.d-')), w.pki, hosts, parts);
}

function errorLine(stderr: string): string {
  const lines = stderr.trim().split('\n').filter((l) => l.startsWith('mydocker:'));
  assert.equal(lines.length, 1, stderr);
  return lines[0] ?? '';
}

const NO_PROXY_ENV = { HTTPS_PROXY: undefined, https_proxy: undefined, HTTP_PROXY: undefined, http_proxy: undefined, NO_PROXY: undefined, no_proxy: undefined };

test('HTTPS with a private CA and a client certificate from certs.d (mutual TLS)', { skip: noPublic }, async () => {
  const env = { ...NO_PROXY_ENV, MYDOCKER_CERTS_D: certsD([w.tlsHost], { ca: true, client: true }) };
  const root = freshRoot();
  const result = await c.h.runCli(['run', `${w.tlsHost}/${IMAGES.busybox}`, 'echo', 'over tls'], { root, env });
  assertRun(result, { code: 0, stdout: 'over tls\n' });
  // A cached run reads no TLS files: a certs.d entry that would fail to load must not matter.
  const broken = mkdtempSync(path.join(w.dir, 'broken-'));
  mkdirSync(path.join(broken, w.tlsHost));
  writeFileSync(path.join(broken, w.tlsHost, 'orphan.cert'), 'no key next to me');
  assertRun(await c.h.runCli(['run', `${w.tlsHost}/${IMAGES.busybox}`, 'echo', 'cached'], { root, env: { ...env, MYDOCKER_CERTS_D: broken } }),
    { code: 0, stdout: 'cached\n', stderr: '' });
});

test('TLS: a registry signed by an unknown CA → one line naming the host and where the CA goes', { skip: noPublic }, async () => {
  const certs = certsD([], { ca: false, client: false });
  const root = freshRoot();
  const result = await c.h.runCli(['pull', `${w.tlsHost}/${IMAGES.busybox}`], { root, env: { ...NO_PROXY_ENV, MYDOCKER_CERTS_D: certs } });
  assertRun(result, { code: 125, stdout: '' });
  assert.equal(errorLine(result.stderr),
    `mydocker: TLS: certificate for ${w.tlsHost} is signed by an unknown authority. Add its CA to ${certs}/${w.tlsHost}/ca.crt.`);
});

test('TLS: mutual TLS without a client certificate → one line saying so, 125', { skip: noPublic }, async () => {
  const certs = certsD([w.tlsHost], { ca: true, client: false });
  const result = await c.h.runCli(['pull', `${w.tlsHost}/${IMAGES.busybox}`], { env: { ...NO_PROXY_ENV, MYDOCKER_CERTS_D: certs } });
  assertRun(result, { code: 125, stdout: '' });
  assert.match(errorLine(result.stderr), new RegExp(`TLS: ${w.tlsHost.replace(/\./g, '\\.')} requires a client certificate.*client\\.cert and client\\.key in ${certs}/`), show(result));
});

test('HTTPS_PROXY: a registry only the proxy can resolve is pulled through it (CONNECT), TLS inside the tunnel', async () => {
  const name = `${PROXIED_NAME}:${w.tls.port}`;
  const before = w.proxy.requests().length;
  const env = { ...NO_PROXY_ENV, HTTPS_PROXY: w.proxy.url, NO_PROXY: 'example.com,.other.test', MYDOCKER_CERTS_D: certsD([name], { ca: true, client: true }) };
  assertRun(await c.h.runCli(['run', `${name}/${IMAGES.busybox}`, 'echo', 'proxied'], { env }), { code: 0, stdout: 'proxied\n' });
  const seen = w.proxy.requests().slice(before);
  assert.ok(seen.includes(`CONNECT ${name}`), seen.join(', '));
});

test('https_proxy (lower case) with no_proxy excluding the registry: connects directly (and the name does not resolve)', async () => {
  const name = `${PROXIED_NAME}:${w.tls.port}`;
  const before = w.proxy.requests().length;
  const env = { ...NO_PROXY_ENV, https_proxy: w.proxy.url, no_proxy: `localhost,.mydocker.test`, MYDOCKER_CERTS_D: certsD([name], { ca: true, client: true }) };
  const result = await c.h.runCli(['pull', `${name}/${IMAGES.busybox}`], { env });
  assertRun(result, { code: 125, stdout: '' });
  assert.match(errorLine(result.stderr), /cannot resolve registry host "registry\.mydocker\.test"/);
  assert.equal(w.proxy.requests().length, before, 'NO_PROXY was ignored');
});

test('HTTP_PROXY for a plain-HTTP registry (listed insecure)', async () => {
  const name = `${PROXIED_NAME}:${c.h.openRegistry.split(':')[1] ?? ''}`;
  // The proxy resolves the name; the open registry listens on loopback.
  const proxy = await startForwardProxy({ [PROXIED_NAME]: '127.0.0.1' });
  try {
    const env = { ...NO_PROXY_ENV, http_proxy: proxy.url, MYDOCKER_INSECURE_REGISTRIES: name };
    assertRun(await c.h.runCli(['run', `${name}/${IMAGES.busybox}`, 'echo', 'http proxied'], { env }), { code: 0, stdout: 'http proxied\n' });
    assert.ok(proxy.requests().length > 0);
    assert.ok(proxy.requests().every((r) => r.includes(PROXIED_NAME)), proxy.requests().join(', '));
  } finally {
    await proxy.stop();
  }
});

test('loopback registries are never proxied (as Go and Docker)', async () => {
  const before = w.proxy.requests().length;
  const env = { ...NO_PROXY_ENV, HTTPS_PROXY: w.proxy.url, HTTP_PROXY: w.proxy.url };
  assertRun(await c.h.runCli(['run', c.busybox, 'echo', 'direct'], { env }), { code: 0, stdout: 'direct\n' });
  assert.equal(w.proxy.requests().length, before);
});

test('a proxy that is down → one line naming the proxy, 125', async () => {
  const port = await freePort();
  const env = { ...NO_PROXY_ENV, HTTPS_PROXY: `http://127.0.0.1:${port}` };
  const result = await c.h.runCli(['pull', `${PROXIED_NAME}:5000/${IMAGES.busybox}`], { env });
  assertRun(result, { code: 125, stdout: '' });
  assert.match(errorLine(result.stderr), new RegExp(`connection refused by proxy 127\\.0\\.0\\.1:${port}`));
});

test('blobs redirected to a CDN that rejects Authorization: the token stays with the registry', async () => {
  const before = w.cdn.cdnRequests().length;
  const ref = `${w.cdn.address}/${IMAGES.busybox}`;
  assertRun(await c.h.runCli(['run', ref, 'echo', 'from cdn']), { code: 0, stdout: 'from cdn\n' });
  const seen = w.cdn.cdnRequests().slice(before);
  assert.ok(seen.length >= 2, `config and layer should come from the CDN: ${JSON.stringify(seen)}`);
  assert.deepEqual(seen.filter((r) => r.authorization), [], 'an Authorization header reached the CDN');
  assert.ok(seen.every((r) => r.status === 200), JSON.stringify(seen));
});

test('a download from the CDN cut mid-way resumes through the redirect with Range', async () => {
  const before = w.cdn.cdnRequests().length;
  w.cdn.dropNextAfter(40_000);
  // The config is small: cut the layer, which is fetched after it.
  const ref = `${w.cdn.address}/${IMAGES.busybox}:${'1.36'}`;
  assertRun(await c.h.runCli(['run', ref, 'echo', 'resumed from cdn']), { code: 0, stdout: 'resumed from cdn\n' });
  const seen = w.cdn.cdnRequests().slice(before);
  assert.ok(seen.some((r) => r.range !== undefined && r.status === 206), JSON.stringify(seen));
});

test('a malformed proxy URL → one line naming the variable to fix, 125', async () => {
  const result = await c.h.runCli(['pull', `${PROXIED_NAME}:5000/${IMAGES.busybox}`], { env: { ...NO_PROXY_ENV, HTTPS_PROXY: 'http://bad host:3128' } });
  assertRun(result, { code: 125, stdout: '' });
  assert.match(errorLine(result.stderr), /proxy for https is not a valid URL: "http:\/\/bad host:3128". Fix HTTPS_PROXY/);
});
