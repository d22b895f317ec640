import { pipeline } from 'node:stream/promises';
import { MyDockerError } from '../errors.js';
import { digestHex, digestMismatch, LAYER_MEDIA_TYPES } from '../oci/index.js';
import type { RootfsStore } from '../snapshots/index.js';
import { VerifyStream } from '../store/index.js';
import { unpackLayer } from '../unpack/index.js';
import type { PullEvent } from './events.js';
import type { RemoteImage } from './fetch-image.js';

/** Docker's short layer id: the first 12 hex digits of the digest. */
export function shortId(digest: string): string {
  return digestHex(digest).slice(0, 12);
}

/**
 * Downloads every layer and applies it, in order, onto a private directory, as one streaming pass
 * per layer: download → sha256 of the compressed bytes → decompress → sha256 of the tar (checked
 * against the config's diff_id) → unpack. The root is published only when all of it matched.
 */
export async function buildRootfs(image: RemoteImage, chainId: string, rootfs: RootfsStore, signal: AbortSignal | undefined, emit: (e: PullEvent) => void): Promise<string> {
  const { layers } = image.manifest;
  for (const layer of layers) {
    if (!LAYER_MEDIA_TYPES.includes(layer.mediaType)) {
      throw new MyDockerError('unsupported', 'ERR_LAYER_MEDIA_TYPE', `layer ${shortId(layer.digest)} has unsupported media type "${layer.mediaType}"`);
    }
    emit({ type: 'layer', id: shortId(layer.digest), digest: layer.digest, status: 'waiting', size: layer.size });
  }
  rootfs.removeStaleTemps();
  const temp = rootfs.createTemp();
  try {
    for (const [i, layer] of layers.entries()) {
      const id = shortId(layer.digest);
      emit({ type: 'layer', id, digest: layer.digest, status: 'downloading', size: layer.size });
      const { body } = await image.client.getBlob(layer.digest);
      let lastReport = 0;
      const verify = new VerifyStream(layer.digest, layer.size, `layer ${id}`, (current) => {
        // At most ten progress events a second per layer: enough for a live display.
        const now = performance.now();
        if (now - lastReport < 100) return;
        lastReport = now;
        emit({ type: 'layer', id, digest: layer.digest, status: 'downloading', size: layer.size, current });
      });
      const piping = pipeline(body, verify);
      const [result] = await Promise.all([unpackLayer(verify, layer.mediaType, temp, signal === undefined ? {} : { signal }), verify.verified, piping]);
      const expected = image.config.rootfs.diff_ids[i];
      if (result.diffId !== expected) throw digestMismatch(`layer ${id} (uncompressed)`, expected ?? '(none)', result.diffId);
      emit({ type: 'layer', id, digest: layer.digest, status: 'complete', size: layer.size });
    }
    return rootfs.commit(temp, chainId);
  } catch (error) {
    rootfs.discard(temp);
    throw error;
  }
}
