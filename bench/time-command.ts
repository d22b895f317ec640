import { spawn } from 'node:child_process';

/**
 * Milliseconds from spawning `cmd` to its end, output discarded; rejects with its stderr when it
 * fails. Asynchronous on purpose: the bench's harness (registry proxies) runs in the caller's
 * process, and a blocking spawnSync would stall the very registry traffic being timed.
 */
export function timeCommand(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolve(ms);
      else reject(new Error(`${cmd} ${args.join(' ')} failed (${code}): ${stderr}`));
    });
  });
}
