/** `docker ps` output: its columns, its human durations and its tabwriter layout. */
import type { ContainerRecord } from '../../containers/state.js';

/** go-units HumanDuration, which Docker uses for CREATED and STATUS. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(seconds / 60);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.floor(ms / 3_600_000 + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(ms / 3_600_000 / 24 / 365)} years`;
}

/** "Up 5 seconds", "Exited (0) 3 seconds ago", "Created". */
export function statusText(record: ContainerRecord, now = Date.now()): string {
  const { state } = record;
  if (state.status === 'running') return `Up ${humanDuration(now - Date.parse(state.startedAt))}`;
  if (state.status === 'exited') return `Exited (${state.exitCode}) ${humanDuration(now - Date.parse(state.finishedAt))} ago`;
  return 'Created';
}

/** Docker's Ellipsis: at most `width` characters, the last one "…" when cut. */
function ellipsis(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, width - 1).join('')}…`;
}

/** The table rows as Docker prints them (tabwriter: min width 10, padding 3). */
export function psTable(records: ContainerRecord[], noTrunc: boolean, now = Date.now()): string[] {
  const header = ['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES'];
  const rows = records.map((record) => {
    const command = record.config.args.join(' ');
    return [
      noTrunc ? record.config.id : record.config.id.slice(0, 12),
      record.config.image,
      JSON.stringify(noTrunc ? command : ellipsis(command, 20)),
      `${humanDuration(now - Date.parse(record.config.created))} ago`,
      statusText(record, now),
      '',
      record.config.name,
    ];
  });
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(10, 3 + Math.max(...all.map((row) => [...(row[i] ?? '')].length))));
  return all.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - [...cell].length))).join('').trimEnd());
}
