export { ImageRefs, type RefEntry } from './image-refs.js';
export { resolveLocalImage, type LocalImage } from './resolve-local.js';
export { findLocalImage } from './find-local.js';
export { listImages, type ImageSummary, type ListOptions } from './list.js';
export { inspectImage, inspectImages, type ImageInspect } from './inspect.js';
export { tagImage } from './tag.js';
export { removeImages, type RemoveResult, type RemoveStep, type RemoveOptions } from './remove.js';
export { pruneImages, type PruneOptions, type PruneResult } from './prune.js';
export { diskUsage, type UsageLine } from './disk-usage.js';
