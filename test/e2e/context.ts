/**
 * Per-test-file setup: one harness (registries started, images pushed) and one MYDOCKER_ROOT with
 * busybox already pulled, for tests that are not about pulling.
 */
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { freshRoot, IMAGES, startHarness, type CliOptions, type CliResult, type Harness } from '../harness/index.js';

export interface E2EContext {
  h: Harness;
  /** A store where `busybox` (open registry) is already pulled. */
  warmRoot: string;
  /** "<open registry>/REPO:TAG" (or the auth registry when registry is 'auth'). */
  ref(repository: string, tag?: string, registry?: 'open' | 'auth'): string;
  busybox: string;
  /** Runs in warmRoot unless options.root is set. */
  run(args: string[], options?: CliOptions): Promise<CliResult>;
}

export function useHarness(): E2EContext {
  const context = {} as E2EContext;
  before(async () => {
    const h = await startHarness();
    context.h = h;
    context.ref = (repository, tag = 'latest', registry = 'open') =>
      `${registry === 'open' ? h.openRegistry : h.authRegistry}/${repository}:${tag}`;
    context.busybox = context.ref(IMAGES.busybox);
    context.warmRoot = freshRoot();
    context.run = (args, options = {}) => h.runCli(args, { root: context.warmRoot, ...options });
    const pulled = await h.runCli(['pull', context.busybox], { root: context.warmRoot });
    assert.equal(pulled.code, 0, `pulling busybox for the suite failed: ${pulled.stderr}`);
  });
  after(async () => {
    await context.h?.stop();
  });
  return context;
}

/** Same result fields, printed whole on failure so a red test says what mydocker did. */
export function show(result: CliResult): string {
  return JSON.stringify({ code: result.code, stdout: result.stdout, stderr: result.stderr, timedOut: result.timedOut });
}

export function assertRun(result: CliResult, expected: { code: number; stdout?: string; stderr?: string }): void {
  assert.equal(result.code, expected.code, show(result));
  if (expected.stdout !== undefined) assert.equal(result.stdout, expected.stdout, show(result));
  if (expected.stderr !== undefined) assert.equal(result.stderr, expected.stderr, show(result));
}
