/**
 * startHarness(): a token service, a token-auth registry and an open registry (real docker-registry),
 * each behind a counting proxy, with every test image pushed to both registries.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { removeCreatedRoots, runCli, spawnCli, type CliOptions, type CliProcess, type CliResult } from './cli.js';
import { startCountingProxy, type CountingProxy } from './counting-proxy.js';
import { testImagePlans } from './images.js';
import { makeSigningIdentity } from './pki.js';
import { RegistryClient, type PushPlan } from './push.js';
import { startRegistry, type RegistryProcess } from './registry.js';
import { startTokenService, type TokenService } from './token-service.js';

export * from './images.js';
export { freshRoot, MYDOCKER_BIN, runCli, spawnCli, type CliOptions, type CliProcess, type CliResult } from './cli.js';
export { RegistryClient, ACCEPT_ALL_MANIFESTS } from './push.js';

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
  /** Repositories to push (default: all test images). */
  only?: string[];
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
    const authRegistry = track(await startRegistry({
      realm: `http://${tokenProxy.address}/token`,
      service: TOKEN_SERVICE_NAME,
      issuer: TOKEN_ISSUER,
      rootCertBundle: identity.certPath,
    }));
    const openRegistry = track(await startRegistry());
    const authProxy = await proxy(authRegistry.port);
    const openProxy = await proxy(openRegistry.port);

    // Pushed straight to the registries (the realm still goes through its proxy; counts are read as deltas).
    const authClient = new RegistryClient(authRegistry.url);
    const openClient = new RegistryClient(openRegistry.url);
    const plans = (await testImagePlans()).filter((plan) => options.only?.includes(plan.repository) ?? true);
    // Repositories in parallel (plans of one repository in order: they share blobs).
    const byRepository = new Map<string, PushPlan[]>();
    for (const plan of plans) byRepository.set(plan.repository, [...(byRepository.get(plan.repository) ?? []), plan]);
    await Promise.all([...byRepository.values()].flatMap((group) => [authClient, openClient].map(async (client) => {
      for (const plan of group) await client.push(plan);
    })));

    return {
      authRegistry: authProxy.address,
      openRegistry: openProxy.address,
      connections: () => proxies.reduce((sum, each) => sum + each.connections(), 0),
      tokenRequests: () => tokens.requests(),
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
