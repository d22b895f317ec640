import { MyDockerError } from '../errors.js';

/** A bearer token and when to stop using it. */
export interface Token {
  value: string;
  /** Epoch milliseconds after which the token is refreshed before use. */
  expiresAt: number;
  /** An OAuth2 refresh token, when one was asked for (offline) and given: Docker's identity token. */
  refreshToken?: string;
}

/**
 * Sends a token request and returns status and body text; supplied by the registry transport.
 * A GET, with `authorization` when credentials go along; a form POST when `form` is given.
 */
export type TokenFetch = (url: URL, init?: TokenRequestInit) => Promise<{ status: number; body: string }>;

export interface TokenRequestInit {
  authorization?: string;
  /** application/x-www-form-urlencoded body of an OAuth2 POST (refresh_token grant). */
  form?: URLSearchParams;
}

/** What the token request proves: nothing (anonymous), a password, or an identity token. */
export type TokenCredentials =
  /** `offline`: also ask for a refresh token (offline_token=true), as `docker login` does. */
  | { kind: 'basic'; username: string; password: string; offline?: boolean }
  | { kind: 'identity-token'; token: string };

// Sent as client_id on OAuth2 requests, as Docker sends "docker".
const CLIENT_ID = 'mydocker';

// The spec's default lifetime when expires_in is absent; we refresh 10 s early to avoid racing expiry.
const DEFAULT_LIFETIME_S = 60;
const EARLY_REFRESH_MS = 10_000;
// A token endpoint has no reason to send more; caps memory against a hostile realm.
export const MAX_TOKEN_BODY = 1 << 20;

/** The Basic header value for a username and password (RFC 7617, UTF-8). */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/**
 * Requests a token from a Bearer realm (Docker token spec): GET realm?service=…&scope=…, with HTTP
 * Basic credentials when given (as Docker does); an identity token is exchanged with the OAuth2
 * refresh_token grant (POST). Registries name the token `token` or `access_token`; either is accepted.
 */
export async function fetchToken(
  fetch: TokenFetch,
  realm: string,
  service: string | undefined,
  scopes: string[],
  now = Date.now(),
  credentials?: TokenCredentials,
): Promise<Token> {
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    throw new MyDockerError('network', 'ERR_BAD_REALM', `the registry named an invalid token realm "${realm}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new MyDockerError('network', 'ERR_BAD_REALM', `the registry named a token realm that is not http(s): "${realm}"`);
  }
  let answer: { status: number; body: string };
  if (credentials?.kind === 'identity-token') {
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: credentials.token, client_id: CLIENT_ID });
    if (service) form.set('service', service);
    if (scopes.length > 0) form.set('scope', scopes.join(' '));
    answer = await fetch(url, { form });
  } else {
    if (service) url.searchParams.set('service', service);
    for (const scope of scopes) url.searchParams.append('scope', scope);
    if (credentials?.offline) {
      url.searchParams.set('offline_token', 'true');
      url.searchParams.set('client_id', CLIENT_ID);
    }
    answer = await fetch(url, credentials ? { authorization: basicAuthorization(credentials.username, credentials.password) } : {});
  }
  const { status, body } = answer;
  if (credentials !== undefined && status === 401) {
    throw new MyDockerError('unauthorized', 'ERR_CREDENTIALS_REFUSED', 'unauthorized: incorrect username or password', {
      hint: `The token service at ${url.host} refused the credentials.`,
    });
  }
  if (status === 401 || status === 403) {
    throw new MyDockerError('denied', 'ERR_TOKEN_DENIED', `the token service at ${url.host} refused access (HTTP ${status})`);
  }
  if (status !== 200) {
    throw new MyDockerError('network', 'ERR_TOKEN_REQUEST', `the token service at ${url.host} answered HTTP ${status}`);
  }
  let doc: { token?: unknown; access_token?: unknown; expires_in?: unknown; refresh_token?: unknown };
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
  const refreshToken = typeof doc.refresh_token === 'string' && doc.refresh_token !== '' ? doc.refresh_token : undefined;
  return { value, expiresAt: now + Math.max(lifetime * 1000 - EARLY_REFRESH_MS, lifetime * 500), ...(refreshToken && { refreshToken }) };
}
