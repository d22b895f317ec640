import { Command, CommanderError } from 'commander';
import { MyDockerError } from '../errors.js';
import { COMMANDS, entriesFor } from './commands/index.js';
import { normalizeBooleanValues } from './boolean-values.js';
import type { CommandContext, CommandResult } from './commands/context.js';
import { EXIT_MYDOCKER_FAILED, exitCodeFor, formatError } from './exit.js';

function writeLine(stream: NodeJS.WriteStream): (line: string) => void {
  return (line) => void stream.write(`${line}\n`);
}

/** Builds the command tree; each action stores its exit code in `result`. */
function buildProgram(argv: readonly string[], context: CommandContext, result: CommandResult): Command {
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

  for (const { register } of entriesFor(argv)) register(program, context, result);
  return program;
}

/** Turns commander's argv errors into docker's wording: "unknown flag: --x", exit 125. */
function usageError(error: CommanderError, argv: string[]): MyDockerError {
  // An unknown command has no help of its own.
  const sub = error.code === 'commander.unknownCommand' ? undefined : argv.find((a) => !a.startsWith('-'));
  const seeHelp = `See 'mydocker ${sub ? `${sub} ` : ''}--help'.`;
  const message = error.message.replace(/^error: /, '').replace(/^unknown option/, 'unknown flag:').replace(/^option (\S+, )?(\S+) .*argument missing$/, 'flag needs an argument: $2').replace(/'/g, '');
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
    const program = buildProgram(argv, context, result);
    await program.parseAsync(normalizeBooleanValues(argv, program), { from: 'user' });
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

/** Whether `name` is a command (bin/mydocker keeps a code cache per command, not per typo). */
export function isCommandName(name: string): boolean {
  return COMMANDS.some((entry) => entry.names.includes(name));
}
