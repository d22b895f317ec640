/**
 * Credentials: login/logout against the real registry with token auth and with Basic auth,
 * credentials from Docker's own config.json and from docker-credential-* helpers, Docker's failure
 * messages, and credentials never following a blob redirect to another host.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  HARNESS_PASSWORD, HARNESS_USER, IDENTITY_TOKENS, IMAGES, OAUTH_PASSWORD, OAUTH_USER, PRIVATE_PREFIX, READER_PASSWORD, READER_USER, RegistryClient,
  startBasicRegistry, startCdnFront, startHarness, testImagePlans, type CdnFront, type CliOptions, type CliResult, type Harness, type PushPlan,
} from '../harness/index.js';
import type { RegistryProcess } from '../harness/registry.js';
import { show } from './context.js';

const PRIVATE_REPO = `${PRIVATE_PREFIX}busybox`;
const ACCESS_DENIED = /^mydocker: pull access denied for 127\.0\.0\.1:\d+\/private\/busybox, repository does not exist or may require 'mydocker login'/m;

let h: Harness;
let basic: RegistryProcess;
let tokenFront: CdnFront;
let basicFront: CdnFront;
const temps: string[] = [];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `mydocker-creds-${prefix}-`));
  temps.push(dir);
  return dir;
}

before(async () => {
  h = await startHarness();
  basic = await startBasicRegistry();
  const busybox = (await testImagePlans()).find((plan) => plan.repository === IMAGES.busybox && plan.tags.includes('latest'));
  assert.ok(busybox, 'no busybox plan');
  const privatePlan: PushPlan = { ...busybox, repository: PRIVATE_REPO, tags: ['latest'] };
  await h.authClient.push(privatePlan);
  await new RegistryClient(basic.url).push(privatePlan);
  tokenFront = await startCdnFront(`http://${h.authRegistry}`);
  basicFront = await startCdnFront(basic.url);
});

after(async () => {
  await tokenFront?.stop();
  await basicFront?.stop();
  await basic?.stop();
  await h?.stop();
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** A fresh Docker config dir per test: nothing leaks between tests or from the machine's ~/.docker. */
function dockerEnv(extra: Record<string, string> = {}): { dir: string; env: Record<string, string> } {
  const dir = tempDir('config');
  return { dir, env: { DOCKER_CONFIG: dir, ...extra } };
}

function cli(args: string[], env: Record<string, string>, options: CliOptions = {}): Promise<CliResult> {
  return h.runCli(args, { ...options, env: { ...env, ...options.env } });
}

function basicAddress(): string {
  return `127.0.0.1:${basic.port}`;
}

function readConfig(dir: string): { auths?: Record<string, { auth?: string }>; [key: string]: unknown } {
  return JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as { auths?: Record<string, { auth?: string }> };
}

const b64 = (text: string): string => Buffer.from(text).toString('base64');

test('login to a token-auth registry saves the credentials (0600) and a private pull then works', async () => {
  const { dir, env } = dockerEnv();
  const denied = await cli(['pull', `${h.authRegistry}/${PRIVATE_REPO}`], env);
  assert.equal(denied.code, 125, show(denied));
  assert.match(denied.stderr, ACCESS_DENIED);
  assert.match(denied.stderr, new RegExp(`To log in: mydocker login ${h.authRegistry}\\.$`, 'm'));
  assert.equal(denied.stderr.trim().split('\n').length, 2, `one error line after "Using default tag": ${denied.stderr}`);

  const login = await cli(['login', h.authRegistry, '-u', READER_USER, '-p', READER_PASSWORD], env);
  assert.equal(login.code, 0, show(login));
  assert.equal(login.stdout, 'Login Succeeded\n');
  assert.match(login.stderr, /WARNING! Using --password via the CLI is insecure/);
  assert.match(login.stderr, /stored unencrypted/);
  assert.equal(readConfig(dir).auths?.[h.authRegistry]?.auth, b64(`${READER_USER}:${READER_PASSWORD}`));
  assert.equal(statSync(path.join(dir, 'config.json')).mode & 0o777, 0o600);

  const tokensBefore = h.tokenRequests();
  const pulled = await cli(['pull', `${h.authRegistry}/${PRIVATE_REPO}`], env);
  assert.equal(pulled.code, 0, show(pulled));
  assert.ok(h.tokenRequests() > tokensBefore);
  const run = await cli(['run', `${h.authRegistry}/${PRIVATE_REPO}`, 'echo', 'private'], env);
  assert.equal(run.stdout, 'private\n', show(run));
});

