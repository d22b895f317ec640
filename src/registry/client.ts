import type { Readable } from 'node:stream';
import { Authorizer, MAX_TOKEN_BODY, type TokenRequestInit } from '../auth/index.js';
import { dockerKeychain, isDockerHub, type Keychain } from '../credentials/index.js';
import { MyDockerError } from '../errors.js';
import { ACCEPTED_MANIFEST_TYPES, sha256Digest } from '../oci/index.js';
import type { Endpoint } from './endpoints.js';
import { parseErrorBody, RegistryError, type RegistryErrorDetail } from './errors.js';
import { headerValue, readBody, send, type HttpResponse } from './http.js';

/** One registry request, reported for --trace views and tests; never printed by the library. */
export interface RequestEvent {
  type: 'registry-request';
  method: string;
  url: string;
  status: number;
  ms: number;
}

export interface ClientOptions {
  signal?: AbortSignal | undefined;
  onEvent?: ((event: RequestEvent) => void) | undefined;
  userAgent?: string;
  /** Where credentials come from when the registry asks for them; default: Docker's config.json. */
  keychain?: Keychain | undefined;
}

export interface FetchedManifest {
  bytes: Buffer;
  contentType: string;
  /** sha256 of the bytes as received, computed here (never taken from the registry's headers). */
  digest: string;
}

// distribution refuses manifests over 4 MiB; nothing legitimate is larger.
const MAX_MANIFEST_BYTES = 4 << 20;
const MAX_ERROR_BODY = 64 << 10;
const MAX_REDIRECTS = 5;

/** The distribution-spec conversation with one repository on one endpoint: manifests and blobs. */
export class RegistryClient {
  private readonly auth: Authorizer;
  private readonly base: URL;

  constructor(
    readonly endpoint: Endpoint,
    readonly repository: string,
    private readonly options: ClientOptions = {},
  ) {
    this.base = new URL(endpoint.baseUrl);
    const tokenFetch = async (url: URL, init: TokenRequestInit = {}) => {
      const headers: Record<string, string> = { ...this.baseHeaders(), ...(init.authorization && { Authorization: init.authorization }) };
      if (init.form) headers['Content-Type'] = 'application/x-www-form-urlencoded';
      const response = await this.timed(url, { method: init.form ? 'POST' : 'GET', headers, ...(init.form && { body: init.form.toString() }) });
      if (response.status !== 200) await response.body.dump({ limit: MAX_ERROR_BODY });
      const body = response.status === 200 ? (await readBody(response.body, MAX_TOKEN_BODY)).toString('utf8') : '';
      return { status: response.status, body };
    };
    // An empty repository is a client for /v2/ alone (login's check): no repository scope then.
    const scopes = repository === '' ? [] : [`repository:${repository}:pull`];
    this.auth = new Authorizer(this.base.origin, scopes, tokenFetch, options.keychain ?? dockerKeychain());
  }

  /** GET a manifest by tag or digest. Verifies the bytes when asked by digest. */
  async getManifest(reference: string): Promise<FetchedManifest> {
    const url = this.url(`manifests/${reference}`);
    const response = await this.get(url, { Accept: ACCEPTED_MANIFEST_TYPES.join(', ') });
    if (response.status !== 200) throw await this.statusError(response, url, 'manifest', reference);
    let bytes: Buffer;
    try {
      bytes = await readBody(response.body, MAX_MANIFEST_BYTES);
    } catch {
      throw new MyDockerError('unsupported', 'ERR_BAD_MANIFEST', `the manifest of ${this.repository}:${reference} is larger than 4 MiB`);
    }
    return { bytes, contentType: headerValue(response.headers, 'content-type') ?? '', digest: sha256Digest(bytes) };
  }

