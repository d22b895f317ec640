/** Hostile layers: each must be refused (125) with the entry named, write nothing on the host, and leave nothing kept. */
import assert from 'node:assert/strict';
import { existsSync, rmSync, statSync } from 'node:fs';
import { test } from 'node:test';
import { freshRoot, HOSTILE_IMAGES } from '../harness/index.js';
import { assertRun, show, useHarness } from './context.js';

const c = useHarness();

for (const hostile of HOSTILE_IMAGES) {
  test(`${hostile.repository} (${hostile.attack}) is refused and nothing escapes or is kept`, async () => {
    if (hostile.escapePath !== undefined) rmSync(hostile.escapePath, { force: true });
    const shadowLinks = statSync('/etc/shadow').nlink;
    const root = freshRoot();
    const ref = c.ref(hostile.repository);

    const first = await c.h.runCli(['run', ref, 'echo', 'ran'], { root });
    assertRun(first, { code: 125, stdout: '' });
    assert.ok(first.stderr.includes(hostile.stderrMentions), `stderr should name the entry (${hostile.stderrMentions}): ${show(first)}`);
    if (hostile.escapePath !== undefined) assert.equal(existsSync(hostile.escapePath), false, `${hostile.escapePath} was written on the host`);
    assert.equal(statSync('/etc/shadow').nlink, shadowLinks, 'a hard link to the host /etc/shadow was made');

    const again = await c.h.runCli(['run', ref, 'echo', 'ran'], { root });
    assertRun(again, { code: 125, stdout: '' });
  });
}
