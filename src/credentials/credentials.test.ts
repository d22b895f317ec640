import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import {
  credentialKey, decodeAuth, DOCKER_HUB_KEY, dockerConfigDir, dockerConfigPath, homeOf, sudoInvoker, eraseCredentials, helperErase, helperGet, helperStore,
  hostnameOf, loadCredentials, readDockerConfig, saveCredentials, writeDockerConfig,
} from './index.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mydocker-credentials-unit-'));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const b64 = (text: string): string => Buffer.from(text).toString('base64');

test('server keys: Docker Hub under its v1 URL, others as host[:port] whatever the spelling', () => {
  for (const hub of ['docker.io', 'index.docker.io', 'registry-1.docker.io', 'https://index.docker.io/v1/', 'HTTPS://Docker.IO']) {
    assert.equal(credentialKey(hub), DOCKER_HUB_KEY, hub);
  }
  assert.equal(credentialKey('https://reg.example:5000/v2/'), 'reg.example:5000');
  assert.equal(credentialKey('http://127.0.0.1:5000'), '127.0.0.1:5000');
  assert.equal(credentialKey('Reg.Example'), 'reg.example');
  assert.equal(hostnameOf('reg.example:5000/some/path'), 'reg.example:5000');
});

test('the config path honours DOCKER_CONFIG, else HOME/.docker', () => {
  assert.equal(dockerConfigPath({ DOCKER_CONFIG: '/x/y' }), '/x/y/config.json');
  assert.equal(dockerConfigPath({ HOME: '/home/u' }), '/home/u/.docker/config.json');
});

test('under sudo, the config is the invoking user\'s (SUDO_USER\'s home), unless DOCKER_CONFIG says otherwise', () => {
  const passwd = path.join(tempDir(), 'passwd');
  writeFileSync(passwd, 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice,,,:/home/alice:/bin/bash\n');
  const sudo = { HOME: '/root', SUDO_USER: 'alice', SUDO_UID: '1000', SUDO_GID: '1000' };
  assert.equal(dockerConfigDir(sudo, 0, passwd), '/home/alice/.docker');
  assert.equal(dockerConfigDir({ ...sudo, DOCKER_CONFIG: '/cfg' }, 0, passwd), '/cfg');
  assert.equal(dockerConfigDir(sudo, 1000, passwd), '/root/.docker', 'not root: no sudo to undo');
  assert.equal(dockerConfigDir({ ...sudo, SUDO_USER: 'root', SUDO_UID: '0' }, 0, passwd), '/root/.docker');
  assert.equal(dockerConfigDir({ ...sudo, SUDO_USER: 'bob' }, 0, passwd), '/root/.docker', 'unknown user: fall back to HOME');
  assert.deepEqual(sudoInvoker(sudo, 0), { user: 'alice', uid: 1000, gid: 1000 });
  assert.equal(homeOf('alice', passwd), '/home/alice');
});

test('a missing config is empty; a broken one names the file', () => {
  const dir = tempDir();
  assert.deepEqual(readDockerConfig(path.join(dir, 'none.json')).auths, {});
  writeFileSync(path.join(dir, 'bad.json'), '[1,2]');
  assert.throws(() => readDockerConfig(path.join(dir, 'bad.json')), /bad\.json is not a JSON object/);
});

test('auth entries: https:// keys, passwords with colons, identity tokens, aliases of Docker Hub', async () => {
  const dir = tempDir();
  const env = { DOCKER_CONFIG: dir };
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({
    auths: {
      'https://reg.example:5000': { auth: b64('me:pa:ss') },
      'index.docker.io': { auth: b64('hubuser:') , identitytoken: 'refresh-me' },
      'empty.example': {},
    },
  }));
  assert.deepEqual(await loadCredentials('reg.example:5000', env), { serverAddress: 'reg.example:5000', username: 'me', password: 'pa:ss' });
  assert.deepEqual(await loadCredentials('registry-1.docker.io', env),
    { serverAddress: DOCKER_HUB_KEY, username: 'hubuser', password: '', identityToken: 'refresh-me' });
  assert.equal(await loadCredentials('empty.example', env), undefined);
  assert.equal(await loadCredentials('reg.example', env), undefined, 'the port is part of the key');
  assert.deepEqual(decodeAuth(b64('nocolon')), undefined);
});

test('saving keeps unknown keys and other entries, writes 0600 atomically, and erasing removes aliases', async () => {
  const dir = tempDir();
  const env = { DOCKER_CONFIG: dir };
  const file = path.join(dir, 'config.json');
  writeFileSync(file, JSON.stringify({ auths: { 'https://a.example': { auth: b64('old:old') }, 'b.example': { auth: b64('b:b') } }, detachKeys: 'ctrl-e,e', plugins: { x: { y: 'z' } } }), { mode: 0o644 });
  const saved = await saveCredentials({ serverAddress: 'a.example', username: 'new', password: 'pw' }, env);
  assert.deepEqual(saved, { kind: 'file', path: file });
  const doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  assert.equal(doc['detachKeys'], 'ctrl-e,e');
  assert.deepEqual(doc['plugins'], { x: { y: 'z' } });
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(dir), ['config.json'], 'no temp file left');
  assert.deepEqual((await loadCredentials('a.example', env))?.username, 'new', 'the exact key wins over the old https:// alias');

  assert.equal(await eraseCredentials('a.example', env), true);
  const erased = JSON.parse(readFileSync(file, 'utf8')) as { auths: Record<string, unknown> };
  assert.deepEqual(Object.keys(erased.auths), ['b.example'], 'both spellings of a.example are gone');
  assert.equal(await eraseCredentials('a.example', env), false);
});

