export { run, type RunEvent, type RunOptions, type RunResult } from './run.js';
