/**
 * A registry front that sends blobs from a "CDN", as Docker Hub does: blob GETs that the registry
 * authorizes are answered with a 307 to a signed URL on another origin. The CDN, like an S3 bucket,
 * rejects any request that carries an Authorization header (a client leaking the registry's token
 * to the redirect target fails there). Everything else is forwarded to the registry unchanged.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface CdnRedirect {
  /** "127.0.0.1:PORT" of the registry front, for image references. */
  address: string;
  /** Origin of the CDN ("http://127.0.0.1:PORT"). */
  cdnOrigin: string;
  /** Requests the CDN received: path, Range, whether an Authorization header came along, status. */
  cdnRequests(): Array<{ path: string; range: string | undefined; authorization: boolean; status: number }>;
  /** The next CDN response with a body is cut after this many bytes (to test resume through a redirect). */
  dropNextAfter(bytes: number): void;
  stop(): Promise<void>;
}

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

/**
 * `registry`: "host:port" of the registry whose API the front serves (auth is checked there);
 * `blobSource`: "host:port" of an open registry with the same blobs, where the CDN reads them.
 */
export async function startCdnRedirect(registry: string, blobSource: string): Promise<CdnRedirect> {
  const [regHost = '127.0.0.1', regPort = '80'] = registry.split(':');
  const [srcHost = '127.0.0.1', srcPort = '80'] = blobSource.split(':');
  const cdnLog: Array<{ path: string; range: string | undefined; authorization: boolean; status: number }> = [];
  const sockets = new Set<net.Socket>();
  const track = (server: http.Server): void => {
    server.on('connection', (socket: net.Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
  };
  let dropAfter: number | undefined;

  const cdn = http.createServer((req, res) => {
    const entry = { path: req.url ?? '', range: req.headers.range, authorization: req.headers.authorization !== undefined, status: 0 };
    cdnLog.push(entry);
    const url = new URL(req.url ?? '/', 'http://cdn');
    const blobPath = url.searchParams.get('blob');
    if (entry.authorization) {
      entry.status = 400;
      res.writeHead(400, { 'Content-Type': 'application/xml' }).end('<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>');
      return;
    }
    if (blobPath === null || url.searchParams.get('X-Amz-Signature') !== 'signed') {
      entry.status = 403;
      res.writeHead(403).end('<Error><Code>AccessDenied</Code></Error>');
      return;
    }
    const headers = req.headers.range === undefined ? {} : { range: req.headers.range };
    const upstream = http.get({ host: srcHost, port: Number(srcPort), path: blobPath, headers }, (answer) => {
      entry.status = answer.statusCode ?? 0;
      const { 'content-type': type, 'content-length': length, 'content-range': range } = answer.headers;
      res.writeHead(answer.statusCode ?? 502, { ...(type ? { 'content-type': type } : {}), ...(length ? { 'content-length': length } : {}), ...(range ? { 'content-range': range } : {}), 'accept-ranges': 'bytes' });
      // Only a body longer than the cut is cut (the small config passes whole).
      const cut = dropAfter !== undefined && Number(length ?? 0) > dropAfter ? dropAfter : undefined;
      if (cut !== undefined) dropAfter = undefined;
      let sent = 0;
      answer.on('data', (chunk: Buffer) => {
        if (cut !== undefined && sent + chunk.length >= cut) {
          res.write(chunk.subarray(0, cut - sent));
          sent = cut;
          answer.destroy();
          setTimeout(() => req.socket.destroy(), 50);
          return;
        }
        sent += chunk.length;
        res.write(chunk);
      });
      answer.on('end', () => res.end());
    });
    upstream.on('error', () => res.destroy());
  });
  track(cdn);
  const cdnPort = await listen(cdn);
  const cdnOrigin = `http://127.0.0.1:${cdnPort}`;

  const front = http.createServer((req, res) => {
    const path = req.url ?? '/';
    const isBlobGet = req.method === 'GET' && /\/blobs\/sha256:[0-9a-f]{64}$/.test(path);
    // A blob GET is checked against the registry with HEAD (same auth), then redirected.
    const headers = { ...req.headers };
    if (isBlobGet) delete headers.range;
    const forward = http.request({ host: regHost, port: Number(regPort), method: isBlobGet ? 'HEAD' : req.method, path, headers }, (answer) => {
      if (isBlobGet && answer.statusCode === 200) {
        answer.resume();
        res.writeHead(307, { Location: `${cdnOrigin}/bucket/data?blob=${encodeURIComponent(path)}&X-Amz-Signature=signed` }).end();
        return;
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  track(front);
  const frontPort = await listen(front);

  return {
    address: `127.0.0.1:${frontPort}`,
    cdnOrigin,
    cdnRequests: () => [...cdnLog],
    dropNextAfter: (bytes) => {
      dropAfter = bytes;
    },
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await Promise.all([front, cdn].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}
