import { MyDockerError } from '../../errors.js';

/**
 * `-it`: the host terminal in raw mode while the container has it, so that keys (Ctrl-C, Ctrl-Z,
 * arrows) reach the container's terminal as bytes. Node restores the mode it found on every exit
 * path, including fatal signals and uncaught errors (its ResetStdio); restore() is also called at
 * the end of the command.
 */
export interface RawTerminal {
  /** Switch to raw mode (no-op when not wanted or stdin is not a terminal). */
  enable(): void;
  restore(): void;
}

/**
 * Docker's check before `-it`: the container's terminal is fed from ours, so stdin must be one
 * (a pipe would reach a shell that never sees an end of input through the terminal).
 */
export function requireTerminalStdin(): void {
  if (process.stdin.isTTY) return;
  throw new MyDockerError('usage', 'ERR_NOT_A_TTY', 'the input device is not a TTY', {
    hint: 'Drop -t to pipe input to the container (-i alone), or run from a terminal.',
  });
}

export function rawTerminal(wanted: boolean): RawTerminal {
  let raw = false;
  return {
    enable() {
      if (!wanted || raw || !process.stdin.isTTY) return;
      process.stdin.setRawMode(true);
      // Node never reads stdin here: the launcher reads fd 0 itself.
      process.stdin.pause();
      raw = true;
    },
    restore() {
      if (raw) process.stdin.setRawMode(false);
      raw = false;
    },
  };
}

/** Runs `body` with the terminal raw (when wanted), always restoring it. */
export async function withRawTerminal<T>(wanted: boolean, body: () => Promise<T>): Promise<T> {
  const terminal = rawTerminal(wanted);
  terminal.enable();
  try {
    return await body();
  } finally {
    terminal.restore();
  }
}
