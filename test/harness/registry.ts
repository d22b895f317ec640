/**
 * Runs the real Debian docker-registry (distribution 2.8) on loopback with a temp storage dir,
 * either open or with token authentication.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureDebianFile } from './install.js';
import { freePort, waitForHttp, waitForPort } from './net.js';

const REGISTRY_BIN = '/usr/bin/docker-registry';

export interface TokenAuthConfig {
  realm: string;
  service: string;
  issuer: string;
  rootCertBundle: string;
}

export interface RegistryProcess {
  port: number;
  /** http://127.0.0.1:PORT (direct, not through a counting proxy) */
  url: string;
  /** Its storage root (filesystem driver rootdirectory). */
  storage: string;
  /** What the registry wrote on stderr, for diagnosing a failure. */
  log(): string;
  stop(): Promise<void>;
}

/** The registry's own TLS (http.tls): a certificate, its key, and CAs of accepted client certificates. */
export interface RegistryTlsConfig {
  certificate: string;
  key: string;
  /** When set, a client certificate signed by one of these is required (mutual TLS). */
  clientCas?: string[];
}

function configYaml(port: number, storage: string, auth: TokenAuthConfig | undefined, tls?: RegistryTlsConfig, host = '127.0.0.1', htpasswd?: string): string {
  const lines = [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(storage)}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: ${host}:${port}`,
    '  secret: mydocker-harness-secret',
  ];
  if (tls !== undefined) {
    lines.push('  tls:', `    certificate: ${JSON.stringify(tls.certificate)}`, `    key: ${JSON.stringify(tls.key)}`);
    if (tls.clientCas !== undefined) lines.push('    clientcas:', ...tls.clientCas.map((ca) => `      - ${JSON.stringify(ca)}`));
  }
  if (auth !== undefined) {
    lines.push(
      'auth:',
      '  token:',
      `    realm: ${JSON.stringify(auth.realm)}`,
      `    service: ${JSON.stringify(auth.service)}`,
      `    issuer: ${JSON.stringify(auth.issuer)}`,
      `    rootcertbundle: ${JSON.stringify(auth.rootCertBundle)}`,
    );
  }
  if (htpasswd !== undefined) {
    lines.push('auth:', '  htpasswd:', '    realm: mydocker-harness-basic', `    path: ${JSON.stringify(htpasswd)}`);
  }
  return `${lines.join('\n')}\n`;
}

export interface RegistryOptions {
  auth?: TokenAuthConfig;
  /** A storage dir of an earlier registry to start from (copied, never modified). */
  seedStorage?: string;
  /** Serve HTTPS with this certificate (and demand client certificates when clientCas is set). */
  tls?: RegistryTlsConfig;
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /** A bcrypt htpasswd file: the registry then demands HTTP Basic auth (distribution's `auth: htpasswd`). */
  htpasswd?: string;
}

async function startOnce({ auth, seedStorage, tls, host, htpasswd }: RegistryOptions): Promise<RegistryProcess> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mydocker-registry-'));
  const port = await freePort();
  const configPath = path.join(dir, 'config.yml');
  const storage = path.join(dir, 'storage');
  // Registry storage holds no absolute paths or ports, so a copy serves the same content.
  if (seedStorage !== undefined) cpSync(seedStorage, storage, { recursive: true });
  writeFileSync(configPath, configYaml(port, storage, auth, tls, host, htpasswd));
  let log = '';
  let exited: string | undefined;
  const child: ChildProcess = spawn(REGISTRY_BIN, ['serve', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    log = (log + chunk).slice(-20000);
  });
  // If the test process dies without stop() (uncaught error, EPIPE), the registry must not outlive it.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);
  child.on('exit', (code, signal) => {
    exited = `code ${String(code)} signal ${String(signal)}`;
    process.removeListener('exit', killOnExit);
  });
  const stop = async (): Promise<void> => {
    if (exited === undefined) {
      const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await done;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const died = (): string | undefined => (exited === undefined ? undefined : `${exited}: ${log}`);
    if (tls === undefined && host === undefined) await waitForHttp(`http://127.0.0.1:${port}/v2/`, 15000, died);
    else await waitForPort(host ?? '127.0.0.1', port, 15000, died);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, url: `${tls === undefined ? 'http' : 'https'}://${host ?? '127.0.0.1'}:${port}`, storage, log: () => log, stop };
}

export async function startRegistry(options: RegistryOptions = {}): Promise<RegistryProcess> {
  ensureDebianFile(REGISTRY_BIN, 'docker-registry');
  // The free port can be taken between probing and binding; a couple of retries cover that race.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      return await startOnce(options);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}