test('login to a Basic-auth registry with --password-stdin; a private pull then works', async () => {
  const { dir, env } = dockerEnv();
  const ref = `${basicAddress()}/${PRIVATE_REPO}`;
  const denied = await cli(['pull', ref], env);
  assert.equal(denied.code, 125, show(denied));
  assert.match(denied.stderr, ACCESS_DENIED);

  const login = await cli(['login', '--username', READER_USER, '--password-stdin', basicAddress()], env, { input: `${READER_PASSWORD}\n` });
  assert.equal(login.code, 0, show(login));
  assert.equal(login.stdout, 'Login Succeeded\n');
  assert.doesNotMatch(login.stderr, /--password via the CLI/);
  assert.equal(readConfig(dir).auths?.[basicAddress()]?.auth, b64(`${READER_USER}:${READER_PASSWORD}`), 'the trailing newline of stdin is not part of the password');
  const pulled = await cli(['pull', ref], env);
  assert.equal(pulled.code, 0, show(pulled));
});

test('a wrong password is refused by either registry and nothing is written', async () => {
  for (const server of [h.authRegistry, basicAddress()]) {
    const { dir, env } = dockerEnv();
    const login = await cli(['login', server, '-u', READER_USER, '--password-stdin'], env, { input: 'wrong' });
    assert.equal(login.code, 125, show(login));
    assert.equal(login.stdout, '');
    assert.match(login.stderr, /^mydocker: unauthorized: incorrect username or password/m, show(login));
    assert.equal(existsSync(path.join(dir, 'config.json')), false, `config.json written after a refused login to ${server}`);
  }
});

test('login usage errors are Docker\'s', async () => {
  const { env } = dockerEnv();
  const noUser = await cli(['login', h.authRegistry, '--password-stdin'], env, { input: 'x' });
  assert.equal(noUser.code, 125);
  assert.match(noUser.stderr, /Must provide --username with --password-stdin/);
  const noTty = await cli(['login', h.authRegistry], env);
  assert.equal(noTty.code, 125);
  assert.match(noTty.stderr, /Cannot perform an interactive login from a non TTY device/);
});

test('an auths entry written by docker login (by hand here) is used, and unknown keys survive a login', async () => {
  const { dir, env } = dockerEnv();
  const handWritten = {
    auths: { [`http://${basicAddress()}`]: { auth: b64(`${READER_USER}:${READER_PASSWORD}`) }, 'other.example:5000': { auth: b64('a:b'), email: 'x@y' } },
    HttpHeaders: { 'User-Agent': 'Docker-Client/24' },
    proxies: { default: { noProxy: '*.local' } },
  };
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(handWritten));
  const pulled = await cli(['pull', `${basicAddress()}/${PRIVATE_REPO}`], env);
  assert.equal(pulled.code, 0, show(pulled));

  const login = await cli(['login', h.authRegistry, '-u', READER_USER, '--password-stdin'], env, { input: READER_PASSWORD });
  assert.equal(login.code, 0, show(login));
  const after = readConfig(dir);
  assert.deepEqual(after['HttpHeaders'], handWritten.HttpHeaders);
  assert.deepEqual(after['proxies'], handWritten.proxies);
  assert.deepEqual(after.auths?.['other.example:5000'], handWritten.auths['other.example:5000']);
  assert.ok(after.auths?.[h.authRegistry]?.auth);
});

