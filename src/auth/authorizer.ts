import { parseChallenge } from './challenge.js';
import { fetchToken, type Token, type TokenFetch } from './token.js';

/**
 * Authorization for one registry host and one repository scope. It attaches a token only to
 * requests for its own origin (credentials never go to another host, e.g. a CDN redirect target),
 * and learns from 401 challenges: the realm and service always come from the registry.
 */
export class Authorizer {
  private token: Token | undefined;
  private challenge: { realm: string; service: string | undefined } | undefined;

  constructor(
    private readonly origin: string,
    private readonly scopes: string[],
    private readonly fetch: TokenFetch,
  ) {}

  /** The Authorization header for `url`, or undefined when none applies (other host, no token). */
  async header(url: URL): Promise<string | undefined> {
    if (url.origin !== this.origin || this.challenge === undefined) return undefined;
    if (this.token === undefined || Date.now() >= this.token.expiresAt) await this.refresh();
    return this.token ? `Bearer ${this.token.value}` : undefined;
  }

  /**
   * Reads a 401's WWW-Authenticate header. Returns true when a retry may now succeed (a new or
   * refreshed token), false when the registry asks for something we cannot give (e.g. Basic).
   */
  async learn(url: URL, wwwAuthenticate: string | undefined): Promise<boolean> {
    if (url.origin !== this.origin || !wwwAuthenticate) return false;
    const challenge = parseChallenge(wwwAuthenticate);
    const realm = challenge?.params['realm'];
    if (challenge?.scheme !== 'bearer' || !realm) return false;
    const hadToken = this.token !== undefined && this.challenge?.realm === realm;
    this.challenge = { realm, service: challenge.params['service'] };
    this.token = undefined;
    await this.refresh();
    // A 401 right after a fresh token means the scope was refused; retrying again would loop.
    return !hadToken || this.token !== undefined;
  }

  private async refresh(): Promise<void> {
    if (!this.challenge) return;
    this.token = await fetchToken(this.fetch, this.challenge.realm, this.challenge.service, this.scopes);
  }
}
