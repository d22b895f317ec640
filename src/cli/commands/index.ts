import type { CommandRegistrar } from './context.js';
import { registerLogin } from './login.js';
import { registerLogout } from './logout.js';
import { registerPull } from './pull.js';
import { registerRun } from './run.js';
import { containerGroup } from './container.js';
import { registerExec } from './exec.js';
import { registerInspect } from './inspect.js';
import { registerKill } from './kill.js';
import { registerLogs } from './logs.js';
import { registerPs } from './ps.js';
import { registerRm } from './rm.js';
import { registerStart } from './start.js';
import { registerStop } from './stop.js';
import { registerWait } from './wait.js';

const CONTAINER_COMMANDS: readonly CommandRegistrar[] = [registerPs, registerStart, registerStop, registerKill, registerRm, registerLogs, registerWait, registerInspect, registerExec];
import { registerImages } from './images.js';
import { registerSystem } from './system.js';

/** A registrar and the top-level command names it adds (so that only the one invoked is built). */
export interface CommandEntry {
  names: readonly string[];
  register: CommandRegistrar;
}

const CONTAINER_ENTRIES: readonly CommandEntry[] = [
  { names: ['ps'], register: registerPs },
  { names: ['start'], register: registerStart },
  { names: ['stop'], register: registerStop },
  { names: ['kill'], register: registerKill },
  { names: ['rm'], register: registerRm },
  { names: ['logs'], register: registerLogs },
  { names: ['wait'], register: registerWait },
  { names: ['inspect'], register: registerInspect },
  { names: ['exec'], register: registerExec },
];

/**
 * Every subcommand, in the order `mydocker --help` lists them. Each module owns its argv shape and
 * its action; adding a command is one import and one entry here.
 */
export const COMMANDS: readonly CommandEntry[] = [
  { names: ['run'], register: registerRun },
  { names: ['pull'], register: registerPull },
  { names: ['login'], register: registerLogin },
  { names: ['logout'], register: registerLogout },
  { names: ['images', 'image', 'rmi', 'tag', 'save', 'load'], register: registerImages },
  { names: ['system'], register: registerSystem },
  ...CONTAINER_ENTRIES,
  { names: ['container'], register: containerGroup([registerRun, ...CONTAINER_ENTRIES.map((e) => e.register)]) },
];

/**
 * The entries to build for this argv: only the invoked command's (building all of them, ~150
 * options, costs ~3 ms of every start), or all of them when no known command is named (help, a typo).
 */
export function entriesFor(argv: readonly string[]): readonly CommandEntry[] {
  // Global options take no value, so the first word that is not an option is the command.
  const name = argv.find((arg) => !arg.startsWith('-'));
  const invoked = COMMANDS.find((entry) => name !== undefined && entry.names.includes(name));
  return invoked ? [invoked] : COMMANDS;
}
