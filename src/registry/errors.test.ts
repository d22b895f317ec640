import { test } from 'node:test';
import assert from 'node:assert/strict';
import { transportError } from './errors.js';

const url = new URL('https://reg.example:5000/v2/');
const err = (code: string, message = code): Error => Object.assign(new Error(message), { code });

test('TLS failures name the host, the cause and where the fix goes', () => {
  const unknown = transportError(err('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), url, { certsDir: '/certs/reg.example:5000' });
  assert.equal(unknown.message, 'TLS: certificate for reg.example:5000 is signed by an unknown authority');
  assert.equal(unknown.hint, 'Add its CA to /certs/reg.example:5000/ca.crt.');
  assert.equal(unknown.kind, 'tls');
  assert.match(transportError(err('SELF_SIGNED_CERT_IN_CHAIN'), url).hint ?? '', /\/etc\/docker\/certs\.d\/reg\.example:5000\/ca\.crt/);
  assert.match(transportError(err('CERT_HAS_EXPIRED'), url).message, /certificate for reg\.example:5000 has expired/);
  assert.match(transportError(err('ERR_TLS_CERT_ALTNAME_INVALID', "Host: x. is not in the cert's altnames"), url).message, /not valid for that name/);
  assert.match(transportError(err('ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', 'sslv3 alert bad certificate'), url).message, /requires a client certificate/);
  assert.match(transportError(err('ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number'), url).message, /does not speak TLS/);
});

test('DNS, refused (direct and via a proxy), resets and stalls', () => {
  assert.equal(transportError(err('ENOTFOUND'), url).message, 'cannot resolve registry host "reg.example"');
  assert.equal(transportError(err('ECONNREFUSED'), url).message, 'connection refused by reg.example:5000');
  assert.equal(transportError(err('ECONNREFUSED'), url, { proxy: 'http://proxy:3128' }).message, 'connection refused by proxy proxy:3128');
  assert.match(transportError(err('UND_ERR_SOCKET', 'other side closed'), url).message, /closed unexpectedly \(other side closed\)/);
  assert.match(transportError(err('UND_ERR_BODY_TIMEOUT'), url).message, /stopped sending data/);
  assert.equal(transportError(Object.assign(new Error('aborted'), { name: 'AbortError' }), url).kind, 'interrupted');
});
