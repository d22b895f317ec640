/**
 * The detached supervisor of `run -d` and `start`: `node supervisor-main.js ROOT ID`. It owns the
 * container (its death takes the container with it, and readers then see "exited"), keeps its
 * output in the log file and records its exit. It tells the starting mydocker on fd 3 whether the
 * command started ("ok") or why not (one JSON line), then carries on alone.
 */
import { closeSync, writeSync } from 'node:fs';
import { isMyDockerError } from '../errors.js';
import { LaunchError } from '../launcher/index.js';
import { superviseContainer } from './supervise.js';
import { readConfig } from './state.js';

const READY_FD = 3;
let told = false;

function tell(line: string): void {
  if (told) return;
  told = true;
  try {
    writeSync(READY_FD, `${line}\n`);
    closeSync(READY_FD);
  } catch {
    // The starting mydocker is gone; nobody to tell.
  }
}

function describe(error: unknown): string {
  if (error instanceof LaunchError) return JSON.stringify({ stage: error.stage, errno: error.errno, message: error.message });
  if (isMyDockerError(error)) return JSON.stringify({ kind: error.kind, code: error.code, message: error.message, hint: error.hint });
  return JSON.stringify({ message: error instanceof Error ? error.message : String(error) });
}

const [root, id] = process.argv.slice(2);
if (root === undefined || id === undefined) {
  process.stderr.write('usage: supervisor-main ROOT ID\n');
  process.exit(2);
}
// A terminal hang-up of the mydocker that started us is not the container's business.
process.on('SIGHUP', () => undefined);
try {
  // docker run -d -i: the command's stdin stays open (nothing writes to it yet: no attach).
  const stdin = readConfig(root, id)?.openStdin === true ? 'hold' : 'ignore';
  await superviseContainer(root, id, { stdin, logged: true, onStarted: () => tell('ok') });
  tell('ok');
  process.exit(0);
} catch (error) {
  tell(`error ${describe(error)}`);
  process.exit(1);
}
