import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { launchErrorFromReport, LaunchError } from './errors.js';
import { parseReportLine, ReportReader } from './report.js';

describe('parseReportLine', () => {
  const good: [string, unknown][] = [
    ['pid\t1234', { type: 'pid', pid: 1234 }],
    ['exit\t0', { type: 'exit', code: 0 }],
    ['exit\t255', { type: 'exit', code: 255 }],
    ['signal\t9', { type: 'signal', signal: 9 }],
    ['started', { type: 'started' }],
    ['error\ttty\t5\topen /dev/ptmx', { type: 'error', stage: 'tty', errno: 5, message: 'open /dev/ptmx' }],
    ['error\tjoin\t3\topen /proc/1/root', { type: 'error', stage: 'join', errno: 3, message: 'open /proc/1/root' }],
    ['error\texec\t2\texec "x": No such file', { type: 'error', stage: 'exec', errno: 2, message: 'exec "x": No such file' }],
    ['error\tmount\t1\ta\tb', { type: 'error', stage: 'mount', errno: 1, message: 'a\tb' }],
  ];
  for (const [line, expected] of good) it(`parses ${JSON.stringify(line)}`, () => assert.deepEqual(parseReportLine(line), expected));

  const bad = ['', 'pid', 'pid\t0', 'pid\t-1', 'pid\t12x', 'exit\t256', 'exit\t01', 'signal\t0', 'signal\t99', 'error\tbogus\t1\tm', 'error\texec\tx\tm', 'error\texec\t1', 'hello\t1', 'exit\t1\t2', 'started\t1'];
  for (const line of bad) it(`rejects ${JSON.stringify(line)}`, () => assert.equal(parseReportLine(line), undefined));
});

describe('ReportReader', () => {
  it('reassembles lines split across chunks and keeps malformed ones aside', () => {
    const seen: string[] = [];
    const reader = new ReportReader((l) => seen.push(l.type));
    reader.push('pi');
    reader.push(Buffer.from('d\t42\nex'));
    reader.push('it\t3\ngarbage\npartial');
    reader.end();
    assert.deepEqual(seen, ['pid', 'exit']);
    assert.deepEqual(reader.malformed, ['garbage', 'partial']);
  });
});

describe('launchErrorFromReport', () => {
  it('words a command missing from PATH as Docker does', () => {
    const e = launchErrorFromReport('exec', 2, 'exec "foo" (PATH=/bin): No such file or directory', 'foo');
    assert.ok(e instanceof LaunchError);
    assert.equal(e.message, 'exec "foo": executable file not found in $PATH');
    assert.equal(e.errnoName, 'ENOENT');
    assert.equal(e.code, 'ERR_LAUNCH_EXEC');
    assert.ok(e.notFound && !e.cannotExecute);
  });
  it('words a missing path and a non-executable file', () => {
    assert.equal(launchErrorFromReport('exec', 2, '', '/bin/foo').message, 'exec "/bin/foo": no such file or directory');
    const e = launchErrorFromReport('exec', 13, '', '/etc/passwd');
    assert.equal(e.message, 'exec "/etc/passwd": permission denied');
    assert.ok(e.cannotExecute);
  });
  it('keeps the launcher message for setup stages, on one line', () => {
    const e = launchErrorFromReport('mount', 1, 'mount proc on /proc: Operation not permitted', 'sh');
    assert.equal(e.message, 'container setup failed (mount): mount proc on /proc: Operation not permitted');
    assert.equal(e.code, 'ERR_LAUNCH_MOUNT');
    assert.equal(e.kind, 'launch');
    assert.equal(e.errnoName, 'EPERM');
  });
});
