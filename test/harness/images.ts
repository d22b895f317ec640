/**
 * The test images: what each repository holds (so tests and harness agree) and how to build them.
 * Everything is built in-process from Debian's static busybox and cached on disk between test files.
 */
import { cachedPlans } from './blob-cache.js';
import { BUSYBOX_BIN, busyboxRootEntries, PATH_ENV } from './busybox-root.js';
import { HOSTILE_IMAGES } from './hostile-images.js';
import { ensureDebianFile } from './install.js';
import {
  buildImage, compressLayer, indexPlan, sha256, singlePlan,
  type BuiltImage, type ContainerConfig, type Format, type Layer, type Platform,
} from './image-format.js';
import { LAYER_LINKS, LAYER_RULES, LAYER_SETUP } from './layers-image.js';
import type { PushPlan } from './push.js';
import { buildTar, type TarEntry } from './tarball.js';

export { HOSTILE_IMAGES } from './hostile-images.js';
export { LAYERS_EXPECTATIONS, layersCheckScript, LONG_NAME } from './layers-image.js';
export { APP_USER, APPLETS, PATH_ENV, ROOT_DIRS } from './busybox-root.js';

/** Bump when any image content changes: it names the on-disk cache. */
export const IMAGES_VERSION = 'v4';

export const AMD64: Platform = { os: 'linux', architecture: 'amd64' };
export const ARM64: Platform = { os: 'linux', architecture: 'arm64', variant: 'v8' };
export const S390X: Platform = { os: 'linux', architecture: 's390x' };

/** Repository names and what their tags hold. */
export const IMAGES = {
  /** :latest and :1.36 — one OCI manifest, a single gzip layer (the busybox root); :schema2 — the same as a Docker schema2 manifest. Cmd ["sh"]. */
  busybox: 'library/busybox',
  /** :latest — Docker manifest list, linux/amd64 + linux/arm64/v8; /platform holds "linux/amd64" or "linux/arm64/v8". */
  multiarch: 'multiarch',
  /** :latest — the same as an OCI image index of OCI manifests. */
  ociindex: 'ociindex',
  /** :latest — OCI index with only linux/arm64/v8 and linux/s390x. */
  armonly: 'armonly',
  /** :latest — every layer rule (see layers-image.ts); layer 2 zstd, layer 3 uncompressed. */
  layers: 'layers',
  /** :latest — Entrypoint ["/bin/echo","entry"], Cmd ["cmd-default"], Env FOO=bar, WorkingDir /work, User app. */
  config: 'config',
  /** :latest — no Entrypoint, Cmd prints $FOO, pwd and id; Env FOO=bar, WorkingDir /work, User app. */
  configEnv: 'config-env',
  /** :latest — User "1000:1000", Cmd ["id"]. */
  configUid: 'config-uid',
  /** :latest — config diff_id of the second layer is wrong. */
  badDigest: 'bad-digest',
  /** :latest — 120 layers: the busybox root, then 119 layers each adding /layers/NNN (content "NNN"). */
  manyLayers: 'many-layers',
} as const;

export const SECOND_BUSYBOX_TAG = '1.36';
/** Layers of many-layers:latest (overlay option strings must stay under a page for it). */
export const MANY_LAYERS = 120;
export const SCHEMA2_BUSYBOX_TAG = 'schema2';
export const CONFIG_ENV_CMD = ['sh', '-c', 'echo "FOO=$FOO"; pwd; id'];
export const WORK_DIR = '/work';

async function layer(entries: TarEntry[], compression: Layer['compression'] = 'gzip'): Promise<Layer> {
  return compressLayer(await buildTar(entries), compression);
}

function image(format: Format, platform: Platform, layers: Layer[], config: ContainerConfig, diffIdsOverride?: string[]): BuiltImage {
  return buildImage({ format, platform, layers, config, ...(diffIdsOverride === undefined ? {} : { diffIdsOverride }) });
}

