import type { CommandRegistrar } from './context.js';
import { registerPull } from './pull.js';
import { registerRun } from './run.js';
import { registerImages } from './images.js';
import { registerSystem } from './system.js';

/**
 * Every subcommand, in the order `mydocker --help` lists them. Each module owns its argv shape and
 * its action; adding a command is one import and one entry here.
 */
export const COMMANDS: readonly CommandRegistrar[] = [registerRun, registerPull, registerImages, registerSystem];
