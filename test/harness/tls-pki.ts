/**
 * A private CA and the certificates signed by it, made with the openssl CLI: a server certificate
 * for a TLS registry (with the names and addresses it is reached by) and a client certificate for
 * mutual TLS. Laid out as Docker's certs.d expects.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface PrivatePki {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
  /** A CA that signed the client certificate (given to the registry as clientcas). */
  clientCaCert: string;
  clientCert: string;
  clientKey: string;
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    throw new Error(`openssl ${args[0] ?? ''} failed (apt-get install -y openssl): ${String(error)}`);
  }
}

function makeCa(dir: string, name: string): { cert: string; key: string } {
  const key = path.join(dir, `${name}.key`);
  const cert = path.join(dir, `${name}.crt`);
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2',
    '-subj', `/CN=mydocker test ${name}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  return { cert, key };
}

function sign(dir: string, name: string, ca: { cert: string; key: string }, subject: string, extensions: string): { cert: string; key: string } {
  const key = path.join(dir, `${name}.key`);
  const csr = path.join(dir, `${name}.csr`);
  const cert = path.join(dir, `${name}.crt`);
  const ext = path.join(dir, `${name}.ext`);
  writeFileSync(ext, extensions);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', subject], dir);
  openssl(['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', cert, '-days', '2', '-extfile', ext], dir);
  return { cert, key };
}

/** A CA, a server certificate for `dnsNames` and `ips`, and a client certificate from a second CA. */
export function makePrivatePki(dir: string, dnsNames: string[], ips: string[]): PrivatePki {
  mkdirSync(dir, { recursive: true });
  const ca = makeCa(dir, 'ca');
  const san = [...dnsNames.map((n) => `DNS:${n}`), ...ips.map((ip) => `IP:${ip}`)].join(',');
  const server = sign(dir, 'server', ca, '/CN=mydocker test registry',
    `subjectAltName=${san}\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n`);
  const clientCa = makeCa(dir, 'client-ca');
  const client = sign(dir, 'client', clientCa, '/CN=mydocker test client', 'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n');
  return { dir, caCert: ca.cert, serverCert: server.cert, serverKey: server.key, clientCaCert: clientCa.cert, clientCert: client.cert, clientKey: client.key };
}

/**
 * A certs.d tree for `hosts` ("host:port"): ca.crt, and client.cert/client.key when `client` is set.
 * Returns the tree's root, for MYDOCKER_CERTS_D.
 */
export function writeCertsD(root: string, pki: PrivatePki, hosts: string[], parts: { ca: boolean; client: boolean }): string {
  for (const host of hosts) {
    const dir = path.join(root, host);
    mkdirSync(dir, { recursive: true });
    if (parts.ca) writeFileSync(path.join(dir, 'ca.crt'), readFileSync(pki.caCert));
    if (parts.client) {
      writeFileSync(path.join(dir, 'client.cert'), readFileSync(pki.clientCert));
      writeFileSync(path.join(dir, 'client.key'), readFileSync(pki.clientKey));
    }
  }
  return root;
}
