import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContainerRecord } from '../../containers/state.js';
import { applyFormat } from '../commands/inspect.js';
import { humanDuration, psTable, statusText } from './ps-table.js';

const now = Date.parse('2026-01-01T12:00:00Z');
const ago = (ms: number): string => new Date(now - ms).toISOString();

function record(status: 'created' | 'running' | 'exited', args: string[], name: string): ContainerRecord {
  return {
    config: { id: 'f'.repeat(64), name, image: 'busybox', args, env: [], workingDir: '/', user: '', hostname: '', created: ago(90_000), autoRemove: false, tty: false, openStdin: false, init: false },
    state: { status, pid: 0, ownerPid: 0, ownerStart: '', startedAt: ago(5_000), finishedAt: ago(3_000), exitCode: 3 },
  };
}

describe('ps output', () => {
  it("uses go-units' HumanDuration", () => {
    assert.equal(humanDuration(500), 'Less than a second');
    assert.equal(humanDuration(1000), '1 second');
    assert.equal(humanDuration(59_000), '59 seconds');
    assert.equal(humanDuration(60_000), 'About a minute');
    assert.equal(humanDuration(5 * 60_000), '5 minutes');
    assert.equal(humanDuration(3_600_000), 'About an hour');
    assert.equal(humanDuration(3 * 3_600_000), '3 hours');
    assert.equal(humanDuration(3 * 86_400_000), '3 days');
    assert.equal(humanDuration(20 * 86_400_000), '2 weeks');
  });
  it('words STATUS as Docker', () => {
    assert.equal(statusText(record('running', ['sh'], 'a'), now), 'Up 5 seconds');
    assert.equal(statusText(record('exited', ['sh'], 'a'), now), 'Exited (3) 3 seconds ago');
    assert.equal(statusText(record('created', ['sh'], 'a'), now), 'Created');
  });
  it('lays out columns as tabwriter (min 10, padding 3) and quotes a truncated COMMAND', () => {
    const lines = psTable([record('running', ['sh', '-c', 'echo a long command line'], 'nice_name')], false, now);
    assert.deepEqual(lines, [
      'CONTAINER ID   IMAGE     COMMAND                  CREATED              STATUS         PORTS     NAMES',
      'ffffffffffff   busybox   "sh -c echo a long c…"   About a minute ago   Up 5 seconds             nice_name',
    ]);
  });
  it('fills {{.Path}} placeholders of inspect --format', () => {
    assert.equal(applyFormat('{{.State.Status}}/{{ .Name }}/{{.Missing}}', { State: { Status: 'running' }, Name: '/x' }), 'running//x/<no value>');
  });
});
