export { SnapshotStore, type LayerDir, type SnapshotInfo } from './snapshot-store.js';
export { findInLayers, isWhiteout } from './read-through.js';
export { copyLayers } from './copy-layers.js';
export { LayerLock } from './layer-lock.js';
