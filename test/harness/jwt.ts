/** RS256 JWTs in the shape docker distribution's token auth accepts (x5c header chain). */
import { createSign, randomUUID } from 'node:crypto';
import type { SigningIdentity } from './pki.js';

export interface AccessEntry {
  type: string;
  name: string;
  actions: string[];
}

export interface TokenClaims {
  issuer: string;
  subject: string;
  audience: string;
  lifetimeSeconds: number;
  access: AccessEntry[];
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

export function signToken(identity: SigningIdentity, claims: TokenClaims, now = Date.now()): string {
  const seconds = Math.floor(now / 1000);
  const header = { alg: 'RS256', typ: 'JWT', x5c: [identity.certDerBase64] };
  const payload = {
    iss: claims.issuer,
    sub: claims.subject,
    aud: claims.audience,
    exp: seconds + claims.lifetimeSeconds,
    // A little slack so a token minted this second is not "not yet valid" for the registry.
    nbf: seconds - 5,
    iat: seconds,
    jti: randomUUID(),
    access: claims.access,
  };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const signature = createSign('RSA-SHA256').update(signingInput).sign(identity.privateKey);
  return `${signingInput}.${base64url(signature)}`;
}
