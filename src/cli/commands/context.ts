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
