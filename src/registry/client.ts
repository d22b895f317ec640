import type { Readable } from 'node:stream';
import { Authorizer, MAX_TOKEN_BODY, type TokenRequestInit } from '../auth/index.js';
import { dockerKeychain, isDockerHub, type Keychain } from '../credentials/index.js';
import { MyDockerError } from '../errors.js';
import { ACCEPTED_MANIFEST_TYPES, sha256Digest } from '../oci/index.js';
import type { Endpoint } from './endpoints.js';
import { parseErrorBody, RegistryError, transportError, type RegistryErrorDetail } from './errors.js';
import { headerValue, readBody, send, type HttpResponse } from './http.js';
import { contentRangeStart, resumableBody, type OpenedBody } from './resumable-body.js';
import { backoffMs, DEFAULT_RETRY, describeRateLimit, isRetryableError, nextDelay, parseRetryAfter, RETRYABLE_STATUSES, sleep } from './retry.js';

/** One registry request, reported for --trace views and tests; never printed by the library. */
export type RequestEvent =
  | { type: 'registry-request'; method: string; url: string; status: number; ms: number }
  /** A request or a download is tried again: after `reason`, in `delayMs`, from byte `offset` for a resume. */
  | { type: 'registry-retry'; url: string; reason: string; attempt: number; delayMs: number; offset?: number };

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
    for (let attempt = 1; ; attempt++) {
      const response = await this.get(url, { Accept: ACCEPTED_MANIFEST_TYPES.join(', ') });
      if (response.status !== 200) throw await this.statusError(response, url, 'manifest', reference);
      let bytes: Buffer;
      try {
        bytes = await readBody(response.body, MAX_MANIFEST_BYTES);
      } catch (error) {
        // A connection cut while reading: small documents are simply asked for again.
        if (isRetryableError(error) && attempt < DEFAULT_RETRY.attempts) {
          await this.pause(url, error, attempt);
          continue;
        }
        if (isRetryableError(error) || (error as { code?: string }).code !== undefined) throw transportError(error, url);
        throw new MyDockerError('unsupported', 'ERR_BAD_MANIFEST', `the manifest of ${this.repository}:${reference} is larger than 4 MiB`);
      }
      return { bytes, contentType: headerValue(response.headers, 'content-type') ?? '', digest: sha256Digest(bytes) };
    }
  }

  /**
   * GET a blob as a stream, following redirects (Docker Hub sends blobs from a CDN). The
   * Authorization header goes only to the registry's own origin. The stream resumes by itself
   * with a Range request when the connection drops or stalls; the caller verifies the bytes.
   */
  async getBlob(digest: string): Promise<{ body: Readable; size: number | undefined }> {
    const first = await this.openBlob(digest, 0);
    const length = Number(headerValue(first.headers, 'content-length'));
    const size = Number.isFinite(length) ? length : undefined;
    let lastUrl = first.url;
    const body = resumableBody({ status: 200, body: first.body }, {
      total: size,
      maxResumes: DEFAULT_RETRY.attempts,
      wait: async (resume) => {
        try {
          await sleep(backoffMs(resume), this.options.signal);
        } catch (error) {
          throw transportError(this.options.signal?.reason ?? error, lastUrl);
        }
      },
      reopen: async (offset): Promise<OpenedBody> => {
        const next = await this.openBlob(digest, offset);
        lastUrl = next.url;
        return { status: next.status, body: next.body, rangeStart: contentRangeStart(headerValue(next.headers, 'content-range')) };
      },
      onResume: (offset, reason, status) => this.options.onEvent?.({
        type: 'registry-retry', url: lastUrl.href, reason: `${describeReason(reason)}; resumed (HTTP ${status})`, attempt: 0, delayMs: 0, offset,
      }),
      describe: (error, resumes) => {
        const base = transportError(error, lastUrl);
        if (base.kind !== 'network') return base;
        const tries = resumes > 0 ? `; gave up after ${resumes} resumes` : '';
        return new MyDockerError(base.kind, base.code, `${base.message} while downloading blob ${digest.slice(0, 19)}${tries}`,
          { cause: error, ...(base.hint === undefined ? {} : { hint: base.hint }) });
      },
    });
    return { body, size };
  }

  /** One GET of a blob from `offset` on (a Range request when > 0), through its redirects. */
  private async openBlob(digest: string, offset: number): Promise<HttpResponse & { url: URL }> {
    let url = this.url(`blobs/${digest}`);
    const range: Record<string, string> = offset > 0 ? { Range: `bytes=${offset}-` } : {};
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const response = await this.get(url, range);
      if (response.status >= 300 && response.status < 400 && response.status !== 304) {
        const location = headerValue(response.headers, 'location');
        await response.body.dump({ limit: MAX_ERROR_BODY });
        if (!location) break;
        url = new URL(location, url);
        continue;
      }
      if (response.status === 200 || (offset > 0 && response.status === 206)) return { ...response, url };
      throw await this.statusError(response, url, 'blob', digest);
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
      if ((error as { code?: string }).code !== undefined) throw transportError(error, this.base);
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

  /**
   * Sends one request, retrying rate limits (429), transient 5xx answers, resets and stalls with
   * backoff and jitter, or after the registry's Retry-After, within DEFAULT_RETRY's bounds.
   * The last answer is returned (with `attempts`) for the caller to turn into an error.
   */
  private async timed(url: URL, request: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string }): Promise<HttpResponse & { attempts: number }> {
    const started = performance.now();
    for (let attempt = 1; ; attempt++) {
      const sent = performance.now();
      let response: HttpResponse;
      try {
        response = await send(url, { ...request, signal: this.options.signal });
      } catch (error) {
        if (!isRetryableError(error) || this.options.signal?.aborted) throw error;
        const wait = nextDelay(attempt, undefined, performance.now() - started);
        if (wait === undefined) throw error;
        await this.pause(url, error, attempt, wait);
        continue;
      }
      this.options.onEvent?.({ type: 'registry-request', method: request.method, url: url.href, status: response.status, ms: Math.round(performance.now() - sent) });
      if (!RETRYABLE_STATUSES.has(response.status)) return { ...response, attempts: attempt };
      const wait = nextDelay(attempt, parseRetryAfter(headerValue(response.headers, 'retry-after')), performance.now() - started);
      if (wait === undefined) return { ...response, attempts: attempt };
      await response.body.dump({ limit: MAX_ERROR_BODY }).catch(() => undefined);
      await this.pause(url, `HTTP ${response.status}`, attempt, wait);
    }
  }

  /** Waits before another try, telling the listener why; an abort cuts the wait short. */
  private async pause(url: URL, reason: unknown, attempt: number, wait = backoffMs(attempt)): Promise<void> {
    this.options.onEvent?.({ type: 'registry-retry', url: url.href, reason: describeReason(reason), attempt, delayMs: wait });
    try {
      await sleep(wait, this.options.signal);
    } catch (error) {
      throw transportError(this.options.signal?.reason ?? error, url);
    }
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

  private async statusError(response: HttpResponse & { attempts?: number }, url: URL, what: 'manifest' | 'blob', ref: string): Promise<RegistryError> {
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
    const tries = (response.attempts ?? 1) > 1 ? ` after ${response.attempts} attempts` : '';
    if (status === 429) {
      const limit = describeRateLimit(response.headers);
      return new RegistryError('rate-limited', 'ERR_RATE_LIMITED',
        `${url.host} refused the request: rate limit reached (too many requests${tries})${limit ? `; ${limit}` : ''}`, status, details,
        limit.includes('resets in') ? 'Wait until then, or log in for a higher limit.' : 'Wait and try again, or log in for a higher limit.');
    }
    const summary = details.map((d) => `${d.code}: ${d.message}`).join('; ');
    return new RegistryError('network', 'ERR_REGISTRY_STATUS', `GET ${url.pathname} on ${url.host} answered HTTP ${status}${tries}${summary ? ` (${summary})` : ''}`, status, details,
      status >= 500 ? 'The registry is failing; try again later.' : undefined);
  }
}

/** A short reason for a retry event: "HTTP 503", "ECONNRESET". */
function describeReason(reason: unknown): string {
  if (typeof reason === 'string') return reason;
  let e: unknown = reason;
  for (let depth = 0; depth < 4 && e instanceof Error; depth++) {
    const code = (e as { code?: unknown }).code;
    // A MyDockerError's own code (ERR_CONNECTION_RESET) says less than its cause's (ECONNRESET).
    if (typeof code === 'string' && !(e instanceof MyDockerError)) return code;
    e = e.cause;
  }
  return reason instanceof Error ? reason.message : String(reason);
}
