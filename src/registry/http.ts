import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { MyDockerError } from '../errors.js';
import { transportError } from './errors.js';
import { undiciCore } from './undici-core.js';
import { proxyFor } from './proxy.js';
import { stallTimeoutMs } from './retry.js';
import { probeTlsFailure, tlsSettingsFor, type TlsSettings } from './tls.js';

/** A response with its body as a Node stream (never buffered here). */
export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable & { text(): Promise<string>; dump(opts?: { limit: number }): Promise<void> };
}

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'POST';
  headers: Record<string, string>;
  /** Request body (the OAuth2 token POST); undefined for GET and HEAD. */
  body?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** One dispatcher per origin: it carries that registry's TLS settings (certs.d) and its proxy. */
const dispatchers = new Map<string, Promise<{ dispatcher: Dispatcher; tls: TlsSettings | undefined; proxy: string | undefined }>>();

async function createDispatcher(url: URL): Promise<{ dispatcher: Dispatcher; tls: TlsSettings | undefined; proxy: string | undefined }> {
  // undici (and with it TLS and the CA bundle) is loaded on the first request only, so that a run
  // of a local image never pays for it.
  const { Agent, ProxyAgent } = undiciCore();
  const tls = url.protocol === 'https:' ? await tlsSettingsFor(url) : undefined;
  const connect = tls === undefined ? {} : { ca: tls.ca, ...(tls.cert === undefined ? {} : { cert: tls.cert, key: tls.key }) };
  const stall = stallTimeoutMs();
  // No header or body byte for the stall timeout: the connection is dropped and retried or resumed.
  const timeouts = { headersTimeout: stall, bodyTimeout: stall };
  const proxy = proxyFor(url);
  if (proxy !== undefined && !URL.canParse(proxy)) {
    throw new MyDockerError('usage', 'ERR_PROXY', `the proxy for ${url.protocol === 'https:' ? 'https' : 'http'} is not a valid URL: "${proxy}"`, {
      hint: `Fix ${url.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY'} (e.g. http://proxy.example:3128).`,
    });
  }
  if (proxy === undefined) return { dispatcher: new Agent({ connect, ...timeouts }), tls, proxy };
  // The proxy itself may be https (its CA from the system store), the registry behind it gets the
  // registry's own TLS settings through the CONNECT tunnel.
  const proxyTls = proxy.startsWith('https:') ? { ca: (await tlsSettingsFor(new URL(proxy))).ca } : {};
  return { dispatcher: new ProxyAgent({ uri: proxy, requestTls: connect, proxyTls, ...timeouts }), tls, proxy };
}

function dispatcherFor(url: URL): Promise<{ dispatcher: Dispatcher; tls: TlsSettings | undefined; proxy: string | undefined }> {
  let entry = dispatchers.get(url.origin);
  if (entry === undefined) {
    entry = createDispatcher(url);
    dispatchers.set(url.origin, entry);
    entry.catch(() => dispatchers.delete(url.origin));
  }
  return entry;
}

/** Sends one request without following redirects; network failures become one clear MyDockerError. */
export async function send(url: URL, request: HttpRequest): Promise<HttpResponse> {
  const { dispatcher, tls, proxy } = await dispatcherFor(url);
  try {
    const response = await dispatcher.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: request.method,
      headers: request.headers,
      ...(request.body !== undefined && { body: request.body }),
      signal: request.signal,
    });
    return { status: response.statusCode, headers: response.headers, body: response.body as unknown as HttpResponse['body'] };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (tls !== undefined && proxy === undefined && (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET') && !request.signal?.aborted) {
      const why = await probeTlsFailure(url, tls);
      if (why !== undefined) throw transportError(why, url, { certsDir: tls.certsDir, proxy });
    }
    throw transportError(error, url, { certsDir: tls?.certsDir, proxy });
  }
}

/** A header's single value (first of a list). */
export function headerValue(headers: HttpResponse['headers'], name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Reads a body as text, refusing more than `limit` bytes (a registry has no reason to send more). */
export async function readBody(body: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    total += buffer.length;
    if (total > limit) {
      body.destroy();
      throw new Error(`response larger than ${limit} bytes`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}
