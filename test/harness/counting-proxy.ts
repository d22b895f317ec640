/**
 * A TCP forwarder on 127.0.0.1 that counts connections and bytes, so a test can assert that a run
 * made no network request at all (a second run of a pulled image must not even open a socket).
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface CountingProxy {
  port: number;
  /** "127.0.0.1:PORT" */
  address: string;
  connections(): number;
  /** Most client connections open at the same time so far (parallel downloads show as > 1). */
  peakConnections(): number;
  bytesIn(): number;
  bytesOut(): number;
  stop(): Promise<void>;
}

export async function startCountingProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<CountingProxy> {
  let connections = 0;
  let bytesIn = 0;
  let bytesOut = 0;
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };

  let open = 0;
  let peak = 0;
  const server = net.createServer((client) => {
    connections += 1;
    open += 1;
    peak = Math.max(peak, open);
    client.on('close', () => {
      open -= 1;
    });
    const upstream = net.connect(targetPort, targetHost);
    track(client);
    track(upstream);
    client.on('data', (chunk: Buffer) => {
      bytesIn += chunk.length;
    });
    upstream.on('data', (chunk: Buffer) => {
      bytesOut += chunk.length;
    });
    client.pipe(upstream);
    upstream.pipe(client);
    // Either side failing ends both; errors are expected when clients are killed mid-transfer.
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    address: `127.0.0.1:${port}`,
    connections: () => connections,
    peakConnections: () => peak,
    bytesIn: () => bytesIn,
    bytesOut: () => bytesOut,
    stop: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}
