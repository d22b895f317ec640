/**
 * A registry storage dir with every test image pushed, made once per machine (per image version) in
 * the temp dir. Each harness registry starts from a copy, so test files do not push again.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testImagePlans, IMAGES_VERSION } from './images.js';
import { RegistryClient, type PushPlan } from './push.js';
import { startRegistry } from './registry.js';

export async function pushPlans(client: RegistryClient, plans: PushPlan[]): Promise<void> {
  // Repositories in parallel (plans of one repository in order: they share blobs and tags).
  const byRepository = new Map<string, PushPlan[]>();
  for (const plan of plans) byRepository.set(plan.repository, [...(byRepository.get(plan.repository) ?? []), plan]);
  await Promise.all([...byRepository.values()].map(async (group) => {
    for (const plan of group) await client.push(plan);
  }));
}

export async function seedStorage(): Promise<string> {
  const plans = await testImagePlans();
  const target = path.join(os.tmpdir(), `mydocker-harness-storage-${IMAGES_VERSION}-${plans.map((plan) => plan.top.digest.slice(7, 15)).join('')}`.slice(0, 200));
  if (existsSync(target)) return target;
  const registry = await startRegistry();
  try {
    await pushPlans(new RegistryClient(registry.url), plans);
  } catch (error) {
    await registry.stop();
    throw error;
  }
  const staged = `${target}.tmp-${process.pid}`;
  rmSync(staged, { recursive: true, force: true });
  // Moved out before stop() deletes the registry's temp dir; the registry is idle by now.
  renameSync(registry.storage, staged);
  await registry.stop();
  try {
    renameSync(staged, target);
  } catch {
    rmSync(staged, { recursive: true, force: true }); // another test file made it first
  }
  return target;
}
