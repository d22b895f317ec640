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

const basicOf = (user: string, pass: string): string => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

test('with a keychain: the token request carries Basic credentials, and only after a challenge', async () => {
  const asked: string[] = [];
  const keychain = { resolve: async (host: string) => { asked.push(host); return { serverAddress: host, username: 'me', password: 'pw:1' }; } };
  const inits: Array<{ url: URL; authorization: string | undefined }> = [];
  const auth = new Authorizer('https://reg.example:5000', ['repository:x:pull'], async (url, init) => {
    inits.push({ url, authorization: init?.authorization });
    return { status: 200, body: JSON.stringify({ token: 't' }) };
  }, keychain);
  const url = new URL('https://reg.example:5000/v2/x/manifests/latest');
  assert.equal(await auth.header(url), undefined);
  assert.deepEqual(asked, [], 'no lookup before the registry asks');
  assert.ok(await auth.learn(url, 'Bearer realm="https://auth.example/token",service="reg"'));
  assert.deepEqual(asked, ['reg.example:5000']);
  assert.equal(inits[0]?.authorization, basicOf('me', 'pw:1'));
  assert.equal(await auth.header(url), 'Bearer t');
  assert.ok(auth.credentialsUsed);
});

test('a Basic challenge: credentials go to the registry origin only, and a second 401 stops', async () => {
  const keychain = { resolve: async (host: string) => ({ serverAddress: host, username: 'me', password: 'pw' }) };
  const auth = new Authorizer('http://127.0.0.1:5000', ['repository:x:pull'], async () => assert.fail('no token request for Basic'), keychain);
  const url = new URL('http://127.0.0.1:5000/v2/x/blobs/sha256:00');
  assert.ok(await auth.learn(url, 'Basic realm="registry"'));
  assert.equal(await auth.header(url), basicOf('me', 'pw'));
  assert.equal(await auth.header(new URL('http://127.0.0.2:5000/blob')), undefined, 'a redirect target on another host');
  assert.equal(await auth.header(new URL('http://localhost:5000/v2/')), undefined, 'another name for the same machine is another host');
  assert.equal(await auth.learn(url, 'Basic realm="registry"'), false, 'refused credentials are not retried');
});

test('a Basic challenge without credentials cannot be answered', async () => {
  const auth = new Authorizer('http://r:1', [], async () => assert.fail(), { resolve: async () => undefined });
  assert.equal(await auth.learn(new URL('http://r:1/v2/'), 'Basic realm="x"'), false);
  assert.equal(auth.credentialsUsed, false);
});

test('refused credentials at the token service say so; an identity token uses the OAuth2 refresh grant', async () => {
  const refused = async () => ({ status: 401, body: '{}' });
  await assert.rejects(fetchToken(refused, 'https://a/token', 's', [], 0, { kind: 'basic', username: 'u', password: 'bad' }),
    (error: Error & { code?: string }) => error.code === 'ERR_CREDENTIALS_REFUSED' && /incorrect username or password/.test(error.message));
  await assert.rejects(fetchToken(refused, 'https://a/token', 's', []), (error: Error & { code?: string }) => error.code === 'ERR_TOKEN_DENIED');

  let form: URLSearchParams | undefined;
  let seen: URL | undefined;
  const token = await fetchToken(async (url, init) => {
    seen = url;
    form = init?.form;
    assert.equal(init?.authorization, undefined);
    return { status: 200, body: JSON.stringify({ access_token: 'oauth' }) };
  }, 'https://a/token', 'svc', ['repository:x:pull', 'repository:y:pull'], 0, { kind: 'identity-token', token: 'refresh' });
  assert.equal(token.value, 'oauth');
  assert.equal(seen?.search, '', 'the refresh token travels in the body, not the URL');
  assert.deepEqual(Object.fromEntries(form ?? []), {
    grant_type: 'refresh_token', refresh_token: 'refresh', client_id: 'mydocker', service: 'svc', scope: 'repository:x:pull repository:y:pull',
  });
});

test('credentials are not sent to a plain-HTTP realm named by an https registry', async () => {
  const keychain = { resolve: async (host: string) => ({ serverAddress: host, username: 'u', password: 'p' }) };
  const auth = new Authorizer('https://reg.example', [], async () => assert.fail('nothing may be sent'), keychain);
  await assert.rejects(auth.learn(new URL('https://reg.example/v2/'), 'Bearer realm="http://auth.example/token"'), /credentials are not sent over plain HTTP/);
});

test('offline (login): the token request asks for a refresh token, and the answer keeps it', async () => {
  let seen: URL | undefined;
  const token = await fetchToken(async (url) => {
    seen = url;
    return { status: 200, body: JSON.stringify({ token: 't', refresh_token: 'r' }) };
  }, 'https://a/token', 'svc', [], 0, { kind: 'basic', username: 'u', password: 'p', offline: true });
  assert.equal(seen?.searchParams.get('offline_token'), 'true');
  assert.equal(seen?.searchParams.get('client_id'), 'mydocker');
  assert.equal(token.refreshToken, 'r');
  const plain = await fetchToken(async (url) => {
    seen = url;
    return { status: 200, body: JSON.stringify({ token: 't' }) };
  }, 'https://a/token', 'svc', [], 0, { kind: 'basic', username: 'u', password: 'p' });
  assert.equal(seen?.searchParams.has('offline_token'), false, 'pulls do not ask for refresh tokens');
  assert.equal(plain.refreshToken, undefined);
});
