import { Command, CommanderError } from 'commander';
import { MyDockerError } from '../errors.js';
import type { CommandContext } from './commands/context.js';
import { pullCommand, type PullFlags } from './commands/pull.js';
import { runCommand, type RunFlags } from './commands/run.js';
import { EXIT_MYDOCKER_FAILED, exitCodeFor, formatError } from './exit.js';

function writeLine(stream: NodeJS.WriteStream): (line: string) => void {
  return (line) => void stream.write(`${line}\n`);
}

/** Builds the command tree; each action stores its exit code in `result`. */
function buildProgram(context: CommandContext, result: { code: number }): Command {
  const program = new Command('mydocker')
    .description('A daemonless, Docker-compatible container tool')
    .option('--trace', 'print every registry request on stderr')
    .enablePositionalOptions()
    .exitOverride()
    .showSuggestionAfterError(false)
    .configureOutput({
      writeOut: (s) => void process.stdout.write(s),
      writeErr: (s) => void process.stderr.write(s),
      outputError: () => undefined,
    });
  program.hook('preAction', () => {
    context.trace = program.opts<{ trace?: boolean }>().trace === true;
  });

  program
    .command('run')
    .description('Run a command in a new container, pulling the image first if it is not local')
    .usage('[OPTIONS] IMAGE [COMMAND] [ARG...]')
    .argument('<image>', 'image reference, e.g. alpine:latest')
    .argument('[command...]', 'command and arguments (replace the image\'s Cmd)')
    .option('-i, --interactive', 'keep stdin open and pass it to the container')
    .option('--rm', 'remove the container when it exits (always the case for now)')
    .option('--platform <os/arch[/variant]>', 'pick this platform from a multi-platform image')
    .passThroughOptions()
    .action(async (image: string, command: string[], flags: RunFlags) => {
      result.code = await runCommand(image, command, flags, context);
    });

  program
    .command('pull')
    .description('Download an image from a registry')
    .usage('[OPTIONS] NAME[:TAG|@DIGEST]')
    .argument('<image>', 'image reference')
    .option('-q, --quiet', 'print only the image reference')
    .option('--platform <os/arch[/variant]>', 'pick this platform from a multi-platform image')
    .action(async (image: string, flags: PullFlags) => {
      result.code = await pullCommand(image, flags, context);
    });
  return program;
}

/** Turns commander's argv errors into docker's wording: "unknown flag: --x", exit 125. */
function usageError(error: CommanderError, argv: string[]): MyDockerError {
  const sub = argv.find((a) => !a.startsWith('-'));
  const seeHelp = `See 'mydocker ${sub ? `${sub} ` : ''}--help'.`;
  const message = error.message.replace(/^error: /, '').replace(/^unknown option/, 'unknown flag').replace(/'/g, '');
  return new MyDockerError('usage', 'ERR_USAGE', message, { hint: seeHelp });
}

/**
 * The CLI's single entry and single catch: parses argv, runs the command, prints any error as one
 * line on stderr, and returns the exit code. Nothing else in mydocker writes to stdout or exits.
 */
export async function main(argv: string[]): Promise<number> {
  const controller = new AbortController();
  let containerRunning = false;
  const onSignal = (): void => {
    // Before the container runs, Ctrl-C cancels the pull; afterwards the launcher forwards it.
    if (!containerRunning) controller.abort(new MyDockerError('interrupted', 'ERR_INTERRUPTED', 'interrupted'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const context: CommandContext = {
    writeOut: writeLine(process.stdout),
    writeErr: writeLine(process.stderr),
    writeErrRaw: (text) => void process.stderr.write(text),
    errIsTty: process.stderr.isTTY === true,
    signal: controller.signal,
    trace: false,
    containerStarted: () => {
      containerRunning = true;
    },
  };
  const result = { code: 0 };
  const debug = Boolean(process.env['MYDOCKER_DEBUG']);
  try {
    if (argv.length === 0) argv = ['--help'];
    await buildProgram(context, result).parseAsync(argv, { from: 'user' });
    return result.code;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
      context.writeErr(formatError(usageError(error, argv), debug));
      return EXIT_MYDOCKER_FAILED;
    }
    const interrupted = controller.signal.aborted ? new MyDockerError('interrupted', 'ERR_INTERRUPTED', 'interrupted by a signal; nothing partial was kept') : undefined;
    context.writeErr(formatError(interrupted ?? error, debug));
    return exitCodeFor(error);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
