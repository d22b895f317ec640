import { isIP } from 'node:net';
import { DOCKER_HUB_DOMAIN } from '../reference/index.js';

/** One place to try for a registry: its base URL (scheme, host, port) and whether it is a mirror. */
export interface Endpoint {
  baseUrl: string;
  mirror: boolean;
}

/** Docker Hub's registry API host; docker.io itself serves no registry API. */
export const DOCKER_HUB_REGISTRY = 'https://registry-1.docker.io';

function hostOf(domain: string): string {
  if (domain.startsWith('[')) return domain.slice(1, domain.indexOf(']'));
  const colon = domain.lastIndexOf(':');
  return colon === -1 ? domain : domain.slice(0, colon);
}

/** Loopback registries (localhost, 127.0.0.0/8, ::1) are reached over plain HTTP, as Docker does. */
export function isLoopback(domain: string): boolean {
  const host = hostOf(domain).toLowerCase();
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/**
 * The endpoints to try, in order, for a registry domain: the mirrors and then Docker Hub for
 * docker.io; otherwise the registry itself over HTTPS, or HTTP when loopback or listed insecure.
 */
export function endpointsFor(domain: string, insecureRegistries: readonly string[], registryMirrors: readonly string[]): Endpoint[] {
  if (domain === DOCKER_HUB_DOMAIN) {
    const mirrors = registryMirrors.map((m) => ({ baseUrl: m.replace(/\/+$/, ''), mirror: true }));
    return [...mirrors, { baseUrl: DOCKER_HUB_REGISTRY, mirror: false }];
  }
  const insecure = isLoopback(domain) || insecureRegistries.some((r) => r.toLowerCase() === domain.toLowerCase());
  return [{ baseUrl: `${insecure ? 'http' : 'https'}://${domain}`, mirror: false }];
}
