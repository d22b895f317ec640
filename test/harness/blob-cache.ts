/**
 * Keeps built push plans (and their blobs) in a temp dir so each test file does not rebuild and
 * recompress the images. The key covers the harness image version and the busybox binary.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PushBlob, PushManifest, PushPlan } from './push.js';

interface StoredManifest { mediaType: string; digest: string; bytes: string }
interface StoredPlan { repository: string; tags: string[]; blobs: string[]; children: StoredManifest[]; top: StoredManifest }

function cacheDir(version: string, busybox: string): string {
  const info = statSync(busybox);
  return path.join(os.tmpdir(), `mydocker-harness-images-${version}-${info.size}-${Math.floor(info.mtimeMs)}`);
}

const toStored = (manifest: PushManifest): StoredManifest => ({ ...manifest, bytes: manifest.bytes.toString('base64') });
const fromStored = (manifest: StoredManifest): PushManifest => ({ ...manifest, bytes: Buffer.from(manifest.bytes, 'base64') });

export async function cachedPlans(version: string, busybox: string, build: () => Promise<PushPlan[]>): Promise<PushPlan[]> {
  const dir = cacheDir(version, busybox);
  const index = path.join(dir, 'plans.json');
  if (existsSync(index)) {
    try {
      const stored = JSON.parse(readFileSync(index, 'utf8')) as StoredPlan[];
      return stored.map((plan) => ({
        repository: plan.repository,
        tags: plan.tags,
        blobs: plan.blobs.map((digest): PushBlob => ({ digest, data: readFileSync(path.join(dir, digest.replace(':', '-'))) })),
        children: plan.children.map(fromStored),
        top: fromStored(plan.top),
      }));
    } catch {
      // A damaged cache is rebuilt below.
    }
  }
  const plans = await build();
  // Written to a private dir and renamed, so a concurrent test file never reads half a cache.
  const temp = `${dir}.tmp-${process.pid}`;
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp, { recursive: true });
  for (const blob of plans.flatMap((plan) => plan.blobs)) writeFileSync(path.join(temp, blob.digest.replace(':', '-')), blob.data);
  const stored: StoredPlan[] = plans.map((plan) => ({
    repository: plan.repository,
    tags: plan.tags,
    blobs: plan.blobs.map((blob) => blob.digest),
    children: plan.children.map(toStored),
    top: toStored(plan.top),
  }));
  writeFileSync(path.join(temp, 'plans.json'), JSON.stringify(stored));
  try {
    renameSync(temp, dir);
  } catch {
    rmSync(temp, { recursive: true, force: true }); // someone else won the race: theirs is as good
  }
  return plans;
}
