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

/** Commands on containers (also under `mydocker container ...`). */
const CONTAINER_COMMANDS: readonly CommandRegistrar[] = [registerPs, registerStart, registerStop, registerKill, registerRm, registerLogs, registerWait, registerInspect, registerExec];
import { registerImages } from './images.js';
import { registerSystem } from './system.js';

/**
 * Every subcommand, in the order `mydocker --help` lists them. Each module owns its argv shape and
 * its action; adding a command is one import and one entry here.
 */
export const COMMANDS: readonly CommandRegistrar[] = [registerRun, registerPull, registerLogin, registerLogout, registerImages, registerSystem, ...CONTAINER_COMMANDS, containerGroup([registerRun, ...CONTAINER_COMMANDS])];
