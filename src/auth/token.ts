import { MyDockerError } from '../errors.js';

/** A bearer token and when to stop using it. */
export interface Token {
  value: string;
  /** Epoch milliseconds after which the token is refreshed before use. */
  expiresAt: number;
}

/** Sends a GET and returns status and body text; supplied by the registry transport. */
export type TokenFetch = (url: URL) => Promise<{ status: number; body: string }>;

// The spec's default lifetime when expires_in is absent; we refresh 10 s early to avoid racing expiry.
const DEFAULT_LIFETIME_S = 60;
const EARLY_REFRESH_MS = 10_000;
// A token endpoint has no reason to send more; caps memory against a hostile realm.
export const MAX_TOKEN_BODY = 1 << 20;

/**
 * Requests an anonymous token from a Bearer realm (Docker token spec): GET realm?service=…&scope=….
 * Registries name the token `token` or `access_token`; either is accepted.
 */
export async function fetchToken(fetch: TokenFetch, realm: string, service: string | undefined, scopes: string[], now = Date.now()): Promise<Token> {
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    throw new MyDockerError('network', 'ERR_BAD_REALM', `the registry named an invalid token realm "${realm}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new MyDockerError('network', 'ERR_BAD_REALM', `the registry named a token realm that is not http(s): "${realm}"`);
  }
  if (service) url.searchParams.set('service', service);
  for (const scope of scopes) url.searchParams.append('scope', scope);
  const { status, body } = await fetch(url);
  if (status === 401 || status === 403) {
    throw new MyDockerError('denied', 'ERR_TOKEN_DENIED', `the token service at ${url.host} refused access (HTTP ${status})`);
  }
  if (status !== 200) {
    throw new MyDockerError('network', 'ERR_TOKEN_REQUEST', `the token service at ${url.host} answered HTTP ${status}`);
  }
  let doc: { token?: unknown; access_token?: unknown; expires_in?: unknown };
  try {
    doc = JSON.parse(body) as typeof doc;
  } catch {
    throw new MyDockerError('network', 'ERR_TOKEN_REQUEST', `the token service at ${url.host} answered with something that is not JSON`);
  }
  const value = typeof doc.token === 'string' && doc.token ? doc.token : doc.access_token;
  if (typeof value !== 'string' || value.length === 0) {
    throw new MyDockerError('network', 'ERR_TOKEN_REQUEST', `the token service at ${url.host} sent no token`);
  }
  const lifetime = typeof doc.expires_in === 'number' && doc.expires_in > 0 ? doc.expires_in : DEFAULT_LIFETIME_S;
  return { value, expiresAt: now + Math.max(lifetime * 1000 - EARLY_REFRESH_MS, lifetime * 500) };
}
