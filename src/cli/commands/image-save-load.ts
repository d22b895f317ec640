import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { loadSettings } from '../../config/index.js';
import { MyDockerError } from '../../errors.js';
import type { CommandContext } from './context.js';
import { withImageStatus } from './image-status.js';

/** mydocker save [-o FILE] IMAGE...: the archive to FILE, or to stdout when it is not a terminal. */
export async function saveCommand(names: string[], flags: { output?: string }, context: CommandContext): Promise<number> {
  return withImageStatus(context, async () => {
    if (flags.output === undefined && process.stdout.isTTY) {
      throw new MyDockerError('usage', 'ERR_SAVE_TTY', 'cowardly refusing to save to a terminal', { hint: 'Use the -o flag or redirect.' });
    }
    const { saveImages } = await import('../../images/index.js');
    const destination = flags.output !== undefined ? { file: resolve(flags.output) } : { stream: process.stdout };
    await saveImages(loadSettings(), names, destination, { signal: context.signal });
    return 0;
  });
}

/** mydocker load [-i FILE] [-q]: "Loaded image: NAME:TAG" (or "Loaded image ID: …") on stdout. */
export async function loadCommand(flags: { input?: string; quiet?: boolean }, context: CommandContext): Promise<number> {
  return withImageStatus(context, async () => {
    if (flags.input === undefined && process.stdin.isTTY) {
      throw new MyDockerError('usage', 'ERR_LOAD_TTY', 'requested load from stdin, but stdin is empty', { hint: 'Use the -i flag or redirect an archive to stdin.' });
    }
    let input: NodeJS.ReadableStream = process.stdin;
    if (flags.input !== undefined) {
      const file = flags.input;
      input = createReadStream(file);
      // Open errors surface as one clear line rather than a stream error deep in the tar parser.
      await new Promise<void>((resolveOpen, reject) => {
        (input as ReturnType<typeof createReadStream>).once('open', () => resolveOpen());
        (input as ReturnType<typeof createReadStream>).once('error', (error) =>
          reject(new MyDockerError('not-found', 'ERR_LOAD_INPUT', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error.message}`)));
      });
    }
    const { loadImages } = await import('../../images/index.js');
    await loadImages(loadSettings(), input, {
      signal: context.signal,
      onEvent: (event) => {
        if (flags.quiet) return;
        if (event.type === 'name-moved') context.writeOut(`The image ${event.name} already exists, renaming the old one with ID ${event.previousId} to empty string`);
        else context.writeOut(event.type === 'loaded-name' ? `Loaded image: ${event.name}` : `Loaded image ID: ${event.id}`);
      },
    });
    return 0;
  });
}
