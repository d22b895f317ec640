/**
 * The bench's start-up timer, run as a process of its own: spawned from the bench process (a large
 * heap after the pulls, the harness's proxies on its event loop), every command took ~10 ms longer,
 * which counted twice in the start-up floor (node + unshare) and once in mydocker's run.
 *
 * argv[2]: JSON {@link TimerInput}. Runs one untimed round, then `runs` rounds of the commands in
 * turn (interleaved, so that the machine's drift hits them all alike); prints { name: ms[] } as JSON.
 */
import { timeCommand } from './time-command.js';

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
  return timeCommand(command.cmd, command.args, { ...process.env, ...command.env });
}

const input = JSON.parse(process.argv[2] ?? '{}') as TimerInput;
const times: Record<string, number[]> = {};
for (const command of input.commands) await timeOnce(command);
for (let i = 0; i < input.runs; i++) {
  for (const command of input.commands) (times[command.name] ??= []).push(await timeOnce(command));
}
console.log(JSON.stringify(times));