test('stored credentials that the registry refuses: access denied, with a hint to log in again', async () => {
  for (const server of [h.authRegistry, basicAddress()]) {
    const { dir, env } = dockerEnv();
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths: { [server]: { auth: b64(`${READER_USER}:stale`) } } }));
    const pulled = await cli(['pull', `${server}/${PRIVATE_REPO}`], env);
    assert.equal(pulled.code, 125, show(pulled));
    assert.match(pulled.stderr, ACCESS_DENIED);
    assert.match(pulled.stderr, /stored credentials for 127\.0\.0\.1:\d+ were refused/);
  }
});

/** A docker-credential-test helper (sh) keeping one JSON file per server under $TEST_HELPER_DIR. */
function installHelper(): { env: Record<string, string>; store: string } {
  const bin = tempDir('bin');
  const store = tempDir('helper-store');
  const script = `#!/bin/sh
set -e
dir="$TEST_HELPER_DIR"
echo "$1" >> "$dir/calls"
key() { printf %s "$1" | tr -c 'A-Za-z0-9.' '_'; }
case "$1" in
  get) server=$(cat); f="$dir/$(key "$server")"
       if [ -f "$f" ]; then cat "$f"; else echo "credentials not found in native keychain"; exit 1; fi ;;
  store) cat > "$dir/last-store"
       server=$(sed -n 's/.*"ServerURL":"\\([^"]*\\)".*/\\1/p' "$dir/last-store")
       cp "$dir/last-store" "$dir/$(key "$server")" ;;
  erase) server=$(cat); rm -f "$dir/$(key "$server")" ;;
  *) exit 2 ;;
esac
`;
  writeFileSync(path.join(bin, 'docker-credential-test'), script);
  chmodSync(path.join(bin, 'docker-credential-test'), 0o755);
  return { env: { PATH: `${bin}:${process.env['PATH'] ?? ''}`, TEST_HELPER_DIR: store }, store };
}

function helperCalls(store: string): string[] {
  const file = path.join(store, 'calls');
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
}

test('credsStore: login stores through the helper (not in the file), pull gets from it, logout erases', async () => {
  const helper = installHelper();
  const { dir, env } = dockerEnv(helper.env);
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ credsStore: 'test' }));
  const login = await cli(['login', basicAddress(), '-u', READER_USER, '--password-stdin'], env, { input: READER_PASSWORD });
  assert.equal(login.code, 0, show(login));
  assert.doesNotMatch(login.stderr, /unencrypted/);
  assert.deepEqual(readConfig(dir).auths, { [basicAddress()]: {} }, 'no secret in config.json');
  const stored = JSON.parse(readFileSync(path.join(helper.store, 'last-store'), 'utf8')) as Record<string, string>;
  assert.deepEqual(stored, { ServerURL: basicAddress(), Username: READER_USER, Secret: READER_PASSWORD });

  const pulled = await cli(['pull', `${basicAddress()}/${PRIVATE_REPO}`], env);
  assert.equal(pulled.code, 0, show(pulled));
  assert.ok(helperCalls(helper.store).includes('get'));

  const logout = await cli(['logout', basicAddress()], env);
  assert.equal(logout.code, 0, show(logout));
  assert.equal(logout.stdout, `Removing login credentials for ${basicAddress()}\n`);
  assert.ok(helperCalls(helper.store).includes('erase'));
  const again = await cli(['pull', `${basicAddress()}/${PRIVATE_REPO}`], env);
  assert.equal(again.code, 125, show(again));
  assert.match(again.stderr, ACCESS_DENIED);
});

test('credHelpers: the helper named for one registry is used for it (secret stored by the helper beforehand)', async () => {
  const helper = installHelper();
  const { dir, env } = dockerEnv(helper.env);
  writeFileSync(path.join(helper.store, h.authRegistry.replace(/[^A-Za-z0-9.]/g, '_')),
    JSON.stringify({ ServerURL: h.authRegistry, Username: READER_USER, Secret: READER_PASSWORD }));
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ credHelpers: { [h.authRegistry]: 'test' }, credsStore: 'missing-helper' }));
  const pulled = await cli(['pull', `${h.authRegistry}/${PRIVATE_REPO}`], env);
  assert.equal(pulled.code, 0, show(pulled));
  assert.deepEqual(helperCalls(helper.store), ['get']);
});

