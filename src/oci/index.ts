export { chainId } from './chain-id.js';
export type { Descriptor } from './descriptor.js';
export { digestHex, digestMismatch, isDigest, sha256Digest, verifyDigest } from './digest.js';
export { parseImageConfig, type ImageConfig } from './image-config.js';
export { parseManifest, type ImageIndex, type ImageManifest } from './manifest.js';
export { ACCEPTED_MANIFEST_TYPES, INDEX_MEDIA_TYPES, LAYER_MEDIA_TYPES, MANIFEST_MEDIA_TYPES, MediaType } from './media-types.js';
export { formatPlatform, hostPlatform, parsePlatform, platformMatches, type Platform } from './platform.js';
