import type { RequestEvent } from '../registry/index.js';

/** What a layer is doing, in the words docker pull prints. */
export type LayerStatus = 'waiting' | 'downloading' | 'verifying' | 'extracting' | 'complete' | 'exists';

/** Progress of a pull, as events; the CLI decides how to show them. */
export type PullEvent =
  | { type: 'pull-resolved'; repository: string; reference: string; digest: string }
  | { type: 'layer'; id: string; digest: string; status: LayerStatus; size: number; current?: number }
  | { type: 'pull-done'; digest: string; downloaded: boolean }
  | RequestEvent;
