import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { MyDockerError } from '../errors.js';

/** What a TLS connection to one registry trusts and presents. */
export interface TlsSettings {
  /** Node's bundled CAs + the system store + the registry's certs.d CAs (PEM strings). */
  ca: string[];
  cert?: string;
  key?: string;
  /** The certs.d directory consulted for this registry (for messages). */
  certsDir: string;
}

/** Where Go (and so Docker) looks for the system's CA bundle, in order. */
const SYSTEM_CA_FILES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
  '/etc/ssl/cert.pem',
];

/** Docker's per-registry directory: /etc/docker/certs.d, or MYDOCKER_CERTS_D (tests, rootless). */
export function certsDRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env['MYDOCKER_CERTS_D'] || '/etc/docker/certs.d';
}

/** certs.d/HOST[:PORT]: Docker names the directory after the registry host as written in references. */
export function certsDirFor(url: URL, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(certsDRoot(env), url.host);
}

let baseCas: Promise<string[]> | undefined;

// Read on the first https request only: a run of a local image must not pay for parsing ~150 CAs.
function loadBaseCas(env: NodeJS.ProcessEnv): Promise<string[]> {
  baseCas ??= (async () => {
    const { rootCertificates } = await import('node:tls');
    const file = env['SSL_CERT_FILE'] || SYSTEM_CA_FILES.find((f) => existsSync(f));
    let system: string[] = [];
    try {
      if (file !== undefined) system = [readFileSync(file, 'utf8')];
    } catch {
      system = [];
    }
    return [...rootCertificates, ...system];
  })();
  return baseCas;
}

function readPem(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new MyDockerError('tls', 'ERR_TLS_FILES', `cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * The TLS settings for one https registry, as Docker builds them: *.crt files in certs.d/HOST are
 * extra CAs; each X.cert with its X.key is a client certificate (mutual TLS).
 */
export async function tlsSettingsFor(url: URL, env: NodeJS.ProcessEnv = process.env): Promise<TlsSettings> {
  const certsDir = certsDirFor(url, env);
  const ca = [...(await loadBaseCas(env))];
  const settings: TlsSettings = { ca, certsDir };
  let names: string[];
  try {
    names = readdirSync(certsDir).sort();
  } catch {
    return settings;
  }
  for (const name of names) {
    const file = path.join(certsDir, name);
    if (name.endsWith('.crt')) ca.push(readPem(file));
    else if (name.endsWith('.cert')) {
      const keyName = `${name.slice(0, -'.cert'.length)}.key`;
      if (!names.includes(keyName)) {
        throw new MyDockerError('tls', 'ERR_TLS_FILES', `missing key ${keyName} for client certificate ${file}`, {
          hint: 'Docker needs each client .cert next to its .key.',
        });
      }
      settings.cert = readPem(file);
      settings.key = readPem(path.join(certsDir, keyName));
    } else if (name.endsWith('.key')) {
      const certName = `${name.slice(0, -'.key'.length)}.cert`;
      if (!names.includes(certName)) {
        throw new MyDockerError('tls', 'ERR_TLS_FILES', `missing client certificate ${certName} for key ${file}`);
      }
    }
  }
  return settings;
}

/** Forgets the cached CA list (tests). */
export function resetTlsCache(): void {
  baseCas = undefined;
}

/**
 * Why a TLS server hung up on us, when undici only saw "other side closed": Go servers that demand
 * a client certificate finish the TLS 1.3 handshake and then send an alert, which undici reports as
 * a plain close. One direct connection with the same settings reads that alert. Only used on the
 * failure path; resolves undefined when the connection works or fails for another reason.
 */
export async function probeTlsFailure(url: URL, settings: TlsSettings, timeoutMs = 3000): Promise<Error | undefined> {
  const { connect } = await import('node:tls');
  return new Promise((resolve) => {
    const socket = connect({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port || 443),
      servername: url.hostname,
      ca: settings.ca,
      ...(settings.cert === undefined ? {} : { cert: settings.cert, key: settings.key }),
    }, () => {
      socket.write(`GET /v2/ HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n\r\n`);
    });
    const done = (error: Error | undefined): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(error);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.on('error', (error) => done(/SSL|TLS|CERT/i.test(`${(error as { code?: string }).code ?? ''} ${error.message}`) ? error : undefined));
    socket.on('data', () => done(undefined));
    socket.on('close', () => done(undefined));
  });
}