test('a missing credential helper is one clear line', async () => {
  const { dir, env } = dockerEnv();
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ credsStore: 'absent' }));
  const pulled = await cli(['pull', `${h.authRegistry}/${PRIVATE_REPO}`], env);
  assert.equal(pulled.code, 125, show(pulled));
  assert.match(pulled.stderr, /^mydocker: credential helper docker-credential-absent not found on PATH/m);
});

test('logout removes file credentials; logging out again says not logged in', async () => {
  const { dir, env } = dockerEnv();
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths: { [h.authRegistry]: { auth: b64(`${READER_USER}:${READER_PASSWORD}`) } }, keep: 1 }));
  const logout = await cli(['logout', h.authRegistry], env);
  assert.equal(logout.code, 0, show(logout));
  assert.equal(logout.stdout, `Removing login credentials for ${h.authRegistry}\n`);
  assert.deepEqual(readConfig(dir), { auths: {}, keep: 1 });
  const again = await cli(['logout', h.authRegistry], env);
  assert.equal(again.stdout, `Not logged in to ${h.authRegistry}\n`);
  const pulled = await cli(['pull', `${h.authRegistry}/${PRIVATE_REPO}`], env);
  assert.equal(pulled.code, 125);
  assert.match(pulled.stderr, ACCESS_DENIED);
});

test('credentials never follow a blob redirect to another host (token and Basic registries)', async () => {
  for (const front of [tokenFront, basicFront]) {
    const { env } = dockerEnv();
    const login = await cli(['login', front.address, '-u', READER_USER, '--password-stdin'], env, { input: READER_PASSWORD });
    assert.equal(login.code, 0, show(login));
    const redirectsBefore = front.redirects();
    const pulled = await cli(['pull', `${front.address}/${PRIVATE_REPO}`], env);
    assert.equal(pulled.code, 0, show(pulled));
    assert.ok(front.redirects() > redirectsBefore, 'no blob was redirected');
    assert.ok(front.cdnRequests() > 0);
    assert.deepEqual(front.authorizationsAtCdn(), [], 'an Authorization header reached the CDN host');
  }
});

test('the token request carries the credentials only for the registry they belong to', async () => {
  const { dir, env } = dockerEnv();
  // Credentials for a different registry (the Basic one) must not be sent to the token realm of the auth registry.
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths: { [basicAddress()]: { auth: b64(`${HARNESS_USER}:${HARNESS_PASSWORD}`) } } }));
  const seen = h.tokenAuthorizations().length;
  const pulled = await cli(['pull', `${h.authRegistry}/${IMAGES.busybox}`], env);
  assert.equal(pulled.code, 0, show(pulled));
  const sent = h.tokenAuthorizations().slice(seen);
  assert.ok(sent.length > 0);
  assert.deepEqual(sent.filter((value) => value !== undefined), [], 'credentials of another registry went to the token realm');
  const denied = await cli(['pull', `${h.authRegistry}/${PRIVATE_REPO}`], env);
  assert.match(denied.stderr, ACCESS_DENIED);
  assert.doesNotMatch(denied.stderr, /stored credentials/);
});


test('an identitytoken in config.json is exchanged with the OAuth2 refresh grant (POST), not sent as a password', async () => {
  const { dir, env } = dockerEnv();
  const [identityToken] = Object.keys(IDENTITY_TOKENS);
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths: { [h.authRegistry]: { auth: b64(`${READER_USER}:`), identitytoken: identityToken } } }));
  const seen = h.tokenAuthorizations().length;
  const pulled = await cli(['pull', `${h.authRegistry}/${PRIVATE_REPO}`], env);
  assert.equal(pulled.code, 0, show(pulled));
  assert.deepEqual(h.tokenAuthorizations().slice(seen).filter((value) => value !== undefined), [], 'no Basic header with an identity token');
});

