/** Applying one image layer onto a root directory: OCI whiteouts, hardlinks, owners, modes, path safety. */
export { unpackLayer } from './unpack-layer.js';
export type { UnpackOptions, UnpackResult } from './unpack-layer.js';
export type { LayerFormat } from './apply-entry.js';
export type { DeferredLink } from './overlay-ops.js';
export { fsutilPath } from './overlay-ops.js';
export { prestartApplyWorker } from './worker-applier.js';
/** Decompression by magic bytes, for callers that hash a layer without applying it (image load). */
export { decompress, sniffCompression, type Compression } from './decompress.js';
