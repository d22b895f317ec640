/** Docker Hub's key in config.json `auths` and for credential helpers, as Docker writes it. */
export const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';

// Every name Docker Hub goes by: the reference domain, the v1 index, the v2 API host.
const HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/**
 * The host[:port] a config key or a login argument names: "https://reg:5000/v1/" → "reg:5000".
 * Docker's ConvertToHostname: drop the scheme, keep up to the first slash.
 */
export function hostnameOf(server: string): string {
  const withoutScheme = server.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  return withoutScheme.split('/')[0]!.toLowerCase();
}

/** True when a host (or key) means Docker Hub. */
export function isDockerHub(server: string): boolean {
  return HUB_HOSTS.has(hostnameOf(server));
}

/**
 * The key credentials for `server` live under: Docker Hub's historical URL for any Hub name,
 * otherwise the bare host[:port] (what `docker login` writes).
 */
export function credentialKey(server: string): string {
  return isDockerHub(server) ? DOCKER_HUB_KEY : hostnameOf(server);
}
