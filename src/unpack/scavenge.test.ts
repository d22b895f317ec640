import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ScavengeClock, scavenge } from './scavenge.js';

// The collector frees the buffers' memory on a helper thread just after the scavenge.
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

it('scavenge() frees dead ArrayBuffers of this thread (which waiting alone would not)', async () => {
  scavenge();
  await settle();
  const before = process.memoryUsage().arrayBuffers;
  // 32 MiB of buffers that die at once, with almost no JS allocation to trigger a collection.
  for (let i = 0; i < 32; i++) Buffer.allocUnsafeSlow(1 << 20).fill(i);
  const garbage = process.memoryUsage().arrayBuffers - before;
  scavenge();
  await settle();
  const after = process.memoryUsage().arrayBuffers - before;
  assert.ok(garbage >= 16 << 20, `the buffers were collected too early to tell (${garbage} bytes)`);
  assert.ok(after < 4 << 20, `${after} bytes of dead buffers left`);
});

it('ScavengeClock scavenges once per period of bytes', async () => {
  scavenge();
  await settle();
  const clock = new ScavengeClock(8 << 20);
  const before = process.memoryUsage().arrayBuffers;
  for (let i = 0; i < 7; i++) {
    Buffer.allocUnsafeSlow(1 << 20).fill(i);
    clock.count(1 << 20);
  }
  await settle();
  assert.ok(process.memoryUsage().arrayBuffers - before >= 6 << 20, 'no collection before the period is over');
  clock.count(1 << 20);
  await settle();
  assert.ok(process.memoryUsage().arrayBuffers - before < 2 << 20, 'collected when it is');
});
