export type { LayerStatus, PullEvent } from './events.js';
export { pull, type PullOptions, type PullResult } from './pull.js';