  /**
   * GET a blob as a stream, following redirects (Docker Hub sends blobs from a CDN). The
   * Authorization header goes only to the registry's own origin. The caller verifies the bytes.
   */
  async getBlob(digest: string): Promise<{ body: Readable; size: number | undefined }> {
    let url = this.url(`blobs/${digest}`);
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const response = await this.get(url, {});
      if (response.status >= 300 && response.status < 400 && response.status !== 304) {
        const location = headerValue(response.headers, 'location');
        await response.body.dump({ limit: MAX_ERROR_BODY });
        if (!location) break;
        url = new URL(location, url);
        continue;
      }
      if (response.status !== 200) throw await this.statusError(response, url, 'blob', digest);
      const length = Number(headerValue(response.headers, 'content-length'));
      return { body: response.body, size: Number.isFinite(length) ? length : undefined };
    }
    throw new MyDockerError('network', 'ERR_TOO_MANY_REDIRECTS', `too many redirects fetching blob ${digest} from ${this.base.host}`);
  }

  /** GET a small blob (a config) fully into memory, capped. */
  async getBlobBytes(digest: string, limit: number): Promise<Buffer> {
    const { body } = await this.getBlob(digest);
    try {
      return await readBody(body, limit);
    } catch (error) {
      if (error instanceof MyDockerError) throw error;
      throw new MyDockerError('unsupported', 'ERR_BLOB_TOO_LARGE', `blob ${digest} is larger than ${limit} bytes`);
    }
  }

  private url(suffix: string): URL {
    const basePath = this.base.pathname.replace(/\/+$/, '');
    return new URL(`${basePath}/v2/${this.repository}/${suffix}`, this.base);
  }

  private baseHeaders(): Record<string, string> {
    return { 'User-Agent': this.options.userAgent ?? 'mydocker/0.1' };
  }

  /** GET with auth: on a 401 the challenge is read, a token fetched, and the request retried once. */
  private async get(url: URL, headers: Record<string, string>): Promise<HttpResponse> {
    for (let attempt = 0; ; attempt++) {
      const authorization = await this.auth.header(url);
      const all = { ...this.baseHeaders(), ...headers, ...(authorization ? { Authorization: authorization } : {}) };
      const response = await this.timed(url, { method: 'GET', headers: all });
      if (response.status !== 401 || attempt > 0) return response;
      let retry: boolean;
      try {
        retry = await this.auth.learn(url, headerValue(response.headers, 'www-authenticate'));
      } catch (error) {
        // Refused credentials on a pull read as Docker's "pull access denied"; login keeps the cause.
        if ((error as MyDockerError).code !== 'ERR_CREDENTIALS_REFUSED' || this.repository === '') throw error;
        await response.body.dump({ limit: MAX_ERROR_BODY });
        throw this.accessDenied(401, []);
      }
      if (!retry) return response;
      await response.body.dump({ limit: MAX_ERROR_BODY });
    }
  }

  private async timed(url: URL, request: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string }): Promise<HttpResponse> {
    const started = performance.now();
    const response = await send(url, { ...request, signal: this.options.signal });
    this.options.onEvent?.({ type: 'registry-request', method: request.method, url: url.href, status: response.status, ms: Math.round(performance.now() - started) });
    return response;
  }

  /**
   * Docker's wording for a private or missing repository; the hint says whether stored
   * credentials were tried and refused, or none were found for this host.
   */
  private accessDenied(status: number, details: RegistryErrorDetail[]): RegistryError {
    const host = this.base.host;
    // Docker names Hub images by their short name ("alpine"), others with the registry host.
    const name = isDockerHub(host) ? this.repository.replace(/^library\//, '') : `${host}/${this.repository}`;
    const command = isDockerHub(host) ? 'mydocker login' : `mydocker login ${host}`;
    const hint = this.auth.credentialsUsed
      ? `The stored credentials for ${isDockerHub(host) ? 'Docker Hub' : host} were refused or lack access; run '${command}' again.`
      : isDockerHub(host) ? undefined : `To log in: ${command}.`;
    return new RegistryError(status === 403 ? 'denied' : 'unauthorized', 'ERR_PULL_ACCESS_DENIED',
      `pull access denied for ${name}, repository does not exist or may require 'mydocker login'`, status, details, hint);
  }

  /**
   * GET /v2/ with this client's keychain: resolves when the registry accepts the credentials (or
   * needs none), with the identity token its token service gave (asked for as `docker login`
   * does, offline_token=true); throws "unauthorized: incorrect username or password" when refused.
   */
  async checkLogin(): Promise<{ identityToken: string | undefined }> {
    const url = new URL(`${this.base.pathname.replace(/\/+$/, '')}/v2/`, this.base);
    this.auth.offline = true;
    const response = await this.get(url, {});
    const text = (await readBody(response.body, MAX_ERROR_BODY).catch(() => Buffer.alloc(0))).toString('utf8');
    if (response.status === 200) return { identityToken: this.auth.refreshToken };
    if (response.status === 401 || response.status === 403) {
      const said = parseErrorBody(text)[0]?.message;
      throw new MyDockerError('unauthorized', 'ERR_CREDENTIALS_REFUSED', 'unauthorized: incorrect username or password', {
        hint: `${this.base.host} refused the login${said ? ` (${said})` : ''}.`,
      });
    }
    throw new RegistryError('network', 'ERR_REGISTRY_STATUS', `GET ${url.pathname} on ${this.base.host} answered HTTP ${response.status}`, response.status, parseErrorBody(text));
  }

  private async statusError(response: HttpResponse, url: URL, what: 'manifest' | 'blob', ref: string): Promise<RegistryError> {
    const text = (await readBody(response.body, MAX_ERROR_BODY).catch(() => Buffer.alloc(0))).toString('utf8');
    const details = parseErrorBody(text);
    const codes = details.map((d) => d.code);
    const status = response.status;
    const repo = `${this.base.host}/${this.repository}`;
    if (status === 401 || status === 403 || codes.includes('DENIED') || codes.includes('UNAUTHORIZED')) return this.accessDenied(status, details);
    if (status === 404 && codes.includes('NAME_UNKNOWN')) {
      return new RegistryError('not-found', 'ERR_REPOSITORY_UNKNOWN', `repository ${repo} not found`, status, details,
        'Check the image name.');
    }
    if (status === 404 && what === 'manifest') {
      const label = ref.startsWith('sha256:') ? `${repo}@${ref}` : `${repo}:${ref}`;
      return new RegistryError('not-found', 'ERR_MANIFEST_UNKNOWN', `manifest for ${label} not found: manifest unknown`, status, details,
        'Check the tag or digest.');
    }
    if (status === 404) {
      return new RegistryError('not-found', 'ERR_BLOB_UNKNOWN', `blob ${ref} not found in ${repo}`, status, details);
    }
    if (status === 429) {
      return new RegistryError('rate-limited', 'ERR_RATE_LIMITED', `${this.base.host} refused the request: too many requests (rate limit)`, status, details,
        'Wait and try again.');
    }
    const summary = details.map((d) => `${d.code}: ${d.message}`).join('; ');
    return new RegistryError('network', 'ERR_REGISTRY_STATUS', `GET ${url.pathname} on ${this.base.host} answered HTTP ${status}${summary ? ` (${summary})` : ''}`, status, details);
  }
}
