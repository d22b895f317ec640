/** Small network helpers shared by the harness: free ports and waiting for an HTTP endpoint. */
import net from 'node:net';
import os from 'node:os';

/** A port that was free a moment ago on 127.0.0.1 (the caller binds it soon after). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('could not read the port of a listening socket'));
        return;
      }
      const { port } = address;
      server.close(() => resolve(port));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `url` until it answers with any HTTP status (a 401 from a token-auth registry counts as up).
 * `alive` lets the caller stop early when the server process already died.
 */
export async function waitForHttp(url: string, timeoutMs: number, alive: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const death = alive();
    if (death !== undefined) throw new Error(`server for ${url} exited before answering: ${death}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      return;
    } catch (error) {
      lastError = error;
    }
    await sleep(50);
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms: ${String(lastError)}`);
}

/** Polls until a TCP connection to host:port succeeds (for servers that speak TLS only). */
export async function waitForPort(host: string, port: number, timeoutMs: number, alive: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const death = alive();
    if (death !== undefined) throw new Error(`server on ${host}:${port} exited before listening: ${death}`);
    const up = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, host, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (up) return;
    await sleep(50);
  }
  throw new Error(`${host}:${port} did not accept connections within ${timeoutMs} ms`);
}

/** A non-loopback IPv4 address of this machine, or undefined (registries on it are "remote" to mydocker). */
export function publicAddress(): string | undefined {
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}
