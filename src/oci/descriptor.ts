import type { Platform } from './platform.js';

/** An OCI content descriptor: what a manifest says about a blob it refers to. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
}
