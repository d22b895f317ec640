/**
 * startHarness(): a token service, a token-auth registry and an open registry (real docker-registry),
 * each behind a counting proxy, with every test image pushed to both registries.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { removeCreatedRoots, runCli, spawnCli, type CliOptions, type CliProcess, type CliResult } from './cli.js';
import { startCountingProxy, type CountingProxy } from './counting-proxy.js';
import { seedStorage } from './seed-storage.js';
import { makeSigningIdentity } from './pki.js';
import { RegistryClient } from './push.js';
import { startRegistry, type RegistryProcess } from './registry.js';
import { startTokenService, type TokenService } from './token-service.js';

export * from './images.js';
export { freshRoot, MYDOCKER_BIN, runCli, spawnCli, type CliOptions, type CliProcess, type CliResult } from './cli.js';
export { RegistryClient, ACCEPT_ALL_MANIFESTS, type PushPlan } from './push.js';
export { pushPlans } from './seed-storage.js';
export { startBasicRegistry } from './basic-registry.js';
export { startCdnFront, type CdnFront } from './cdn-front.js';
export { HARNESS_USER, HARNESS_PASSWORD, READER_USER, READER_PASSWORD, PRIVATE_PREFIX, IDENTITY_TOKENS, OAUTH_USER, OAUTH_PASSWORD } from './token-service.js';
export { startCountingProxy, type CountingProxy } from './counting-proxy.js';

export const TOKEN_SERVICE_NAME = 'mydocker-harness-registry';
export const TOKEN_ISSUER = 'mydocker-harness-token-issuer';

export interface Harness {
  /** host:port (a counting proxy) of the registry that demands bearer tokens. */
  authRegistry: string;
  /** host:port (a counting proxy) of the registry without auth. */
  openRegistry: string;
  /** TCP connections opened so far to either registry or the token realm. */
  connections(): number;
  /** Token requests the token service answered so far. */
  tokenRequests(): number;
  /** Scopes asked of the token service so far, in order ("repository:NAME:pull"). */
  tokenScopes(): string[];
  /** Authorization headers of the token requests so far, in order (undefined: anonymous). */
  tokenAuthorizations(): Array<string | undefined>;
  /** Lifetime (expires_in, exp) of tokens issued from now on. */
  setTokenLifetimeSeconds(seconds: number): void;
  /** Clients talking to the registries directly (not counted), e.g. to inspect manifests. */
  authClient: RegistryClient;
  openClient: RegistryClient;
  runCli(args: string[], options?: CliOptions): Promise<CliResult>;
  spawnCli(args: string[], options?: CliOptions): CliProcess;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  tokenLifetimeSeconds?: number;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const stoppers: Array<() => Promise<void>> = [];
  const stop = async (): Promise<void> => {
    for (const stopOne of stoppers.splice(0).reverse()) await stopOne().catch(() => undefined);
    removeCreatedRoots();
  };
  try {
    const pkiDir = mkdtempSync(path.join(os.tmpdir(), 'mydocker-harness-pki-'));
    stoppers.push(async () => rmSync(pkiDir, { recursive: true, force: true }));
    const identity = makeSigningIdentity(pkiDir);

    const tokens: TokenService = await startTokenService({
      identity,
      issuer: TOKEN_ISSUER,
      service: TOKEN_SERVICE_NAME,
      ...(options.tokenLifetimeSeconds === undefined ? {} : { lifetimeSeconds: options.tokenLifetimeSeconds }),
    });
    stoppers.push(() => tokens.stop());
    const proxies: CountingProxy[] = [];
    const proxy = async (port: number): Promise<CountingProxy> => {
      const started = await startCountingProxy(port);
      stoppers.push(() => started.stop());
      proxies.push(started);
      return started;
    };
    const tokenProxy = await proxy(tokens.port);

    const track = (registry: RegistryProcess): RegistryProcess => {
      stoppers.push(() => registry.stop());
      return registry;
    };
    // Every test image is already in the seed storage: both registries start with a copy of it.
    const seed = await seedStorage();
    const authRegistry = track(await startRegistry({
      seedStorage: seed,
      auth: {
        realm: `http://${tokenProxy.address}/token`,
        service: TOKEN_SERVICE_NAME,
        issuer: TOKEN_ISSUER,
        rootCertBundle: identity.certPath,
      },
    }));
    const openRegistry = track(await startRegistry({ seedStorage: seed }));
    const authProxy = await proxy(authRegistry.port);
    const openProxy = await proxy(openRegistry.port);

    // Clients straight to the registries (not counted), to inspect or push more.
    const authClient = new RegistryClient(authRegistry.url);
    const openClient = new RegistryClient(openRegistry.url);

    return {
      authRegistry: authProxy.address,
      openRegistry: openProxy.address,
      connections: () => proxies.reduce((sum, each) => sum + each.connections(), 0),
      tokenRequests: () => tokens.requests(),
      tokenScopes: () => tokens.scopes(),
      tokenAuthorizations: () => tokens.authorizations(),
      setTokenLifetimeSeconds: (seconds) => tokens.setLifetimeSeconds(seconds),
      authClient,
      openClient,
      runCli,
      spawnCli,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
