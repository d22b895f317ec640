import { decodeAuth, encodeAuth, openDockerConfig, writeDockerConfig, type DockerConfig } from './config-file.js';
import { helperErase, helperGet, helperStore } from './helper.js';
import { credentialKey, hostnameOf, isDockerHub } from './server-key.js';
import type { AuthConfig, Keychain } from './types.js';

// The username helpers and `docker login` use to say "the secret is an identity token".
const TOKEN_USERNAME = '<token>';

/** Keys of `auths` that name the same registry as `key` (Docker Hub's aliases, https:// prefixes). */
function matchingKeys(config: DockerConfig, key: string): string[] {
  const host = hostnameOf(key);
  const hub = isDockerHub(key);
  const others = Object.keys(config.auths).filter((k) => k !== key && (hub ? isDockerHub(k) : hostnameOf(k) === host));
  return [...(key in config.auths ? [key] : []), ...others];
}

/** The helper responsible for a key: its credHelpers entry (also under an alias), else credsStore. */
function helperFor(config: DockerConfig, key: string): string | undefined {
  const direct = config.credHelpers[key];
  if (direct) return direct;
  const host = hostnameOf(key);
  const alias = Object.entries(config.credHelpers).find(([k]) => (isDockerHub(key) ? isDockerHub(k) : hostnameOf(k) === host));
  return alias?.[1] || config.credsStore;
}

/** Where credentials were saved, so the CLI can warn about plain-text storage as Docker does. */
export type SavedTo = { kind: 'file'; path: string } | { kind: 'helper'; helper: string };

/**
 * The credentials stored for a registry (host[:port], a Docker Hub name, or a config key): from
 * its credential helper when one is configured, otherwise from `auths` in config.json.
 */
export async function loadCredentials(server: string, env: NodeJS.ProcessEnv = process.env): Promise<AuthConfig | undefined> {
  const config = openDockerConfig(env);
  const key = credentialKey(server);
  const helper = helperFor(config, key);
  if (helper !== undefined) {
    const found = await helperGet(helper, key, env);
    if (found === undefined) return undefined;
    if (found.Username === TOKEN_USERNAME) return { serverAddress: key, username: '', password: '', identityToken: found.Secret };
    return { serverAddress: key, username: found.Username, password: found.Secret };
  }
  for (const k of matchingKeys(config, key)) {
    const entry = config.auths[k]!;
    const decoded = typeof entry.auth === 'string' && entry.auth !== '' ? decodeAuth(entry.auth) : undefined;
    const identityToken = typeof entry.identitytoken === 'string' && entry.identitytoken !== '' ? entry.identitytoken : undefined;
    if (decoded === undefined && identityToken === undefined) continue;
    return { serverAddress: key, username: decoded?.username ?? '', password: decoded?.password ?? '', ...(identityToken && { identityToken }) };
  }
  return undefined;
}

/** Saves credentials under the registry's key: with its helper, else base64 in `auths` (mode 0600). */
export async function saveCredentials(auth: AuthConfig, env: NodeJS.ProcessEnv = process.env): Promise<SavedTo> {
  const config = openDockerConfig(env);
  const key = credentialKey(auth.serverAddress);
  const helper = helperFor(config, key);
  if (helper !== undefined) {
    const secret = auth.identityToken ?? auth.password;
    await helperStore(helper, { ServerURL: key, Username: auth.identityToken ? TOKEN_USERNAME : auth.username, Secret: secret }, env);
    // Docker leaves an empty entry so that the file still lists every registry logged in to.
    config.auths[key] = {};
    writeDockerConfig(config);
    return { kind: 'helper', helper };
  }
  config.auths[key] = { auth: encodeAuth(auth.username, auth.password), ...(auth.identityToken && { identitytoken: auth.identityToken }) };
  writeDockerConfig(config);
  return { kind: 'file', path: config.path };
}

/** Forgets a registry's credentials (helper and file, every alias). False when there were none. */
export async function eraseCredentials(server: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const config = openDockerConfig(env);
  const key = credentialKey(server);
  const helper = helperFor(config, key);
  let found = false;
  if (helper !== undefined) {
    found = (await helperGet(helper, key, env)) !== undefined;
    if (found) await helperErase(helper, key, env);
  }
  const keys = matchingKeys(config, key);
  if (keys.length > 0) {
    for (const k of keys) delete config.auths[k];
    writeDockerConfig(config);
    found = true;
  }
  return found;
}

/** The keychain of the Docker CLI's config: what `docker login` saved works for mydocker too. */
export function dockerKeychain(env: NodeJS.ProcessEnv = process.env): Keychain {
  return { resolve: (host) => loadCredentials(host, env) };
}

/** A keychain holding exactly one login, for one host (used to verify credentials before saving). */
export function fixedKeychain(host: string, auth: AuthConfig): Keychain {
  const key = credentialKey(host);
  return { resolve: async (asked) => (credentialKey(asked) === key ? auth : undefined) };
}
