/**
 * The bench's start-up timer, run as a process of its own: spawned from the bench process (a large
 * heap after the pulls, the harness's proxies on its event loop), every command took ~10 ms longer,
 * which counted twice in the start-up floor (node + unshare) and once in mydocker's run.
 *
 * argv[2]: JSON {@link TimerInput}. Runs one untimed round, then `runs` rounds of the commands in
 * turn (interleaved, so that the machine's drift hits them all alike); prints { name: ms[] } as JSON.
 */
import { spawn } from 'node:child_process';

export interface TimedCommand {
  name: string;
  cmd: string;
  args: string[];
  env?: Record<string, string>;
}

export interface TimerInput {
  runs: number;
  commands: TimedCommand[];
}

function timeOnce(command: TimedCommand): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command.cmd, command.args, { env: { ...process.env, ...command.env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolve(ms);
      else reject(new Error(`${command.cmd} ${command.args.join(' ')} failed (${code}): ${stderr}`));
    });
  });
}

const input = JSON.parse(process.argv[2] ?? '{}') as TimerInput;
const times: Record<string, number[]> = {};
for (const command of input.commands) await timeOnce(command);
for (let i = 0; i < input.runs; i++) {
  for (const command of input.commands) (times[command.name] ??= []).push(await timeOnce(command));
}
console.log(JSON.stringify(times));
