import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomBelow, randomHex } from './random.js';

test('randomHex gives the asked number of bytes, differently each time', () => {
  const a = randomHex(32);
  assert.match(a, /^[0-9a-f]{64}$/);
  assert.notEqual(randomHex(32), a);
});

test('randomBelow stays in [0, max) and reaches every value', () => {
  const seen = new Set<number>();
  for (let i = 0; i < 400; i++) {
    const v = randomBelow(5);
    assert.ok(Number.isInteger(v) && v >= 0 && v < 5, String(v));
    seen.add(v);
  }
  assert.equal(seen.size, 5);
  assert.equal(randomBelow(1), 0);
  assert.throws(() => randomBelow(0), RangeError);
});
