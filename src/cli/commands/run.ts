import { loadSettings } from '../../config/index.js';
import { run } from '../../containers/index.js';
import { MyDockerError } from '../../errors.js';
import { parsePlatform, type Platform } from '../../oci/index.js';
import { pullPrinter } from '../output/pull-printer.js';
import type { CommandContext } from './context.js';

export interface RunFlags {
  interactive?: boolean;
  rm?: boolean;
  platform?: string;
}

/** Parses --platform os/arch[/variant] into a Platform, or fails with a usage error. */
export function platformFlag(value: string | undefined): Platform | undefined {
  if (value === undefined) return undefined;
  const platform = parsePlatform(value);
  if (!platform) throw new MyDockerError('usage', 'ERR_BAD_PLATFORM', `invalid platform "${value}": expected os/arch[/variant], e.g. linux/arm64/v8`);
  return platform;
}

/** mydocker run IMAGE [COMMAND [ARG...]]: returns the container's exit code (128+N for signal N). */
export async function runCommand(image: string, command: string[], flags: RunFlags, context: CommandContext): Promise<number> {
  const settings = loadSettings();
  const platform = platformFlag(flags.platform);
  const printer = pullPrinter(undefined, { trace: context.trace, live: context.errIsTty, write: context.writeErrRaw });
  const { outcome } = await run(image, {
    settings,
    command,
    interactive: flags.interactive === true,
    ...(platform && { platform }),
    signal: context.signal,
    onEvent: (event) => {
      if (event.type === 'container-created') context.containerStarted();
      printer(event);
    },
  });
  return outcome.kind === 'exited' ? outcome.code : 128 + outcome.signal;
}
