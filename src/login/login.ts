import type { Settings } from '../config/index.js';
import { credentialKey, DOCKER_HUB_KEY, dockerKeychain, eraseCredentials, fixedKeychain, loadCredentials, hostnameOf, isDockerHub, saveCredentials, type AuthConfig, type SavedTo } from '../credentials/index.js';
import { MyDockerError } from '../errors.js';
import { DOCKER_HUB_REGISTRY, endpointsFor, RegistryClient, type Endpoint } from '../registry/index.js';

export interface LoginOptions {
  /** host[:port], a URL, or a Docker Hub name; Docker Hub when omitted. */
  server?: string | undefined;
  username: string;
  password: string;
  settings: Settings;
  signal?: AbortSignal | undefined;
  env?: NodeJS.ProcessEnv;
}

export interface LoginResult {
  /** The key the credentials were saved under (https://index.docker.io/v1/ or host[:port]). */
  serverKey: string;
  savedTo: SavedTo;
}

/** The registry API endpoint a login checks: Docker Hub's API host, else the host itself. */
function loginEndpoint(server: string, settings: Settings): Endpoint {
  if (isDockerHub(server)) return { baseUrl: DOCKER_HUB_REGISTRY, mirror: false };
  return endpointsFor(hostnameOf(server), settings.insecureRegistries, [])[0]!;
}

/** The key for a server argument (a URL, host[:port] or a Hub name), Docker Hub by default. */
export function loginServerKey(server: string | undefined): string {
  return server === undefined || server === '' ? DOCKER_HUB_KEY : credentialKey(server);
}

/**
 * Logs in as `docker login` does: checks the credentials against the registry first (GET /v2/,
 * then the token request with them, or Basic), and saves them only when the registry accepted
 * them — in the credential helper configured for that registry, else in config.json.
 */
export async function login(options: LoginOptions): Promise<LoginResult> {
  const serverKey = loginServerKey(options.server);
  if (options.username === '') throw new MyDockerError('usage', 'ERR_USAGE', 'a username is required to log in');
  if (options.password === '') throw new MyDockerError('usage', 'ERR_USAGE', 'a password is required to log in');
  const auth: AuthConfig = { serverAddress: serverKey, username: options.username, password: options.password };
  const endpoint = loginEndpoint(serverKey, options.settings);
  const client = new RegistryClient(endpoint, '', { signal: options.signal, keychain: fixedKeychain(serverKey, auth) });
  const { identityToken } = await client.checkLogin();
  // As Docker: a registry that hands out an identity token gets it saved instead of the password.
  const saved: AuthConfig = identityToken === undefined ? auth : { ...auth, password: '', identityToken };
  const savedTo = await saveCredentials(saved, options.env);
  return { serverKey, savedTo };
}

/** Forgets the credentials for a server (Docker Hub by default). False when none were stored. */
export async function logout(server: string | undefined, env?: NodeJS.ProcessEnv): Promise<{ serverKey: string; removed: boolean }> {
  const serverKey = loginServerKey(server);
  return { serverKey, removed: await eraseCredentials(serverKey, env) };
}

/**
 * `docker login SERVER` without a username: when credentials are already stored for SERVER and
 * the registry still accepts them, that is a successful login. False when none are stored or the
 * registry refuses them (the caller then asks for new ones).
 */
export async function loginWithStored(server: string | undefined, settings: Settings, signal?: AbortSignal, env?: NodeJS.ProcessEnv): Promise<boolean> {
  const serverKey = loginServerKey(server);
  if ((await loadCredentials(serverKey, env)) === undefined) return false;
  const client = new RegistryClient(loginEndpoint(serverKey, settings), '', { signal, keychain: dockerKeychain(env) });
  try {
    await client.checkLogin();
    return true;
  } catch (error) {
    if ((error as MyDockerError).code === 'ERR_CREDENTIALS_REFUSED') return false;
    throw error;
  }
}
