/**
 * An HTTP proxy between mydocker and a real registry that injects faults on request: answers a
 * status instead of forwarding (429 with Retry-After, 503, 403, an HTML page...), cuts or stalls a
 * blob body after some bytes, flips a byte, or hides the Range header (a registry that ignores
 * Range). It logs every request (method, path, Range) so a test can see resumes happen.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export type Fault =
  /** Answer this instead of forwarding. */
  | { kind: 'answer'; status: number; headers?: Record<string, string>; body?: string | Buffer }
  /** Forward the headers and `afterBytes` of the body, then close the connection. */
  | { kind: 'drop'; afterBytes: number }
  /** Forward the headers and `afterBytes` of the body, then send nothing more (the socket stays open). */
  | { kind: 'stall'; afterBytes: number }
  /** Forward everything with the byte at `atByte` inverted. */
  | { kind: 'corrupt'; atByte: number }
  /** Remove the Range header before forwarding: the registry answers 200 with the whole blob. */
  | { kind: 'ignore-range' }
  /** Accept the request and never answer (not even headers). */
  | { kind: 'hang' };

export interface FaultRule {
  /** Which requests: a method + path test (e.g. /blobs\//). */
  match: (request: { method: string; path: string; range: string | undefined }) => boolean;
  fault: Fault;
  /** How many matching requests get the fault (default 1; Infinity for always). Body faults only count when the body is large enough. */
  times?: number;
}

export interface LoggedRequest {
  method: string;
  path: string;
  range: string | undefined;
  authorization: boolean;
  status: number;
  fault: Fault['kind'] | undefined;
}

export interface FaultProxy {
  /** "127.0.0.1:PORT", to put in image references (a loopback registry: plain HTTP). */
  address: string;
  add(rule: FaultRule): void;
  /** Forget all rules and the log. */
  reset(): void;
  log(): LoggedRequest[];
  stop(): Promise<void>;
}

/** Starts a fault proxy in front of `upstream` ("127.0.0.1:PORT", plain HTTP). */
export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const [upstreamHost = '127.0.0.1', upstreamPort = '80'] = upstream.split(':');
  let rules: Array<FaultRule & { left: number }> = [];
  let log: LoggedRequest[] = [];
  const sockets = new Set<net.Socket>();

  const server = http.createServer((req, res) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const range = req.headers.range;
    const entry: LoggedRequest = { method, path, range, authorization: req.headers.authorization !== undefined, status: 0, fault: undefined };
    log.push(entry);
    const rule = rules.find((r) => r.left > 0 && r.match({ method, path, range }));
    const fault = rule?.fault;
    if (fault?.kind === 'answer') {
      rule!.left -= 1;
      entry.fault = 'answer';
      entry.status = fault.status;
      res.writeHead(fault.status, fault.headers ?? {});
      res.end(fault.body ?? '');
      return;
    }
    if (fault?.kind === 'hang') {
      rule!.left -= 1;
      entry.fault = 'hang';
      return;
    }
    const headers = { ...req.headers };
    if (fault?.kind === 'ignore-range' && range !== undefined) {
      rule!.left -= 1;
      entry.fault = 'ignore-range';
      delete headers.range;
    }
    const forward = http.request({ host: upstreamHost, port: Number(upstreamPort), method, path, headers }, (answer) => {
      entry.status = answer.statusCode ?? 0;
      const length = Number(answer.headers['content-length'] ?? 0);
      const bodyFault = fault !== undefined && (fault.kind === 'drop' || fault.kind === 'stall' || fault.kind === 'corrupt')
        && (answer.statusCode === 200 || answer.statusCode === 206)
        && length > (fault.kind === 'corrupt' ? fault.atByte : fault.afterBytes) ? fault : undefined;
      if (bodyFault !== undefined) {
        rule!.left -= 1;
        entry.fault = bodyFault.kind;
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      let sent = 0;
      answer.on('data', (chunk: Buffer) => {
        let out = chunk;
        if (bodyFault?.kind === 'corrupt' && sent <= bodyFault.atByte && bodyFault.atByte < sent + chunk.length) {
          out = Buffer.from(chunk);
          const at = bodyFault.atByte - sent;
          out[at] = (out[at] ?? 0) ^ 0xff;
        }
        if (bodyFault?.kind === 'drop' || bodyFault?.kind === 'stall') {
          const room = bodyFault.afterBytes - sent;
          if (room <= 0) return;
          if (out.length >= room) {
            res.write(out.subarray(0, room));
            sent += out.length;
            answer.pause();
            // Let the bytes leave before cutting, so the client really has a partial body.
            if (bodyFault.kind === 'drop') setTimeout(() => req.socket.destroy(), 50);
            return;
          }
        }
        sent += chunk.length;
        res.write(out);
      });
      answer.on('end', () => {
        if (bodyFault?.kind !== 'drop' && bodyFault?.kind !== 'stall') res.end();
      });
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    add: (rule) => void rules.push({ ...rule, left: rule.times ?? 1 }),
    reset: () => {
      rules = [];
      log = [];
    },
    log: () => [...log],
    stop: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}

/** Matches blob GETs (layers and configs; body faults apply only to bodies large enough). */
export const BLOBS = (r: { method: string; path: string }): boolean => r.method === 'GET' && r.path.includes('/blobs/');
/** Matches manifest GETs. */
export const MANIFESTS = (r: { method: string; path: string }): boolean => r.method === 'GET' && r.path.includes('/manifests/');
