import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goTime, humanDuration, humanSize, timeAgo } from './units.js';
import { formatTable, goJson } from './table.js';

test('humanSize matches go-units HumanSize (decimal, 3 significant digits)', () => {
  const cases: [number, string][] = [
    [0, '0B'],
    [1, '1B'],
    [999, '999B'],
    [1000, '1kB'],
    [1024, '1.02kB'],
    [4261550, '4.26MB'],
    [12_000_000, '12MB'],
    [123_456_789, '123MB'],
    [1_500_000_000, '1.5GB'],
    [999_999, '1MB'],
  ];
  for (const [bytes, expected] of cases) assert.equal(humanSize(bytes), expected, `${bytes}`);
});

test('humanDuration matches go-units HumanDuration', () => {
  const s = 1000;
  const h = 3600 * s;
  const cases: [number, string][] = [
    [500, 'Less than a second'],
    [1 * s, '1 second'],
    [59 * s, '59 seconds'],
    [60 * s, 'About a minute'],
    [59 * 60 * s, '59 minutes'],
    [h, 'About an hour'],
    [2 * h, '2 hours'],
    [47 * h, '47 hours'],
    [48 * h, '2 days'],
    [15 * 24 * h, '2 weeks'],
    [61 * 24 * h, '2 months'],
    [800 * 24 * h, '2 years'],
  ];
  for (const [ms, expected] of cases) assert.equal(humanDuration(ms), expected, `${ms}`);
});

test('timeAgo and goTime', () => {
  const now = new Date('2024-01-01T12:00:00Z');
  assert.equal(timeAgo(new Date('2024-01-01T10:00:00Z'), now), '2 hours ago');
  assert.equal(timeAgo(undefined, now), 'N/A');
  // A clock skew never prints a negative age.
  assert.equal(timeAgo(new Date('2024-01-02T00:00:00Z'), now), 'Less than a second ago');
  assert.equal(goTime(now), '2024-01-01 12:00:00 +0000 UTC');
});

test('formatTable pads like Docker tabwriter (min width 10, padding 3)', () => {
  assert.deepEqual(formatTable([['REPOSITORY', 'TAG', 'IMAGE ID'], ['busybox', 'latest', 'abc']]), [
    'REPOSITORY   TAG       IMAGE ID',
    'busybox      latest    abc',
  ]);
});

test('goJson escapes HTML characters as Go does', () => {
  assert.equal(goJson({ Tag: '<none>' }), '{"Tag":"\\u003cnone\\u003e"}');
});
