/**
 * A front for a registry that sends blobs from "a CDN", as Docker Hub does: every request is passed
 * to the registry (auth included), but a 200 blob GET is answered with a 307 to another host
 * (127.0.0.2, a different origin) that serves the bytes. Like a CDN bucket with pre-signed URLs,
 * that host refuses any request carrying an Authorization header — and counts them, so a test can
 * show that credentials never followed the redirect.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CdnFront {
  /** "127.0.0.1:PORT" of the front, to put in image references. */
  address: string;
  /** Blob GETs redirected to the CDN host. */
  redirects(): number;
  /** Requests that reached the CDN host at all. */
  cdnRequests(): number;
  /** CDN requests that carried an Authorization header (each refused with 400). */
  authorizationsAtCdn(): string[];
  stop(): Promise<void>;
}

const CDN_HOST = '127.0.0.2';
const BLOB_GET = /^\/v2\/.+\/blobs\/sha256:[0-9a-f]{64}$/;

function listen(server: http.Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/** Starts the front (for the registry at `backend`, http://HOST:PORT) and its CDN host. */
export async function startCdnFront(backend: string): Promise<CdnFront> {
  const stash = new Map<string, Buffer>();
  const authorizations: string[] = [];
  let redirects = 0;
  let cdnRequests = 0;

  const cdn = http.createServer((request, response) => {
    cdnRequests += 1;
    const auth = request.headers.authorization;
    if (auth !== undefined) {
      authorizations.push(auth);
      response.writeHead(400, { 'content-type': 'application/xml' });
      response.end('<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>');
      return;
    }
    const bytes = stash.get((request.url ?? '').replace(/^\/blobs\//, ''));
    if (bytes === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) });
    response.end(bytes);
  });
  const cdnPort = await listen(cdn, CDN_HOST);

  const front = http.createServer((request, response) => {
    const headers = { ...request.headers };
    delete headers.host;
    const upstream = http.request(new URL(request.url ?? '/', backend), { method: request.method, headers }, (answer) => {
      const path = new URL(request.url ?? '/', backend).pathname;
      if (request.method === 'GET' && answer.statusCode === 200 && BLOB_GET.test(path)) {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const id = randomBytes(16).toString('hex');
          stash.set(id, Buffer.concat(chunks));
          redirects += 1;
          response.writeHead(307, { location: `http://${CDN_HOST}:${cdnPort}/blobs/${id}`, 'content-length': '0' });
          response.end();
        });
        return;
      }
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  });
  const frontPort = await listen(front, '127.0.0.1');

  return {
    address: `127.0.0.1:${frontPort}`,
    redirects: () => redirects,
    cdnRequests: () => cdnRequests,
    authorizationsAtCdn: () => [...authorizations],
    stop: async () => {
      await close(front);
      await close(cdn);
    },
  };
}
