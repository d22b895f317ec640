import { readFileSync } from 'node:fs';
import { MyDockerError } from '../errors.js';

/** Where mydocker keeps its store, and how it reaches registries. */
export interface Settings {
  /** MYDOCKER_ROOT, default /var/lib/mydocker. */
  root: string;
  /** host[:port] of registries reached over plain HTTP besides loopback ones. */
  insecureRegistries: string[];
  /** Base URLs of pull-through mirrors for docker.io, tried in order before Docker Hub. */
  registryMirrors: string[];
  /** Layers fetched and unpacked at once (daemon.json's max-concurrent-downloads); default 3. */
  maxConcurrentDownloads?: number;
}

export const DEFAULT_ROOT = '/var/lib/mydocker';
export const DEFAULT_CONFIG_FILE = '/etc/mydocker/config.json';

function splitList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

function stringList(doc: Record<string, unknown>, key: string, file: string): string[] | undefined {
  const value = doc[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new MyDockerError('usage', 'ERR_CONFIG_FILE', `${file}: "${key}" must be a list of strings`);
  }
  return value;
}

export const DEFAULT_MAX_CONCURRENT_DOWNLOADS = 3;

function positiveInteger(doc: Record<string, unknown>, key: string, file: string): number | undefined {
  const value = doc[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new MyDockerError('usage', 'ERR_CONFIG_FILE', `${file}: "${key}" must be a positive integer`);
  }
  return value;
}

/** Reads /etc/mydocker/config.json (Docker daemon.json keys); a missing file means defaults. */
function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new MyDockerError('usage', 'ERR_CONFIG_FILE', `cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    const doc: unknown = JSON.parse(text);
    if (typeof doc === 'object' && doc !== null && !Array.isArray(doc)) return doc as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw new MyDockerError('usage', 'ERR_CONFIG_FILE', `${file} is not a JSON object`, { hint: 'Fix or remove the file.' });
}

/**
 * Settings from the environment and the config file; the environment wins.
 * MYDOCKER_CONFIG_FILE moves the config file (tests use it).
 */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const file = env['MYDOCKER_CONFIG_FILE'] || DEFAULT_CONFIG_FILE;
  const doc = readConfigFile(file);
  const insecure = env['MYDOCKER_INSECURE_REGISTRIES'];
  const mirrors = env['MYDOCKER_REGISTRY_MIRROR'];
  return {
    root: env['MYDOCKER_ROOT'] || DEFAULT_ROOT,
    insecureRegistries: insecure !== undefined ? splitList(insecure) : stringList(doc, 'insecure-registries', file) ?? [],
    registryMirrors: mirrors !== undefined ? splitList(mirrors) : stringList(doc, 'registry-mirrors', file) ?? [],
    maxConcurrentDownloads: positiveInteger(doc, 'max-concurrent-downloads', file) ?? DEFAULT_MAX_CONCURRENT_DOWNLOADS,
  };
}
