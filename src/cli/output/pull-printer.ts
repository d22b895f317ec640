import { familiarName, type Reference } from '../../reference/index.js';
import type { RunEvent } from '../../containers/index.js';

/**
 * Prints pull progress on stderr in docker pull's words, one line per completed layer (the live
 * in-place display for terminals comes with the progress work). Registry requests only with --trace.
 */
export function pullPrinter(ref: Reference | undefined, trace: boolean, write: (line: string) => void): (event: RunEvent) => void {
  let name = ref ? familiarName(ref) : '';
  return (event) => {
    switch (event.type) {
      case 'image-not-found-locally':
        name = familiarName(event.reference);
        write(`Unable to find image '${name}' locally`);
        break;
      case 'pull-resolved':
        write(`${event.reference.startsWith('sha256:') ? event.reference : event.reference}: Pulling from ${event.repository}`);
        break;
      case 'layer':
        if (event.status === 'complete') write(`${event.id}: Pull complete`);
        if (event.status === 'exists') write(`${event.id}: Already exists`);
        break;
      case 'pull-done':
        write(`Digest: ${event.digest}`);
        write(event.downloaded ? `Status: Downloaded newer image for ${name}` : `Status: Image is up to date for ${name}`);
        break;
      case 'registry-request':
        if (trace) write(`trace: ${event.method} ${event.url} → ${event.status} (${event.ms} ms)`);
        break;
      default:
        break;
    }
  };
}
