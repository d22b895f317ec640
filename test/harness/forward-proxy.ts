/**
 * A forward proxy for tests, as a corporate proxy behaves: CONNECT tunnels (for https and, with
 * undici, for http too) and absolute-form requests. It resolves names from its own `hosts` table
 * first, so a registry name that does not resolve on this machine is reachable only through it:
 * a pull that succeeds proves the proxy was used.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ForwardProxy {
  /** "http://127.0.0.1:PORT" for HTTPS_PROXY / HTTP_PROXY. */
  url: string;
  /** Every target asked for, in order ("CONNECT host:port" or "GET http://..."). */
  requests(): string[];
  stop(): Promise<void>;
}

export async function startForwardProxy(hosts: Record<string, string> = {}): Promise<ForwardProxy> {
  const requests: string[] = [];
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  const resolve = (host: string): string => hosts[host.toLowerCase()] ?? host;

  const server = http.createServer((req, res) => {
    requests.push(`${req.method ?? 'GET'} ${req.url ?? ''}`);
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute-form URL expected');
      return;
    }
    const upstream = http.request({
      host: resolve(target.hostname), port: target.port || 80, path: `${target.pathname}${target.search}`,
      method: req.method, headers: { ...req.headers, host: target.host },
    }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connection', track);
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    requests.push(`CONNECT ${req.url ?? ''}`);
    const [host = '', port = '443'] = (req.url ?? '').split(/:(?=\d+$)/);
    const upstream = net.connect(Number(port), resolve(host), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    track(upstream);
    upstream.on('error', () => {
      if (client.writable) client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
    });
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((done, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => done());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => [...requests],
    stop: () => new Promise<void>((done) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => done());
    }),
  };
}
