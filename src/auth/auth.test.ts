import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Authorizer, fetchToken, parseChallenge } from './index.js';

test('parses bearer challenges with quoted and bare params', () => {
  const c = parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"');
  assert.deepEqual(c, { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/alpine:pull' } });
  assert.deepEqual(parseChallenge('Basic realm=Registry'), { scheme: 'basic', params: { realm: 'Registry' } });
  assert.deepEqual(parseChallenge('Bearer realm="a\\"b"')?.params, { realm: 'a"b' });
  assert.equal(parseChallenge(''), undefined);
});

test('fetchToken sends service and scope and accepts access_token', async () => {
  let seen: URL | undefined;
  const token = await fetchToken(async (url) => {
    seen = url;
    return { status: 200, body: JSON.stringify({ access_token: 'abc', expires_in: 300 }) };
  }, 'https://auth.example/token', 'reg', ['repository:a/b:pull'], 0);
  assert.equal(token.value, 'abc');
  assert.equal(token.expiresAt, 290_000);
  assert.equal(seen?.searchParams.get('service'), 'reg');
  assert.equal(seen?.searchParams.get('scope'), 'repository:a/b:pull');
});

test('fetchToken rejects non-http realms and tokenless answers', async () => {
  const ok = async () => ({ status: 200, body: '{}' });
  await assert.rejects(fetchToken(ok, 'file:///etc/passwd', undefined, []), /not http/);
  await assert.rejects(fetchToken(ok, 'https://a/t', undefined, []), /sent no token/);
});

test('the authorizer only authorises its own origin', async () => {
  let calls = 0;
  const auth = new Authorizer('https://reg.example', ['repository:x:pull'], async () => {
    calls++;
    return { status: 200, body: JSON.stringify({ token: `t${calls}` }) };
  });
  const url = new URL('https://reg.example/v2/x/manifests/latest');
  assert.equal(await auth.header(url), undefined, 'no token before a challenge');
  assert.ok(await auth.learn(url, 'Bearer realm="https://auth.example/token",service="reg"'));
  assert.equal(await auth.header(url), 'Bearer t1');
  assert.equal(await auth.header(new URL('https://cdn.example/blob')), undefined);
  assert.equal(await auth.header(new URL('http://reg.example/v2/')), undefined, 'scheme is part of the origin');
  assert.equal(await auth.learn(url, 'Basic realm="x"'), false);
});