test('the first login creates the config dir and a 0600 file', async () => {
  const dir = path.join(tempDir(), 'new', '.docker');
  await saveCredentials({ serverAddress: 'docker.io', username: 'u', password: 'p' }, { DOCKER_CONFIG: dir });
  const doc = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as { auths: Record<string, { auth: string }> };
  assert.deepEqual(doc.auths, { [DOCKER_HUB_KEY]: { auth: b64('u:p') } });
  assert.equal(statSync(path.join(dir, 'config.json')).mode & 0o777, 0o600);
});

/** A docker-credential-unit helper that logs its stdin and answers from a fixed file. */
function helperEnv(): { env: NodeJS.ProcessEnv; dir: string } {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'docker-credential-unit'), `#!/bin/sh
input=$(cat)
printf '%s %s\\n' "$1" "$input" >> "${dir}/log"
case "$1" in
  get) if [ "$input" = "known.example" ]; then echo '{"ServerURL":"known.example","Username":"u","Secret":"s"}';
       elif [ "$input" = "token.example" ]; then echo '{"ServerURL":"token.example","Username":"<token>","Secret":"idt"}';
       elif [ "$input" = "broken.example" ]; then echo 'keyring locked' >&2; exit 3;
       else echo 'credentials not found in native keychain'; exit 1; fi ;;
  store) exit 0 ;;
  erase) exit 0 ;;
esac
`);
  chmodSync(path.join(dir, 'docker-credential-unit'), 0o755);
  return { env: { PATH: `${dir}:${process.env['PATH'] ?? ''}`, DOCKER_CONFIG: dir }, dir };
}

test('helper protocol: get/store/erase with the server on stdin, JSON both ways', async () => {
  const { env, dir } = helperEnv();
  assert.deepEqual(await helperGet('unit', 'known.example', env), { ServerURL: 'known.example', Username: 'u', Secret: 's' });
  assert.equal(await helperGet('unit', 'nobody.example', env), undefined);
  await assert.rejects(helperGet('unit', 'broken.example', env), /docker-credential-unit failed to get credentials: keyring locked/);
  await helperStore('unit', { ServerURL: 'x.example', Username: 'a', Secret: 'b' }, env);
  await helperErase('unit', 'x.example', env);
  assert.deepEqual(readFileSync(path.join(dir, 'log'), 'utf8').trim().split('\n'), [
    'get known.example',
    'get nobody.example',
    'get broken.example',
    'store {"ServerURL":"x.example","Username":"a","Secret":"b"}',
    'erase x.example',
  ]);
  await assert.rejects(helperGet('no-such-helper', 'x', env), /docker-credential-no-such-helper not found on PATH/);
});

test('credsStore and credHelpers route lookups; "<token>" means an identity token', async () => {
  const { env, dir } = helperEnv();
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ credsStore: 'absent', credHelpers: { 'known.example': 'unit', 'https://token.example': 'unit' } }));
  assert.deepEqual(await loadCredentials('known.example', env), { serverAddress: 'known.example', username: 'u', password: 's' });
  assert.deepEqual(await loadCredentials('token.example', env), { serverAddress: 'token.example', username: '', password: '', identityToken: 'idt' });
  await assert.rejects(loadCredentials('other.example', env), /docker-credential-absent not found/);
  const saved = await saveCredentials({ serverAddress: 'known.example', username: 'u2', password: 's2' }, env);
  assert.deepEqual(saved, { kind: 'helper', helper: 'unit' });
  const doc = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as { auths: Record<string, unknown>; credsStore: string };
  assert.deepEqual(doc.auths, { 'known.example': {} }, 'only an empty marker entry, no secret');
  assert.equal(doc.credsStore, 'absent');
  assert.ok(existsSync(path.join(dir, 'log')));
});

test('a config written for a sudo user stays theirs: file and a newly made ~/.docker', { skip: process.getuid?.() !== 0 ? 'needs root to chown' : false }, () => {
  const home = tempDir();
  const file = path.join(home, '.docker', 'config.json');
  writeDockerConfig({ path: file, owner: { uid: 4321, gid: 4322 }, raw: { keep: true }, auths: { 'r.example': { auth: b64('u:p') } }, credsStore: undefined, credHelpers: {} });
  assert.equal(statSync(file).uid, 4321);
  assert.equal(statSync(file).gid, 4322);
  assert.equal(statSync(path.dirname(file)).uid, 4321);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { keep: true, auths: { 'r.example': { auth: b64('u:p') } } });
});
