import { test } from 'node:test';
import assert from 'node:assert/strict';
import { proxyEnv, proxyFor, type ProxyEnv } from './proxy.js';

const env = (noProxy?: string): ProxyEnv => ({ httpProxy: 'http://p:3128', httpsProxy: 'proxy.corp:8080', noProxy });

test('proxy variables: upper case wins, lower case honoured', () => {
  assert.deepEqual(proxyEnv({ HTTPS_PROXY: 'a', https_proxy: 'b', http_proxy: 'c', no_proxy: 'd' }), { httpsProxy: 'a', httpProxy: 'c', noProxy: 'd' });
  assert.deepEqual(proxyEnv({ HTTPS_PROXY: '', https_proxy: 'b' }), { httpsProxy: 'b', httpProxy: undefined, noProxy: undefined });
});

test('scheme picks the variable; a bare host:port gets http://', () => {
  assert.equal(proxyFor(new URL('https://reg.example/v2/'), env()), 'http://proxy.corp:8080');
  assert.equal(proxyFor(new URL('http://reg.example/v2/'), env()), 'http://p:3128');
  assert.equal(proxyFor(new URL('https://reg.example/'), { httpProxy: 'x', httpsProxy: undefined, noProxy: undefined }), undefined);
});

test('loopback is never proxied (as Go)', () => {
  for (const u of ['https://localhost:5000/', 'http://127.0.0.1:5000/', 'https://[::1]:5000/', 'http://a.localhost/']) assert.equal(proxyFor(new URL(u), env()), undefined, u);
});

test('NO_PROXY forms', () => {
  const no = (list: string, u: string): boolean => proxyFor(new URL(u), env(list)) === undefined;
  assert.ok(no('*', 'https://reg.example/'));
  assert.ok(no('reg.example', 'https://reg.example/'));
  assert.ok(no('example', 'https://reg.example/'));
  assert.ok(!no('ample', 'https://reg.example/'));
  assert.ok(no('.example', 'https://reg.example/'));
  assert.ok(no('*.example', 'https://a.reg.example/'));
  assert.ok(no('other, reg.example:5000', 'https://reg.example:5000/'));
  assert.ok(!no('reg.example:5001', 'https://reg.example:5000/'));
  assert.ok(no('reg.example:443', 'https://reg.example/'));
  assert.ok(no('10.0.0.0/8', 'https://10.1.2.3:5000/'));
  assert.ok(!no('10.0.0.0/8', 'https://11.1.2.3:5000/'));
  assert.ok(!no('', 'https://reg.example/'));
});
