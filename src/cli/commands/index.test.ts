import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Command } from 'commander';
import { COMMANDS, entriesFor } from './index.js';
import type { CommandContext } from './context.js';

const context: CommandContext = {
  writeOut: () => undefined,
  writeErr: () => undefined,
  writeErrRaw: () => undefined,
  errIsTty: false,
  signal: new AbortController().signal,
  trace: false,
  containerStarted: () => undefined,
};

test('each entry names exactly the top-level commands its registrar adds', () => {
  for (const entry of COMMANDS) {
    const program = new Command('mydocker').enablePositionalOptions();
    entry.register(program, context, { code: 0 });
    assert.deepEqual(program.commands.map((c) => c.name()).sort(), [...entry.names].sort());
  }
});

test('entriesFor builds only the invoked command, or everything when none is named', () => {
  assert.deepEqual(entriesFor(['run', '--rm', 'busybox', 'ps']).map((e) => e.names[0]), ['run']);
  assert.deepEqual(entriesFor(['--trace', 'pull', 'busybox']).map((e) => e.names[0]), ['pull']);
  assert.deepEqual(entriesFor(['rmi', 'busybox']).map((e) => e.names[0]), ['images']);
  assert.deepEqual(entriesFor(['container', 'ls']).map((e) => e.names[0]), ['container']);
  assert.equal(entriesFor(['--help']), COMMANDS);
  assert.equal(entriesFor([]), COMMANDS);
  assert.equal(entriesFor(['no-such-command']), COMMANDS);
});
