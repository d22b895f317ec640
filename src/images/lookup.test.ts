import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Catalog, CatalogImage } from './catalog.js';
import type { RefEntry } from './image-refs.js';
import { findImageById, lookupImage } from './lookup.js';

function image(idHex: string, refs: RefEntry[]): CatalogImage {
  const id = `sha256:${idHex}`;
  return { id, refs, digests: new Set([`sha256:${'f'.repeat(64)}`]), image: { manifestDigest: `sha256:${'f'.repeat(64)}`, configDigest: id, chainId: id, manifest: { kind: 'manifest', mediaType: '', config: { mediaType: '', digest: id, size: 1 }, layers: [] }, config: { architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [] } } } };
}

const tag = (repository: string, t: string): RefEntry => ({ repository, tag: t, digest: `sha256:${'f'.repeat(64)}`, fromRegistry: true });
const busybox = image(`abc1${'0'.repeat(60)}`, [tag('docker.io/library/busybox', 'latest')]);
const other = image(`abc2${'0'.repeat(60)}`, []);
const catalog: Catalog = { images: [busybox, other], broken: [tag('docker.io/library/gone', 'v1')] };

test('lookupImage: names (latest by default), full IDs, unique prefixes, ambiguity, broken names', () => {
  assert.equal(lookupImage(catalog, 'busybox').image, busybox);
  assert.equal(lookupImage(catalog, 'docker.io/library/busybox:latest').ref?.tag, 'latest');
  assert.equal(lookupImage(catalog, busybox.id).image, busybox);
  assert.equal(lookupImage(catalog, busybox.id.slice(7)).image, busybox);
  assert.equal(lookupImage(catalog, 'abc2').image, other);
  assert.throws(() => lookupImage(catalog, 'abc'), /ambiguous/);
  assert.throws(() => lookupImage(catalog, 'busybox:1.0'), /No such image: busybox:1\.0/);
  assert.throws(() => lookupImage(catalog, 'Not A Name'), /No such image/);
  const broken = lookupImage(catalog, 'gone:v1');
  assert.equal(broken.image, undefined);
  assert.equal(broken.ref?.repository, 'docker.io/library/gone');
});

test('findImageById: full IDs and unique prefixes, with or without sha256:; names are not IDs', () => {
  assert.equal(findImageById(catalog, busybox.id), busybox);
  assert.equal(findImageById(catalog, busybox.id.slice(7)), busybox);
  assert.equal(findImageById(catalog, 'sha256:abc2'), other);
  assert.equal(findImageById(catalog, 'abc3'), undefined);
  assert.equal(findImageById(catalog, 'busybox'), undefined);
  assert.throws(() => findImageById(catalog, 'abc'), /ambiguous/);
});
