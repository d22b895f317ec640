import type { Command } from 'commander';

/** What the CLI gives a command: where to write, and the cancellation of the whole invocation. */
export interface CommandContext {
  writeOut: (line: string) => void;
  writeErr: (line: string) => void;
  /** Writes text to stderr as is (for in-place redraws). */
  writeErrRaw: (text: string) => void;
  /** stderr is a terminal: progress may redraw in place. */
  errIsTty: boolean;
  signal: AbortSignal;
  trace: boolean;
  /** Called once the container runs: from then on Ctrl-C goes to the container, not to us. */
  containerStarted: () => void;
}

/** Where an action leaves the process's exit code. */
export interface CommandResult {
  code: number;
}

/** Adds one subcommand (its flags and its action) to the program. */
export type CommandRegistrar = (program: Command, context: CommandContext, result: CommandResult) => void;