function platformMarker(platform: Platform): Promise<Layer> {
  const text = [platform.os, platform.architecture, platform.variant].filter((part) => part !== undefined).join('/');
  return layer([{ type: 'file', path: 'platform', content: `${text}\n` }]);
}

async function buildPlans(): Promise<PushPlan[]> {
  const base = await layer(busyboxRootEntries());
  const shCmd: ContainerConfig = { Env: [PATH_ENV], Cmd: ['sh'] };
  const plans: PushPlan[] = [
    singlePlan(IMAGES.busybox, ['latest', SECOND_BUSYBOX_TAG], image('oci', AMD64, [base], shCmd)),
    singlePlan(IMAGES.busybox, [SCHEMA2_BUSYBOX_TAG], image('docker', AMD64, [base], shCmd)),
  ];

  for (const [repository, format] of [[IMAGES.multiarch, 'docker'], [IMAGES.ociindex, 'oci']] as const) {
    const images = [
      image(format, AMD64, [base, await platformMarker(AMD64)], shCmd),
      image(format, ARM64, [base, await platformMarker(ARM64)], shCmd),
    ];
    plans.push(indexPlan(repository, ['latest'], format, images));
  }
  plans.push(indexPlan(IMAGES.armonly, ['latest'], 'oci', [
    image('oci', ARM64, [base, await platformMarker(ARM64)], shCmd),
    image('oci', S390X, [base, await platformMarker(S390X)], shCmd),
  ]));

  const rules = [base, await layer(LAYER_SETUP), await layer(LAYER_RULES, 'zstd'), await layer(LAYER_LINKS, 'none')];
  plans.push(singlePlan(IMAGES.layers, ['latest'], image('oci', AMD64, rules, shCmd)));

  const workLayer = await layer([{ type: 'dir', path: 'work' }, { type: 'file', path: 'work/hello.txt', content: 'hello' }]);
  const env = [PATH_ENV, 'FOO=bar'];
  plans.push(
    singlePlan(IMAGES.config, ['latest'], image('oci', AMD64, [base, workLayer], {
      Env: env, Entrypoint: ['/bin/echo', 'entry'], Cmd: ['cmd-default'], WorkingDir: WORK_DIR, User: 'app',
    })),
    singlePlan(IMAGES.configEnv, ['latest'], image('oci', AMD64, [base, workLayer], {
      Env: env, Cmd: CONFIG_ENV_CMD, WorkingDir: WORK_DIR, User: 'app',
    })),
    singlePlan(IMAGES.configUid, ['latest'], image('docker', AMD64, [base], { Env: [PATH_ENV], Cmd: ['id'], User: '1000:1000' })),
  );

  for (const hostile of HOSTILE_IMAGES) {
    plans.push(singlePlan(hostile.repository, ['latest'], image('oci', AMD64, [base, await layer(hostile.entries)], shCmd)));
  }

  const many = [base];
  for (let i = 1; i < MANY_LAYERS; i++) {
    const name = String(i).padStart(3, '0');
    many.push(await layer([{ type: 'dir', path: 'layers' }, { type: 'file', path: `layers/${name}`, content: name }]));
  }
  plans.push(singlePlan(IMAGES.manyLayers, ['latest'], image('oci', AMD64, many, shCmd)));

  const extra = await layer([{ type: 'file', path: 'extra.txt', content: 'extra' }]);
  plans.push(singlePlan(IMAGES.badDigest, ['latest'], image('oci', AMD64, [base, extra], shCmd, [base.diffId, sha256(Buffer.from('not the layer'))])));
  return plans;
}

/** All push plans, built once per machine (cached in the temp dir). */
export function testImagePlans(): Promise<PushPlan[]> {
  ensureDebianFile(BUSYBOX_BIN, 'busybox-static');
  return cachedPlans(IMAGES_VERSION, BUSYBOX_BIN, buildPlans);
}
