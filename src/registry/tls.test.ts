import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { certsDirFor, tlsSettingsFor } from './tls.js';

test('certs.d: *.crt are CAs, X.cert + X.key a client certificate, named by host:port', async (t) => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'mydocker-certsd-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const env = { MYDOCKER_CERTS_D: root };
  const url = new URL('https://reg.example:5000/v2/');
  assert.equal(certsDirFor(url, env), path.join(root, 'reg.example:5000'));
  const dir = path.join(root, 'reg.example:5000');
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'ca.crt'), 'CA-PEM');
  writeFileSync(path.join(dir, 'client.cert'), 'CERT-PEM');
  writeFileSync(path.join(dir, 'client.key'), 'KEY-PEM');
  const settings = await tlsSettingsFor(url, env);
  assert.equal(settings.ca.at(-1), 'CA-PEM');
  assert.ok(settings.ca.length > 1, 'Node and system CAs are kept');
  assert.equal(settings.cert, 'CERT-PEM');
  assert.equal(settings.key, 'KEY-PEM');
  rmSync(path.join(dir, 'client.key'));
  await assert.rejects(tlsSettingsFor(url, env), /missing key client\.key/);
  const none = await tlsSettingsFor(new URL('https://other.example/'), env);
  assert.equal(none.cert, undefined);
});
