import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffMs, DEFAULT_RETRY, describeRateLimit, formatDuration, isRetryableError, nextDelay, parseRetryAfter, stallTimeoutMs } from './retry.js';

test('backoff doubles, is jittered within [ceiling/2, ceiling] and capped', () => {
  const p = { ...DEFAULT_RETRY, baseMs: 100, maxDelayMs: 1000 };
  assert.equal(backoffMs(1, p, () => 0), 50);
  assert.equal(backoffMs(1, p, () => 1), 100);
  assert.equal(backoffMs(3, p, () => 1), 400);
  assert.equal(backoffMs(10, p, () => 1), 1000);
  assert.equal(backoffMs(10, p, () => 0), 500);
  for (let i = 0; i < 100; i++) {
    const d = backoffMs(2, p);
    assert.ok(d >= 100 && d <= 200, String(d));
  }
});

test('Retry-After: seconds, HTTP date, junk', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(parseRetryAfter('3', now), 3000);
  assert.equal(parseRetryAfter(' 0 ', now), 0);
  assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now), 10_000);
  assert.equal(parseRetryAfter('Wed, 31 Dec 2025 00:00:10 GMT', now), 0);
  assert.equal(parseRetryAfter('soon', now), undefined);
  assert.equal(parseRetryAfter(undefined, now), undefined);
});

test('nextDelay: bounded by attempts and by the time budget; Retry-After obeyed', () => {
  const p = { attempts: 3, baseMs: 100, maxDelayMs: 1000, budgetMs: 5000 };
  assert.equal(nextDelay(1, 2000, 0, p), 2000);
  assert.equal(nextDelay(1, 6000, 0, p), undefined, 'a Retry-After beyond the budget is not waited for');
  assert.equal(nextDelay(2, 2000, 3500, p), undefined);
  assert.equal(nextDelay(3, 0, 0, p), undefined, 'no more attempts');
  const d = nextDelay(2, undefined, 0, p);
  assert.ok(d !== undefined && d >= 100 && d <= 200);
});

test('rate-limit description from Docker Hub headers', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(describeRateLimit({ 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '0;w=21600', 'retry-after': '3600' }, now),
    'limit 100 pulls per 6h, 0 remaining, resets in 1h (at 2026-01-01 01:00:00Z)');
  assert.equal(describeRateLimit({ 'ratelimit-reset': '90' }, now), 'resets in 1m30s (at 2026-01-01 00:01:30Z)');
  assert.equal(describeRateLimit({ 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '0;w=21600' }, now),
    'limit 100 pulls per 6h, 0 remaining, resets within 6h');
  assert.equal(describeRateLimit({}, now), '');
  assert.equal(formatDuration(59_500), '1m');
  assert.equal(formatDuration(1000), '1s');
});

test('retryable network errors, also wrapped as a cause', () => {
  assert.ok(isRetryableError(Object.assign(new Error('reset'), { code: 'ECONNRESET' })));
  assert.ok(isRetryableError(new Error('x', { cause: Object.assign(new Error('t'), { code: 'UND_ERR_BODY_TIMEOUT' }) })));
  assert.ok(!isRetryableError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })));
  assert.ok(!isRetryableError(Object.assign(new Error('dns'), { code: 'ENOTFOUND' })));
  assert.ok(!isRetryableError(new Error('plain')));
});

test('stall timeout from MYDOCKER_STALL_TIMEOUT', () => {
  assert.equal(stallTimeoutMs({ MYDOCKER_STALL_TIMEOUT: '2' }), 2000);
  assert.equal(stallTimeoutMs({ MYDOCKER_STALL_TIMEOUT: '0.5' }), 500);
  assert.equal(stallTimeoutMs({}), 30_000);
});
