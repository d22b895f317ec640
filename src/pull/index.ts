export type { LayerStatus, PullEvent } from './events.js';
export { pull, unpackImage, type PullOptions, type PullResult, type UnpackImageOptions } from './pull.js';
export { shortId } from './layer-pipeline.js';
