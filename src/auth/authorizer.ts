import type { AuthConfig, Keychain } from '../credentials/index.js';
import { MyDockerError } from '../errors.js';
import { parseChallenge } from './challenge.js';
import { basicAuthorization, fetchToken, type Token, type TokenCredentials, type TokenFetch } from './token.js';

/**
 * Authorization for one registry host and one repository scope. It attaches a token (or Basic
 * credentials) only to requests for its own origin — credentials never go to another host, e.g. a
 * CDN redirect target — and learns from 401 challenges: the realm and service always come from the
 * registry. Credentials are looked up in the keychain only when the registry asks for them, and
 * are sent only to that registry (Basic) or to the token realm its challenge names (Bearer).
 */
export class Authorizer {
  private token: Token | undefined;
  private challenge: { realm: string; service: string | undefined } | undefined;
  private basic: string | undefined;
  private credentials: AuthConfig | undefined | null = null; // null: not looked up yet
  /** True once credentials from the keychain were sent (to the registry or its token realm). */
  credentialsUsed = false;
  /** Ask the token service for a refresh token along with the password (login does). */
  offline = false;
  /** The refresh token the token service gave, if asked and given. */
  refreshToken: string | undefined;

  constructor(
    private readonly origin: string,
    private readonly scopes: string[],
    private readonly fetch: TokenFetch,
    private readonly keychain?: Keychain,
  ) {}

  /** The Authorization header for `url`, or undefined when none applies (other host, no token). */
  async header(url: URL): Promise<string | undefined> {
    if (url.origin !== this.origin) return undefined;
    if (this.basic !== undefined) return this.basic;
    if (this.challenge === undefined) return undefined;
    if (this.token === undefined || Date.now() >= this.token.expiresAt) await this.refresh();
    return this.token ? `Bearer ${this.token.value}` : undefined;
  }

  /**
   * Reads a 401's WWW-Authenticate header. Returns true when a retry may now succeed (a new or
   * refreshed token, or Basic credentials not yet tried), false when it cannot.
   */
  async learn(url: URL, wwwAuthenticate: string | undefined): Promise<boolean> {
    if (url.origin !== this.origin || !wwwAuthenticate) return false;
    const challenge = parseChallenge(wwwAuthenticate);
    if (challenge?.scheme === 'basic') {
      if (this.basic !== undefined) return false; // these credentials were just refused
      const credentials = await this.lookup();
      if (!credentials || credentials.identityToken !== undefined || credentials.username === '') return false;
      this.basic = basicAuthorization(credentials.username, credentials.password);
      this.credentialsUsed = true;
      return true;
    }
    const realm = challenge?.params['realm'];
    if (challenge?.scheme !== 'bearer' || !realm) return false;
    const hadToken = this.token !== undefined && this.challenge?.realm === realm;
    this.challenge = { realm, service: challenge.params['service'] };
    this.token = undefined;
    await this.refresh();
    // A 401 right after a fresh token means the scope was refused; retrying again would loop.
    return !hadToken || this.token !== undefined;
  }

  private async lookup(): Promise<AuthConfig | undefined> {
    if (this.credentials === null) this.credentials = await this.keychain?.resolve(new URL(this.origin).host);
    return this.credentials;
  }

  private async refresh(): Promise<void> {
    if (!this.challenge) return;
    const found = await this.lookup();
    let credentials: TokenCredentials | undefined;
    if (found?.identityToken !== undefined) credentials = { kind: 'identity-token', token: found.identityToken };
    else if (found !== undefined && found.username !== '') credentials = { kind: 'basic', username: found.username, password: found.password, offline: this.offline };
    // An https registry naming a plain-http realm would have the password cross the network in
    // clear; that is a downgrade we refuse rather than follow.
    if (credentials !== undefined && this.origin.startsWith('https:') && new URL(this.challenge.realm).protocol === 'http:') {
      throw new MyDockerError('network', 'ERR_INSECURE_REALM',
        `${new URL(this.origin).host} named a plain-HTTP token realm (${this.challenge.realm}); credentials are not sent over plain HTTP`);
    }
    if (credentials !== undefined) this.credentialsUsed = true;
    this.token = await fetchToken(this.fetch, this.challenge.realm, this.challenge.service, this.scopes, Date.now(), credentials);
    this.refreshToken = this.token.refreshToken ?? this.refreshToken;
  }
}
