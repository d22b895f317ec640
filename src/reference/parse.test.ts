import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseReference, formatReference, familiarName } from './index.js';
import { isMyDockerError } from '../errors.js';

const D = 'sha256:' + 'a'.repeat(64);

test('normalises references as Docker does', () => {
  const cases: [string, string][] = [
    ['alpine', 'docker.io/library/alpine:latest'],
    ['alpine:3.19', 'docker.io/library/alpine:3.19'],
    ['user/repo:tag', 'docker.io/user/repo:tag'],
    ['docker.io/alpine', 'docker.io/library/alpine:latest'],
    ['index.docker.io/library/alpine', 'docker.io/library/alpine:latest'],
    ['registry.hub.docker.com/library/busybox', 'docker.io/library/busybox:latest'],
    ['localhost:5000/library/busybox', 'localhost:5000/library/busybox:latest'],
    ['localhost/busybox', 'localhost/busybox:latest'],
    ['127.0.0.1:5000/a/b/c:v1.2-x_y', '127.0.0.1:5000/a/b/c:v1.2-x_y'],
    ['[::1]:5000/x', '[::1]:5000/x:latest'],
    [`alpine@${D}`, `docker.io/library/alpine@${D}`],
    [`alpine:3@${D}`, `docker.io/library/alpine:3@${D}`],
    ['my.registry/team/app_x.y--z', 'my.registry/team/app_x.y--z:latest'],
  ];
  for (const [input, want] of cases) assert.equal(formatReference(parseReference(input)), want, input);
});

test('familiar names drop docker.io/library/', () => {
  assert.equal(familiarName(parseReference('alpine')), 'alpine:latest');
  assert.equal(familiarName(parseReference('user/repo')), 'user/repo:latest');
  assert.equal(familiarName(parseReference('localhost:5000/library/busybox')), 'localhost:5000/library/busybox:latest');
});

test('rejects invalid references with a bad-reference error', () => {
  const bad = ['', 'UPPER/case', 'Alpine', 'a:b:c', 'foo@sha256:short', 'foo@md5:' + 'a'.repeat(32), '-x', 'a//b', 'a/', ':tag',
    'a:' + 'x'.repeat(129), 'foo bar', `foo@sha256:${'A'.repeat(64)}`];
  for (const input of bad) {
    assert.throws(() => parseReference(input), (e: unknown) => isMyDockerError(e) && e.kind === 'bad-reference', input);
  }
});

test('says when a name is not lowercase', () => {
  assert.throws(() => parseReference('Alpine'), /must be lowercase/);
});
