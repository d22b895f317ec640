/**
 * What is known about one registry login. Either a username and password, or an identity token
 * (an OAuth2 refresh token a registry issued at login), sent only to the host it belongs to.
 */
export interface AuthConfig {
  /** The key it is stored under (https://index.docker.io/v1/ or host[:port]). */
  serverAddress: string;
  username: string;
  password: string;
  /** Exchanged for access tokens with the oauth2 refresh_token grant, instead of the password. */
  identityToken?: string;
}

/** Finds the credentials for a registry host (host[:port] as in a URL); undefined means anonymous. */
export interface Keychain {
  resolve(host: string): Promise<AuthConfig | undefined>;
}

/** A keychain that never has anything: anonymous pulls. */
export const ANONYMOUS: Keychain = { resolve: async () => undefined };
