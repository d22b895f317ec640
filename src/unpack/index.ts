/** Applying one image layer onto a root directory: OCI whiteouts, hardlinks, owners, modes, path safety. */
export { unpackLayer } from './unpack-layer.js';
export type { UnpackOptions, UnpackResult } from './unpack-layer.js';
