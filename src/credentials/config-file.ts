import { chmodSync, chownSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MyDockerError } from '../errors.js';
import { tempSibling } from '../util/index.js';

/** One `auths` entry of config.json; other fields Docker or a tool wrote are kept as they are. */
export interface AuthEntry {
  /** base64 of "username:password". */
  auth?: string;
  identitytoken?: string;
  [key: string]: unknown;
}

/**
 * Docker's client config file, with just the fields mydocker reads typed. `raw` is the whole
 * document, so that a rewrite keeps every key mydocker does not know (proxies, aliases, ...).
 */
export interface DockerConfig {
  path: string;
  /** Owner to give a rewritten file (the sudo invoker's, in their home); undefined: ours. */
  owner?: { uid: number; gid: number } | undefined;
  raw: Record<string, unknown>;
  auths: Record<string, AuthEntry>;
  credsStore: string | undefined;
  credHelpers: Record<string, string>;
}

/** The home directory of `user` from the passwd file, or undefined. */
export function homeOf(user: string, passwdFile = '/etc/passwd'): string | undefined {
  let text: string;
  try {
    text = readFileSync(passwdFile, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields[0] === user && fields.length >= 7 && fields[5]) return fields[5];
  }
  return undefined;
}

/**
 * The user who invoked mydocker through sudo (SUDO_USER, SUDO_UID, SUDO_GID), when we are root
 * because of it. mydocker needs root, so `sudo mydocker pull` is the usual way in; the user's own
 * `docker login` (in their home) must still count.
 */
export function sudoInvoker(env: NodeJS.ProcessEnv = process.env, uid = process.getuid?.()): { user: string; uid: number; gid: number } | undefined {
  const user = env['SUDO_USER'];
  const sudoUid = Number(env['SUDO_UID']);
  const sudoGid = Number(env['SUDO_GID']);
  if (uid !== 0 || !user || user === 'root' || !Number.isInteger(sudoUid) || !Number.isInteger(sudoGid) || sudoUid === 0) return undefined;
  return { user, uid: sudoUid, gid: sudoGid };
}

/**
 * The config dir: $DOCKER_CONFIG; else ~/.docker of the invoking user — under sudo the home of
 * SUDO_USER, otherwise $HOME (as Docker), else the home of our own uid.
 */
export function dockerConfigDir(env: NodeJS.ProcessEnv = process.env, uid = process.getuid?.(), passwdFile = '/etc/passwd'): string {
  const fromEnv = env['DOCKER_CONFIG'];
  if (fromEnv) return fromEnv;
  const invoker = sudoInvoker(env, uid);
  const sudoHome = invoker && homeOf(invoker.user, passwdFile);
  if (sudoHome) return path.join(sudoHome, '.docker');
  return path.join(env['HOME'] || os.homedir(), '.docker');
}

export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(dockerConfigDir(env), 'config.json');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringMap(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** Reads config.json; a missing file is an empty config. A broken one is an error naming the file. */
export function readDockerConfig(file: string = dockerConfigPath()): DockerConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { path: file, raw: {}, auths: {}, credsStore: undefined, credHelpers: {} };
    throw new MyDockerError('usage', 'ERR_DOCKER_CONFIG', `cannot read ${file}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    raw = undefined;
  }
  if (!isObject(raw)) {
    throw new MyDockerError('usage', 'ERR_DOCKER_CONFIG', `${file} is not a JSON object`, { hint: 'Fix or remove the file.' });
  }
  const auths: Record<string, AuthEntry> = {};
  if (isObject(raw['auths'])) {
    for (const [key, entry] of Object.entries(raw['auths'])) if (isObject(entry)) auths[key] = entry as AuthEntry;
  }
  const credsStore = typeof raw['credsStore'] === 'string' && raw['credsStore'] !== '' ? raw['credsStore'] : undefined;
  return { path: file, raw, auths, credsStore, credHelpers: stringMap(raw['credHelpers']) };
}

/**
 * The config of the invoking user (see dockerConfigDir); when that is a sudo user's home, rewrites
 * keep the file theirs.
 */
export function openDockerConfig(env: NodeJS.ProcessEnv = process.env): DockerConfig {
  const config = readDockerConfig(dockerConfigPath(env));
  const invoker = env['DOCKER_CONFIG'] ? undefined : sudoInvoker(env);
  const home = invoker && homeOf(invoker.user);
  if (invoker && home && config.path === path.join(home, '.docker', 'config.json')) config.owner = { uid: invoker.uid, gid: invoker.gid };
  return config;
}

/**
 * Writes config.json with `auths` replaced and every other key kept. Atomic (temp + rename) and
 * mode 0600 from the first byte: the file holds passwords.
 */
export function writeDockerConfig(config: DockerConfig): void {
  const doc = { ...config.raw, auths: config.auths };
  const dir = path.dirname(config.path);
  const created = mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = tempSibling(config.path);
  try {
    // A ~/.docker made by a root process for a sudo user must stay theirs, or their docker breaks.
    if (created !== undefined && config.owner) chownSync(dir, config.owner.uid, config.owner.gid);
    writeFileSync(temp, `${JSON.stringify(doc, null, '\t')}\n`, { mode: 0o600 });
    chmodSync(temp, 0o600); // the umask cannot widen it, but an existing temp name could have another mode
    if (config.owner) chownSync(temp, config.owner.uid, config.owner.gid);
    renameSync(temp, config.path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new MyDockerError('resource', 'ERR_DOCKER_CONFIG', `cannot write ${config.path}: ${(error as Error).message}`, { cause: error });
  }
}

/** "user:pass" as base64, the `auth` field's encoding. */
export function encodeAuth(username: string, password: string): string {
  return Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
}

/** Splits an `auth` field into username and password; undefined when it is not "user:pass". */
export function decodeAuth(auth: string): { username: string; password: string } | undefined {
  const text = Buffer.from(auth, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}
