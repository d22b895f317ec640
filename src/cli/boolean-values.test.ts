import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Command } from 'commander';
import { normalizeBooleanValues } from './boolean-values.js';

function program(): Command {
  const p = new Command('mydocker').option('--trace');
  p.command('run').option('--rm').option('-d, --detach').option('-e, --env <kv>').option('--name <name>').argument('<image>').argument('[cmd...]');
  const group = p.command('container');
  group.command('run').option('--rm').argument('<image>');
  return p;
}

test('--flag=true becomes --flag, --flag=false disappears, for the command\'s boolean options', () => {
  assert.deepEqual(normalizeBooleanValues(['run', '--rm=false', '-d=true', 'img', 'x'], program()), ['run', '-d', 'img', 'x']);
  assert.deepEqual(normalizeBooleanValues(['--trace', 'container', 'run', '--rm=true', 'img'], program()), ['--trace', 'container', 'run', '--rm', 'img']);
});

test('nothing after the image is touched, nor option values, nor unknown values', () => {
  assert.deepEqual(normalizeBooleanValues(['run', 'img', 'prog', '--rm=false'], program()), ['run', 'img', 'prog', '--rm=false']);
  assert.deepEqual(normalizeBooleanValues(['run', '-e', '--rm=false', 'img'], program()), ['run', '-e', '--rm=false', 'img']);
  assert.deepEqual(normalizeBooleanValues(['run', '--name=--rm=false', 'img'], program()), ['run', '--name=--rm=false', 'img']);
  assert.throws(() => normalizeBooleanValues(['run', '--rm=maybe', 'img'], program()), /invalid argument "maybe" for "--rm" flag/);
  assert.throws(() => normalizeBooleanValues(['run', '-d=yes', 'img'], program()), /invalid argument "yes" for "-d, --detach" flag/);
  assert.deepEqual(normalizeBooleanValues(['nosuch', '--rm=false'], program()), ['nosuch', '--rm=false']);
});
