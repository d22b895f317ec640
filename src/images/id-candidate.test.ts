import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseReference } from '../reference/index.js';
import { idCandidate } from './id-candidate.js';

test('idCandidate: hex names and sha256:HEX may be image IDs; other names are not', () => {
  const hex = 'a'.repeat(64);
  assert.equal(idCandidate(parseReference('761b')), '761b');
  assert.equal(idCandidate(parseReference(hex)), hex);
  assert.equal(idCandidate(parseReference(`sha256:${hex}`)), `sha256:${hex}`);
  assert.equal(idCandidate(parseReference('sha256:761b')), 'sha256:761b');
  for (const name of ['busybox', '761b:1.0', 'user/761b', 'example.com/761b', `761b@sha256:${hex}`, 'sha256:latest']) {
    assert.equal(idCandidate(parseReference(name)), undefined, name);
  }
});
