/** The token issuer's RSA key and self-signed certificate, made with the openssl CLI. */
import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface SigningIdentity {
  privateKey: KeyObject;
  /** PEM path, given to the registry as auth.token.rootcertbundle. */
  certPath: string;
  /** Base64 DER of the certificate, the JWT header's x5c[0]. */
  certDerBase64: string;
}

export function makeSigningIdentity(dir: string): SigningIdentity {
  const keyPath = path.join(dir, 'token.key');
  const certPath = path.join(dir, 'token.crt');
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath,
        '-days', '2', '-subj', '/CN=mydocker-harness-token-issuer'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
  } catch (error) {
    throw new Error(`openssl failed to make the token signing certificate (apt-get install -y openssl): ${String(error)}`);
  }
  const certificate = new X509Certificate(readFileSync(certPath));
  return {
    privateKey: createPrivateKey(readFileSync(keyPath)),
    certPath,
    certDerBase64: certificate.raw.toString('base64'),
  };
}
