import { familiarName, type Reference } from '../../reference/index.js';
import type { RunEvent } from '../../containers/index.js';
import { layerLine, TtyLayerBlock } from './tty-layers.js';

export interface PrinterOptions {
  trace: boolean;
  /** Redraw per-layer progress in place (stderr is a terminal). */
  live: boolean;
  /** Writes raw text to stderr. */
  write: (text: string) => void;
}

/**
 * Prints pull progress on stderr in docker pull's words. On a terminal the layer lines are live
 * (waiting, downloading with a bar, complete); otherwise one line per layer when it completes.
 * Registry requests only with --trace.
 */
export function pullPrinter(ref: Reference | undefined, options: PrinterOptions): (event: RunEvent) => void {
  let name = ref ? familiarName(ref) : '';
  const block = options.live ? new TtyLayerBlock(options.write) : undefined;
  const line = (text: string): void => options.write(`${text}\n`);
  return (event) => {
    switch (event.type) {
      case 'image-not-found-locally':
        name = familiarName(event.reference);
        line(`Unable to find image '${name}' locally`);
        break;
      case 'pull-resolved':
        line(`${event.reference}: Pulling from ${event.repository}`);
        break;
      case 'layer':
        if (block) block.set(event.id, layerLine(event.id, event.status, event.size, event.current));
        else if (event.status === 'complete' || event.status === 'exists') line(layerLine(event.id, event.status, event.size, undefined));
        break;
      case 'pull-done':
        block?.close();
        line(`Digest: ${event.digest}`);
        line(event.downloaded ? `Status: Downloaded newer image for ${name}` : `Status: Image is up to date for ${name}`);
        break;
      case 'snapshotter-fallback':
        line(`mydocker: overlayfs cannot be used (${event.reason}); the container runs on a copy of the image`);
        break;
      case 'registry-request':
        if (options.trace) line(`trace: ${event.method} ${event.url} → ${event.status} (${event.ms} ms)`);
        break;
      case 'registry-retry':
        if (options.trace) line(`trace: retry ${event.attempt} of ${event.url}${event.offset !== undefined ? ` from byte ${event.offset}` : ''} in ${event.delayMs} ms (${event.reason})`);
        break;
      default:
        break;
    }
  };
}