test('interactive login on a terminal: the username is echoed, the password is not', async () => {
  const { dir, env } = dockerEnv();
  // script(1) gives mydocker a pseudo-terminal as stdin/stdout/stderr; we type into it.
  const { spawn } = await import('node:child_process');
  const { MYDOCKER_BIN } = await import('../harness/index.js');
  const child = spawn('script', ['-qec', `${MYDOCKER_BIN} login ${h.authRegistry}`, '/dev/null'], {
    env: { ...process.env, ...env, NODE_EXTRA_CA_CERTS: '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (screen += chunk));
  const waitFor = async (text: string): Promise<void> => {
    for (let i = 0; i < 200 && !screen.includes(text); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(screen.includes(text), `no ${JSON.stringify(text)} on the terminal: ${JSON.stringify(screen)}`);
  };
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  await waitFor('Username: ');
  child.stdin.write(`${READER_USER}\r`);
  await waitFor('Password: ');
  child.stdin.write(`${READER_PASSWORD}\r`);
  await waitFor('Login Succeeded');
  child.stdin.end();
  assert.equal(await exited, 0, screen);
  const plain = screen.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
  assert.ok(plain.includes(`Username: ${READER_USER}`), `username not echoed: ${JSON.stringify(screen)}`);
  assert.ok(!screen.includes(READER_PASSWORD), `password echoed: ${JSON.stringify(screen)}`);
  assert.equal(readConfig(dir).auths?.[h.authRegistry]?.auth, b64(`${READER_USER}:${READER_PASSWORD}`));
});

test('login without a username reuses stored credentials that still work, as Docker does', async () => {
  const { dir, env } = dockerEnv();
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths: { [basicAddress()]: { auth: b64(`${READER_USER}:${READER_PASSWORD}`) } } }));
  const ok = await cli(['login', basicAddress()], env);
  assert.equal(ok.code, 0, show(ok));
  assert.equal(ok.stdout, 'Login Succeeded\n');
  assert.match(ok.stderr, /Authenticating with existing credentials/);
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths: { [basicAddress()]: { auth: b64(`${READER_USER}:stale`) } } }));
  const stale = await cli(['login', basicAddress()], env);
  assert.equal(stale.code, 125, show(stale));
  assert.match(stale.stderr, /Cannot perform an interactive login from a non TTY device/);
});

test('credentials are looked up only when a registry asks: an open registry never reads a broken config.json', async () => {
  const { dir, env } = dockerEnv();
  writeFileSync(path.join(dir, 'config.json'), '{ not json');
  const open = await cli(['pull', `${h.openRegistry}/${IMAGES.busybox}`], env);
  assert.equal(open.code, 0, show(open));
  const challenged = await cli(['pull', `${h.authRegistry}/${IMAGES.busybox}`], env);
  assert.equal(challenged.code, 125, show(challenged));
  assert.match(challenged.stderr, /^mydocker: .*config\.json is not a JSON object\. Fix or remove the file\.$/m);
});

test('a login that the token service answers with a refresh token saves it as identitytoken, not the password', async () => {
  const { dir, env } = dockerEnv();
  const login = await cli(['login', h.authRegistry, '-u', OAUTH_USER, '--password-stdin'], env, { input: OAUTH_PASSWORD });
  assert.equal(login.code, 0, show(login));
  const entry = readConfig(dir).auths?.[h.authRegistry] as { auth?: string; identitytoken?: string } | undefined;
  assert.equal(entry?.auth, b64(`${OAUTH_USER}:`), 'the password is not saved');
  assert.match(entry?.identitytoken ?? '', /^rt-/);
  assert.ok(!readFileSync(path.join(dir, 'config.json'), 'utf8').includes(OAUTH_PASSWORD));
  const seen = h.tokenAuthorizations().length;
  const pulled = await cli(['pull', `${h.authRegistry}/${PRIVATE_REPO}`], env);
  assert.equal(pulled.code, 0, show(pulled));
  assert.deepEqual(h.tokenAuthorizations().slice(seen).filter((value) => value !== undefined), [], 'the pull used the identity token');
});
