import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layerLine, TtyLayerBlock } from './tty-layers.js';

test('a live layer block adds lines in order and rewrites only the layer that changed', () => {
  const out: string[] = [];
  const block = new TtyLayerBlock((text) => out.push(text));
  block.set('a', layerLine('a', 'waiting', 10, undefined));
  block.set('b', layerLine('b', 'waiting', 10, undefined));
  block.set('c', layerLine('c', 'waiting', 10, undefined));
  out.length = 0;
  block.set('a', layerLine('a', 'downloading', 10, 5));
  // Up three lines to "a", rewrite it, then down the two lines below it.
  assert.deepEqual(out, ['\x1b[3A\x1b[2Ka: Downloading [===================>                    ] 5B/10B\n\x1b[2B']);
  out.length = 0;
  block.set('c', layerLine('c', 'complete', 10, undefined));
  assert.deepEqual(out, ['\x1b[1A\x1b[2Kc: Pull complete\n']);
  out.length = 0;
  block.set('c', layerLine('c', 'complete', 10, undefined));
  assert.deepEqual(out, [], 'an unchanged line is not redrawn');
  assert.equal(layerLine('b', 'verifying', 10, undefined), 'b: Verifying Checksum');
});
