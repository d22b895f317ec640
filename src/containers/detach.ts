/** Starting a container in the background: spawn its supervisor and wait until the command runs. */
import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { MyDockerError } from '../errors.js';
import { LaunchError } from '../launcher/index.js';
import type { Stage } from '../launcher/protocol.js';
import { containerDir } from './state.js';

import { packageRoot } from '../util/index.js';

/** The supervisor's script: the bundled one (faster to start) when the CLI bundle was built. */
function supervisorPath(): string {
  const bundled = join(packageRoot(), 'dist', 'bundle', 'supervisor-main.js');
  return existsSync(bundled) ? bundled : join(packageRoot(), 'dist', 'src', 'containers', 'supervisor-main.js');
}

function rebuildError(json: string): Error {
  try {
    const e = JSON.parse(json) as { stage?: Stage; errno?: number; message: string; kind?: string; code?: string; hint?: string };
    if (e.stage !== undefined) return new LaunchError(e.stage, e.errno ?? 0, e.message);
    return new MyDockerError('launch', e.code ?? 'ERR_START_FAILED', e.message, e.hint !== undefined ? { hint: e.hint } : {});
  } catch {
    return new MyDockerError('launch', 'ERR_START_FAILED', `the container's supervisor failed: ${json}`);
  }
}

/**
 * Spawns `node supervisor-main.js ROOT ID` in its own session (it outlives us) and resolves once it
 * says the command started; rejects with the launch error otherwise. The supervisor's own stderr
 * (only ever an internal error) goes to supervisor.log in the container's directory.
 */
export async function startDetached(root: string, id: string): Promise<void> {
  const errFd = openSync(join(containerDir(root, id), 'supervisor.log'), 'a', 0o600);
  const child = spawn(process.execPath, [supervisorPath(), root, id], { detached: true, stdio: ['ignore', 'ignore', errFd, 'pipe'] });
  closeSync(errFd);
  const ready = child.stdio[3] as Readable;
  let text = '';
  ready.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    ready.on('data', (chunk: string) => (text += chunk));
    ready.once('close', () => resolve());
  });
  child.unref();
  const line = text.split('\n')[0] ?? '';
  if (line === 'ok') return;
  if (line.startsWith('error ')) throw rebuildError(line.slice(6));
  throw new MyDockerError('launch', 'ERR_SUPERVISOR', 'the container\'s supervisor ended before starting it', {
    hint: `see ${join(containerDir(root, id), 'supervisor.log')}`,
  });
}
