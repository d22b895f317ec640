import type { Readable } from 'node:stream';
import { transportError } from './errors.js';

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

type Undici = typeof import('undici');
let undici: Promise<Undici> | undefined;

// undici (and with it TLS and the CA bundle) is loaded on the first request only, so that a run of
// a local image never pays for it.
function loadUndici(): Promise<Undici> {
  undici ??= import('undici');
  return undici;
}

/** Sends one request without following redirects; network failures become one clear MyDockerError. */
export async function send(url: URL, request: HttpRequest): Promise<HttpResponse> {
  const { request: undiciRequest } = await loadUndici();
  try {
    const response = await undiciRequest(url, {
      method: request.method,
      headers: request.headers,
      ...(request.body !== undefined && { body: request.body }),
      signal: request.signal,
      headersTimeout: 60_000,
      bodyTimeout: 60_000,
    });
    return { status: response.statusCode, headers: response.headers, body: response.body as unknown as HttpResponse['body'] };
  } catch (error) {
    throw transportError(error, url);
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
