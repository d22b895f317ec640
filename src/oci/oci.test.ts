import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chainId, parseManifest, platformMatches, sha256Digest, MediaType } from './index.js';

const d = (c: string) => 'sha256:' + c.repeat(64);

test('chain id follows the image spec', () => {
  assert.equal(chainId([d('a')]), d('a'));
  assert.equal(chainId([d('a'), d('b')]), sha256Digest(`${d('a')} ${d('b')}`));
});

test('parses indexes and manifests, by declared or header media type', () => {
  const index = { schemaVersion: 2, mediaType: MediaType.dockerManifestList, manifests: [
    { mediaType: MediaType.dockerManifest, digest: d('1'), size: 10, platform: { os: 'linux', architecture: 'amd64' } }] };
  const parsed = parseManifest(Buffer.from(JSON.stringify(index)));
  assert.equal(parsed.kind, 'index');
  const manifest = { schemaVersion: 2, config: { mediaType: MediaType.ociConfig, digest: d('2'), size: 3 }, layers: [] };
  assert.equal(parseManifest(Buffer.from(JSON.stringify(manifest)), MediaType.ociManifest).kind, 'manifest');
});

test('rejects what is not a manifest', () => {
  assert.throws(() => parseManifest(Buffer.from('<html>')), /not a usable manifest/);
  assert.throws(() => parseManifest(Buffer.from('{"schemaVersion":1,"fsLayers":[]}')), /schema 1/);
  assert.throws(() => parseManifest(Buffer.from(JSON.stringify({ mediaType: MediaType.ociManifest, config: { digest: 'x' }, layers: [] }))), /not a usable manifest/);
});

test('platform matching treats arm64 as arm64/v8', () => {
  assert.ok(platformMatches({ os: 'linux', architecture: 'arm64' }, { os: 'linux', architecture: 'arm64', variant: 'v8' }));
  assert.ok(!platformMatches({ os: 'linux', architecture: 'arm', variant: 'v6' }, { os: 'linux', architecture: 'arm', variant: 'v7' }));
  assert.ok(!platformMatches({ os: 'linux', architecture: 'arm64' }, { os: 'linux', architecture: 'amd64' }));
});
