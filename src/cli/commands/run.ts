import { loadSettings } from '../../config/index.js';
import { run } from '../../containers/index.js';
import { MyDockerError } from '../../errors.js';
import { parsePlatform, type Platform } from '../../oci/index.js';
import { pullPrinter } from '../output/pull-printer.js';
import type { CommandContext, CommandRegistrar } from './context.js';
import { addConfineOptions, parseConfineFlags, type ConfineFlags } from './run-options.js';
import { formatBytes } from '../../cgroups/index.js';
import { parseReference } from '../../reference/index.js';

export interface RunFlags extends ConfineFlags {
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
  const config = parseConfineFlags(flags);
  const printer = pullPrinter(config.pull === 'always' ? parseReference(image) : undefined, { trace: context.trace, live: context.errIsTty, write: context.writeErrRaw });
  const { outcome } = await run(image, {
    settings,
    command,
    interactive: flags.interactive === true,
    ...(platform && { platform }),
    config,
    signal: context.signal,
    onEvent: (event) => {
      if (event.type === 'container-created') context.containerStarted();
      if (event.type === 'warning') context.writeErr(`WARNING: ${event.message}`);
      if (event.type === 'out-of-memory') {
        const limit = config.resources?.memory;
        const what = event.mainProcess ? `container ${event.id.slice(0, 12)}` : `a process of container ${event.id.slice(0, 12)}`;
        context.writeErr(`mydocker: ${what} ran out of memory${limit ? ` (limit ${formatBytes(limit)}, --memory)` : ''} and was killed by the kernel's OOM killer`);
      }
      printer(event);
    },
  });
  return outcome.kind === 'exited' ? outcome.code : 128 + outcome.signal;
}

export const registerRun: CommandRegistrar = (program, context, result) => {
  const runCmd = program
    .command('run')
    .description('Run a command in a new container, pulling the image first if it is not local')
    .usage('[OPTIONS] IMAGE [COMMAND] [ARG...]')
    .argument('<image>', 'image reference, e.g. alpine:latest')
    .argument('[command...]', "command and arguments (replace the image's Cmd)")
    .option('-i, --interactive', 'keep stdin open and pass it to the container')
    .option('--rm', 'remove the container when it exits (always the case for now)')
    .option('--platform <os/arch[/variant]>', 'pick this platform from a multi-platform image')
    .passThroughOptions();
  addConfineOptions(runCmd)
    .helpOption('--help', 'display help for command')
    .action(async (image: string, command: string[], flags: RunFlags) => {
      result.code = await runCommand(image, command, flags, context);
    });
};
