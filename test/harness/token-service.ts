/**
 * A Docker token-spec server (https://distribution.github.io/distribution/spec/auth/token/):
 * GET /token?service=S&scope=repository:NAME:pull,push. Anonymous callers get pull on any public
 * repository; repositories under `private/` give nothing to anonymous callers; push and private pulls
 * need HTTP Basic credentials of a user in the `users` map. Counts the requests it served.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { signToken, type AccessEntry } from './jwt.js';
import type { SigningIdentity } from './pki.js';

export const HARNESS_USER = 'harness';
export const HARNESS_PASSWORD = 'harness-secret';
/** A second user, for login tests (the push user stays untouched by them). */
export const READER_USER = 'reader';
export const READER_PASSWORD = 'reader-pass:with colon';
/** Repositories under this prefix are private: anonymous token requests get no pull on them. */
export const PRIVATE_PREFIX = 'private/';

/** A user whose logins (offline_token=true) get a refresh token, as ACR or Harbor users do. */
export const OAUTH_USER = 'oauth-user';
export const OAUTH_PASSWORD = 'oauth-pass';
/** Identity tokens (OAuth2 refresh tokens, config.json `identitytoken`) the service accepts, and their user. */
export const IDENTITY_TOKENS: Readonly<Record<string, string>> = { 'reader-identity-token': READER_USER };

export const HARNESS_USERS: Readonly<Record<string, string>> = { [HARNESS_USER]: HARNESS_PASSWORD, [READER_USER]: READER_PASSWORD, [OAUTH_USER]: OAUTH_PASSWORD };

export interface TokenServiceOptions {
  identity: SigningIdentity;
  issuer: string;
  service: string;
  lifetimeSeconds?: number;
  /** username → password; default HARNESS_USERS. */
  users?: Readonly<Record<string, string>>;
}

export interface TokenService {
  /** http://127.0.0.1:PORT (the direct address; the registry's realm points at the counting proxy). */
  url: string;
  port: number;
  /** Number of token requests answered (any status). */
  requests(): number;
  /** Scopes seen, in order, for tests that want to check what a client asked for. */
  scopes(): string[];
  /** Authorization headers seen on token requests, in order (undefined when none was sent). */
  authorizations(): Array<string | undefined>;
  setLifetimeSeconds(seconds: number): void;
  stop(): Promise<void>;
}

/** "repository:NAME:pull,push" → entry; NAME may itself hold no ':' but the split is done from both ends. */
function parseScope(scope: string): AccessEntry | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first <= 0 || last <= first) return undefined;
  return {
    type: scope.slice(0, first),
    name: scope.slice(first + 1, last),
    actions: scope.slice(last + 1).split(',').filter((action) => action !== ''),
  };
}

/** undefined: anonymous; null: credentials given but wrong; string: the user. */
function authenticate(header: string | undefined, users: Readonly<Record<string, string>>): string | undefined | null {
  if (header === undefined) return undefined;
  const match = /^Basic\s+(.+)$/i.exec(header);
  if (match?.[1] === undefined) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  return colon > 0 && Object.hasOwn(users, user) && users[user] === password ? user : null;
}

export async function startTokenService(options: TokenServiceOptions): Promise<TokenService> {
  let lifetime = options.lifetimeSeconds ?? 300;
  let count = 0;
  const seenScopes: string[] = [];
  const seenAuthorizations: Array<string | undefined> = [];
  const users = options.users ?? HARNESS_USERS;
  const issuedRefreshTokens = new Map<string, string>();

  const handle = (request: http.IncomingMessage, response: http.ServerResponse, form: URLSearchParams | undefined): void => {
    count += 1;
    const url = new URL(request.url ?? '/', 'http://token.invalid');
    seenAuthorizations.push(request.headers.authorization);
    // OAuth2 refresh_token grant (POST): the identity token names the user; params come from the form.
    let user: string | undefined | null;
    if (form !== undefined) {
      const refresh = form.get('refresh_token') ?? '';
      const owner = Object.hasOwn(IDENTITY_TOKENS, refresh) ? IDENTITY_TOKENS[refresh] : issuedRefreshTokens.get(refresh);
      user = form.get('grant_type') === 'refresh_token' && owner !== undefined ? owner : null;
      for (const [key, value] of form) if (key === 'service' || key === 'scope') url.searchParams.append(key, value);
    } else {
      user = authenticate(request.headers.authorization, users);
    }
    if (url.pathname !== '/token' || user === null) {
      response.writeHead(user === null ? 401 : 404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ errors: [{ code: user === null ? 'UNAUTHORIZED' : 'NOT_FOUND', message: 'no' }] }));
      return;
    }
    const service = url.searchParams.get('service') ?? options.service;
    const access: AccessEntry[] = [];
    for (const scope of url.searchParams.getAll('scope').flatMap((value) => value.split(' '))) {
      seenScopes.push(scope);
      const entry = parseScope(scope);
      if (entry === undefined || entry.type !== 'repository') continue;
      const anonymous = user === undefined;
      const allowed = !anonymous ? entry.actions : entry.name.startsWith(PRIVATE_PREFIX) ? [] : entry.actions.filter((action) => action === 'pull');
      if (allowed.length > 0) access.push({ ...entry, actions: allowed });
    }
    const issuedAt = new Date();
    const token = signToken(options.identity, {
      issuer: options.issuer,
      subject: user ?? '',
      audience: service,
      lifetimeSeconds: lifetime,
      access,
    }, issuedAt.getTime());
    let refreshToken: string | undefined;
    if (form === undefined && user === OAUTH_USER && url.searchParams.get('offline_token') === 'true') {
      refreshToken = `rt-${randomBytes(12).toString('hex')}`;
      issuedRefreshTokens.set(refreshToken, user);
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({
      ...(refreshToken && { refresh_token: refreshToken }),
      token,
      access_token: token,
      expires_in: lifetime,
      issued_at: issuedAt.toISOString(),
    }));
  };
  const server = http.createServer((request, response) => {
    if (request.method !== 'POST') return handle(request, response, undefined);
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    request.on('end', () => handle(request, response, new URLSearchParams(body)));
  });
  server.keepAliveTimeout = 1000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests: () => count,
    scopes: () => [...seenScopes],
    authorizations: () => [...seenAuthorizations],
    setLifetimeSeconds: (seconds) => {
      lifetime = seconds;
    },
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
