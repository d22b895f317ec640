/** Image management: images, image inspect, tag, rmi, image prune, system df, save and load. */
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { listUnpacked } from '../../src/images/unpacked-store.js';
import { freshRoot, IMAGES, SECOND_BUSYBOX_TAG, type CliResult } from '../harness/index.js';
import { dockerArchiveEntries, fixtureImage, ociLayoutEntries, tarOf, type FixtureImage } from './archive-fixtures.js';
import { assertRun, show, useHarness } from './context.js';

const c = useHarness();
const work = mkdtempSync(path.join(os.tmpdir(), 'mydocker-e2e-images-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

function lines(result: CliResult): string[] {
  return result.stdout.split('\n').filter((l) => l !== '');
}

/** What the store holds: blobs, names, unpacked data (through the images module), leftovers in tmp. */
function storeState(root: string): { blobs: string[]; refs: string[]; unpacked: string[]; tmp: string[]; dangling: string[] } {
  const list = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String).filter((p) => p.endsWith('.json') || !p.includes('.')) : []);
  return {
    blobs: existsSync(path.join(root, 'blobs/sha256')) ? readdirSync(path.join(root, 'blobs/sha256')) : [],
    refs: list(path.join(root, 'refs')).filter((p) => p.endsWith('.json')),
    unpacked: listUnpacked({ root, insecureRegistries: [], registryMirrors: [] }),
    tmp: existsSync(path.join(root, 'tmp')) ? readdirSync(path.join(root, 'tmp')) : [],
    dangling: existsSync(path.join(root, 'dangling')) ? readdirSync(path.join(root, 'dangling')) : [],
  };
}

function assertEmptyStore(root: string, result: CliResult): void {
  const state = storeState(root);
  assert.deepEqual({ ...state }, { blobs: [], refs: [], unpacked: [], tmp: [], dangling: [] }, `${show(result)}\n${JSON.stringify(state)}`);
}

async function pulled(refs: string[]): Promise<string> {
  const root = freshRoot();
  for (const ref of refs) assertRun(await c.h.runCli(['pull', '-q', ref], { root }), { code: 0 });
  return root;
}

async function writeArchive(name: string, entries: Parameters<typeof tarOf>[0], gzip = false): Promise<string> {
  const file = path.join(work, name);
  const tar = await tarOf(entries);
  writeFileSync(file, gzip ? gzipSync(tar) : tar);
  return file;
}

const ID12 = /^[0-9a-f]{12}$/;
const SIZE = /^\d+(\.\d+)?(B|kB|MB|GB)$/;

test('images lists two tags of one image and another image, with Docker columns', async () => {
  const busybox = c.ref(IMAGES.busybox);
  const second = c.ref(IMAGES.busybox, SECOND_BUSYBOX_TAG);
  const config = c.ref(IMAGES.config);
  const root = await pulled([busybox, second, config]);
  const result = await c.h.runCli(['images'], { root });
  assert.equal(result.code, 0, show(result));
  assert.equal(result.stderr, '', show(result));
  const [header, ...rows] = lines(result);
  assert.match(header ?? '', /^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE$/, show(result));
  assert.equal(rows.length, 3, show(result));
  const cells = rows.map((row) => row.split(/ {2,}/));
  const repo = `${c.h.openRegistry}/library/busybox`;
  const bb = cells.filter((r) => r[0] === repo);
  assert.deepEqual(bb.map((r) => r[1]).sort(), [SECOND_BUSYBOX_TAG, 'latest'], show(result));
  assert.equal(bb[0]?.[2], bb[1]?.[2], 'both tags show the same image ID');
  for (const row of cells) {
    assert.match(row[2] ?? '', ID12, show(result));
    assert.match(row[3] ?? '', / ago$/, show(result));
    assert.match(row[4] ?? '', SIZE, show(result));
  }
  const other = cells.find((r) => r[0] === `${c.h.openRegistry}/config`);
  assert.ok(other && other[2] !== bb[0]?.[2], show(result));

  // Column alignment: every row starts its TAG column where the header does.
  const tagColumn = (header ?? '').indexOf('TAG');
  for (const row of rows) assert.notEqual(row[tagColumn - 1], undefined);

  const quiet = await c.h.runCli(['images', '-q'], { root });
  assert.equal(lines(quiet).length, 3, show(quiet));
  for (const id of lines(quiet)) assert.match(id, ID12);

  const noTrunc = await c.h.runCli(['image', 'ls', '--no-trunc', '-q'], { root });
  for (const id of lines(noTrunc)) assert.match(id, /^sha256:[0-9a-f]{64}$/, show(noTrunc));

  const digests = await c.h.runCli(['images', '--digests', repo], { root });
  const [dHeader, ...dRows] = lines(digests);
  assert.match(dHeader ?? '', /^REPOSITORY +TAG +DIGEST +IMAGE ID +CREATED +SIZE$/, show(digests));
  assert.equal(dRows.length, 2, show(digests));
  for (const row of dRows) assert.match(row, /sha256:[0-9a-f]{64}/, show(digests));

  const json = await c.h.runCli(['images', '--format', 'json'], { root });
  const objects = lines(json).map((l) => JSON.parse(l) as Record<string, string>);
  assert.equal(objects.length, 3, show(json));
  for (const o of objects) {
    assert.deepEqual(Object.keys(o).sort(), ['Containers', 'CreatedAt', 'CreatedSince', 'Digest', 'ID', 'Repository', 'SharedSize', 'Size', 'Tag', 'UniqueSize', 'VirtualSize']);
    assert.match(o['ID'] ?? '', ID12);
    assert.match(o['CreatedAt'] ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000 UTC$/);
  }
  assert.match(json.stdout, /\\u003cnone\\u003e/, 'Digest <none> is escaped as Go does');

  const filtered = await c.h.runCli(['images', `${repo}:${SECOND_BUSYBOX_TAG}`], { root });
  assert.equal(lines(filtered).length, 2, show(filtered));
  assert.match(lines(filtered)[1] ?? '', new RegExp(` ${SECOND_BUSYBOX_TAG.replace('.', '\\.')} `));
  const glob = await c.h.runCli(['images', `${c.h.openRegistry}/*`], { root });
  assert.equal(lines(glob).length, 2, `only config matches one component: ${show(glob)}`);
});

test('image inspect prints Docker-compatible JSON; a missing image → exit 1, No such image', async () => {
  const config = c.ref(IMAGES.config);
  const root = await pulled([config]);
  const result = await c.h.runCli(['image', 'inspect', config], { root });
  assert.equal(result.code, 0, show(result));
  const [info] = JSON.parse(result.stdout) as Record<string, any>[];
  assert.ok(info);
  assert.match(info['Id'], /^sha256:[0-9a-f]{64}$/);
  assert.deepEqual(info['RepoTags'], [config]);
  assert.match(info['RepoDigests'][0], new RegExp(`^${c.h.openRegistry}/config@sha256:[0-9a-f]{64}$`));
  assert.equal(info['Parent'], '');
  assert.equal(info['Created'], '2024-01-01T00:00:00Z');
  assert.equal(info['Architecture'], 'amd64');
  assert.equal(info['Os'], 'linux');
  assert.deepEqual(info['Config']['Entrypoint'], ['/bin/echo', 'entry']);
  assert.deepEqual(info['Config']['Cmd'], ['cmd-default']);
  assert.equal(info['Config']['WorkingDir'], '/work');
  assert.equal(info['Config']['User'], 'app');
  assert.ok(info['Config']['Env'].includes('FOO=bar'));
  assert.equal(info['RootFS']['Type'], 'layers');
  assert.equal(info['RootFS']['Layers'].length, 2);
  assert.ok(info['Size'] > 100_000, `Size ${info['Size']}`);
  assert.match(result.stdout, /^\[\n {4}\{\n {8}"Id"/, 'indented with 4 spaces like docker');

  // By short ID: the same document.
  const byId = await c.h.runCli(['image', 'inspect', info['Id'].slice(7, 19)], { root });
  assert.equal(byId.code, 0, show(byId));
  assert.equal((JSON.parse(byId.stdout) as { Id: string }[])[0]?.Id, info['Id']);

  const missing = await c.h.runCli(['image', 'inspect', 'nosuch:v1'], { root });
  assertRun(missing, { code: 1, stdout: '[]\n' });
  assert.match(missing.stderr, /^mydocker: No such image: nosuch:v1\b.*\n$/, show(missing));
});

test('tag, then rmi keeps the image until its last name; run uses the new tag without pulling', async () => {
  const busybox = c.ref(IMAGES.busybox);
  const root = await pulled([busybox]);
  assertRun(await c.h.runCli(['tag', busybox, 'mine:v1'], { root }), { code: 0, stdout: '', stderr: '' });
  const untag = await c.h.runCli(['rmi', busybox], { root });
  assertRun(untag, { code: 0, stderr: '' });
  assert.deepEqual(lines(untag), [`Untagged: ${busybox}`, `Untagged: ${c.h.openRegistry}/library/busybox@${(/@(sha256:[0-9a-f]{64})/.exec(untag.stdout) ?? [])[1]}`], show(untag));
  assert.equal(storeState(root).unpacked.length, 1);
  assertRun(await c.h.runCli(['run', '--rm', 'mine:v1', 'echo', 'still here'], { root }), { code: 0, stdout: 'still here\n', stderr: '' });
  const last = await c.h.runCli(['image', 'rm', 'mine:v1'], { root });
  assert.equal(last.code, 0, show(last));
  assert.equal(lines(last)[0], 'Untagged: mine:v1');
  assert.match(lines(last)[1] ?? '', /^Deleted: sha256:[0-9a-f]{64}$/, show(last));
  assertRun(await c.h.runCli(['images', '-q'], { root }), { code: 0, stdout: '' });
  assertEmptyStore(root, last);
  const again = await c.h.runCli(['rmi', 'mine:v1'], { root });
  assert.equal(again.code, 1, show(again));
  assert.match(again.stderr, /No such image: mine:v1/);
});

test('rmi by short ID: several repositories need -f; -f removes every name and the image', async () => {
  const busybox = c.ref(IMAGES.busybox);
  const root = await pulled([busybox, c.ref(IMAGES.busybox, SECOND_BUSYBOX_TAG)]);
  assertRun(await c.h.runCli(['tag', busybox, 'other/name'], { root }), { code: 0 });
  const id = lines(await c.h.runCli(['images', '-q'], { root }))[0] ?? '';
  assert.match(id, ID12);
  const refused = await c.h.runCli(['rmi', id.slice(0, 6)], { root });
  assertRun(refused, { code: 1, stdout: '' });
  assert.match(refused.stderr, new RegExp(`unable to delete ${id} \\(must be forced\\) - image is referenced in multiple repositories`), show(refused));
  const forced = await c.h.runCli(['rmi', '-f', id.slice(0, 6)], { root });
  assert.equal(forced.code, 0, show(forced));
  const out = lines(forced);
  assert.ok(out.includes(`Untagged: ${busybox}`) && out.includes('Untagged: other/name:latest'), show(forced));
  assert.ok(out.some((l) => l.startsWith(`Deleted: sha256:${id}`)), show(forced));
  assertEmptyStore(root, forced);
  const unknown = await c.h.runCli(['rmi', 'abcdef'], { root });
  assert.equal(unknown.code, 1, show(unknown));
});

test('a moved tag leaves a dangling <none> image; image prune removes it, prune -a removes the rest', async () => {
  const busybox = c.ref(IMAGES.busybox);
  const config = c.ref(IMAGES.config);
  const root = await pulled([busybox, config]);
  assertRun(await c.h.runCli(['tag', config, busybox], { root }), { code: 0 });
  const listing = await c.h.runCli(['images'], { root });
  assert.ok(lines(listing).some((l) => /^<none> +<none> +[0-9a-f]{12} /.test(l)), show(listing));
  const df = await c.h.runCli(['system', 'df'], { root });
  assert.equal(df.code, 0, show(df));
  assert.match(lines(df)[0] ?? '', /^TYPE +TOTAL +ACTIVE +SIZE +RECLAIMABLE$/);
  assert.match(lines(df)[1] ?? '', /^Images +2 +0 +\S+ +\S+ \(100%\)$/, show(df));
  assert.match(lines(df)[2] ?? '', /^Containers +0 +0 +0B +0B$/, show(df));
  assert.equal(lines(df).length, 5);

  const prune = await c.h.runCli(['image', 'prune', '-f'], { root });
  assert.equal(prune.code, 0, show(prune));
  assert.equal(lines(prune)[0], 'Deleted Images:', show(prune));
  assert.match(prune.stdout, /^deleted: sha256:[0-9a-f]{64}$/m);
  assert.match(prune.stdout, /Total reclaimed space: \d+(\.\d+)?[kMG]?B\n$/);
  const after = await c.h.runCli(['images'], { root });
  assert.equal(lines(after).length, 3, `config under two names remains: ${show(after)}`);
  assertRun(await c.h.runCli(['run', '--rm', busybox], { root }), { code: 0, stdout: 'entry cmd-default\n' });

  const declined = await c.h.runCli(['image', 'prune', '-a'], { root, input: 'n\n' });
  assert.equal(declined.code, 0, show(declined));
  assert.equal(lines(await c.h.runCli(['images', '-q'], { root })).length, 2, 'answering no keeps everything');
  const all = await c.h.runCli(['image', 'prune', '-a'], { root, input: 'y\n' });
  assert.equal(all.code, 0, show(all));
  assert.match(all.stdout, /^untagged: /m);
  assertEmptyStore(root, all);
});

async function loadFile(root: string, file: string): Promise<CliResult> {
  return c.h.runCli(['load', '-i', file], { root });
}

test('load docker save (old format) and an OCI layout; save → rmi → load round trip; run works', async () => {
  const image = await fixtureImage('one');
  const root = freshRoot();
  const archive = await writeArchive('old.tar', dockerArchiveEntries(image, ['fixture:one']));
  assertRun(await loadFile(root, archive), { code: 0, stdout: 'Loaded image: fixture:one\n', stderr: '' });
  assertRun(await c.h.runCli(['run', '--rm', 'fixture:one'], { root }), { code: 0, stdout: 'one', stderr: '' });

  const saved = path.join(work, 'saved.tar');
  assertRun(await c.h.runCli(['save', '-o', saved, 'fixture:one'], { root }), { code: 0, stdout: '', stderr: '' });
  const names = execFileSync('tar', ['-tf', saved], { encoding: 'utf8' }).split('\n');
  for (const name of ['index.json', 'manifest.json', 'oci-layout', 'repositories', `blobs/sha256/${image.configHex}`]) assert.ok(names.includes(name), `${name} in ${names.join(' ')}`);
  const manifestJson = JSON.parse(execFileSync('tar', ['-xOf', saved, 'manifest.json'], { encoding: 'utf8' })) as { Config: string; RepoTags: string[]; Layers: string[] }[];
  assert.deepEqual(manifestJson[0]?.RepoTags, ['fixture:one']);
  assert.equal(manifestJson[0]?.Config, `blobs/sha256/${image.configHex}`);
  assert.equal(manifestJson[0]?.Layers.length, 2);
  const index = JSON.parse(execFileSync('tar', ['-xOf', saved, 'index.json'], { encoding: 'utf8' })) as { manifests: { annotations: Record<string, string> }[] };
  assert.equal(index.manifests[0]?.annotations['io.containerd.image.name'], 'docker.io/library/fixture:one');
  assert.equal(index.manifests[0]?.annotations['org.opencontainers.image.ref.name'], 'one');

  const removed = await c.h.runCli(['rmi', 'fixture:one'], { root });
  assert.equal(removed.code, 0, show(removed));
  assertEmptyStore(root, removed);
  assertRun(await loadFile(root, saved), { code: 0, stdout: 'Loaded image: fixture:one\n', stderr: '' });
  assertRun(await c.h.runCli(['run', '--rm', 'fixture:one'], { root }), { code: 0, stdout: 'one' });

  // From stdin, gzip-compressed, as `docker save | gzip | docker load`.
  const root2 = freshRoot();
  const viaStdin = spawnSync('sh', ['-c', `gzip -c '${saved}' | '${path.resolve('bin/mydocker')}' load`], { env: { ...process.env, MYDOCKER_ROOT: root2 }, encoding: 'utf8' });
  assert.equal(viaStdin.status, 0, viaStdin.stderr);
  assert.equal(viaStdin.stdout, 'Loaded image: fixture:one\n');

  // save to stdout (not a terminal) gives the same archive contents.
  const piped = spawnSync(path.resolve('bin/mydocker'), ['save', 'fixture:one'], { env: { ...process.env, MYDOCKER_ROOT: root }, maxBuffer: 64 << 20 });
  assert.equal(piped.status, 0, String(piped.stderr));
  assert.ok(piped.stdout.equals(readFileSync(saved)), 'stdout archive equals the -o archive');

  // podman save style: gzip-compressed layer files in a docker-archive; docker save's old format
  // links a layer it already wrote (symlink) instead of writing it twice.
  const podman = await fixtureImage('podman');
  assertRun(await loadFile(root, await writeArchive('podman.tar', dockerArchiveEntries(podman, ['localhost/podman:v1'], true))), { code: 0, stdout: 'Loaded image: localhost/podman:v1\n' });
  assertRun(await c.h.runCli(['run', '--rm', 'localhost/podman:v1'], { root }), { code: 0, stdout: 'podman' });
  const linked = await fixtureImage('linked');
  const entries = dockerArchiveEntries(linked, ['linked:v1']);
  const base = entries[2]?.name ?? '';
  const aliased = await loadFile(root, await writeArchive('linked.tar', [
    ...entries.map((e) => (e === entries[2] ? { name: base, link: `../shared/layer.tar` } : e)),
    { name: 'shared/layer.tar', data: entries[2]?.data ?? Buffer.alloc(0) },
  ]));
  assertRun(aliased, { code: 0, stdout: 'Loaded image: linked:v1\n' });

  // A plain OCI layout whose ref.name is a full name; one without a name loads by ID.
  const other = await fixtureImage('two');
  const oci = await writeArchive('layout.tar', ociLayoutEntries(other, 'fixture:two'));
  assertRun(await loadFile(root, oci), { code: 0, stdout: 'Loaded image: fixture:two\n' });
  assertRun(await c.h.runCli(['run', '--rm', 'fixture:two'], { root }), { code: 0, stdout: 'two' });
  const unnamed = await fixtureImage('three');
  const bare = await loadFile(root, await writeArchive('bare.tar', ociLayoutEntries(unnamed, 'latest')));
  assertRun(bare, { code: 0, stdout: `Loaded image ID: sha256:${unnamed.configHex}\n` });
  // Loading a name that meant another image moves it, as Docker says; the old image is dangling.
  const moved = await loadFile(root, await writeArchive('moved.tar', ociLayoutEntries(unnamed, 'fixture:two')));
  assertRun(moved, { code: 0, stdout: `The image fixture:two already exists, renaming the old one with ID sha256:${other.configHex} to empty string\nLoaded image: fixture:two\n` });
  const listing = await c.h.runCli(['images'], { root });
  assert.ok(lines(listing).some((l) => l.startsWith('<none>') && l.includes(other.configHex.slice(0, 12))), show(listing));
});

test('rmi keeps layers another image still uses', async () => {
  const root = freshRoot();
  const one = await fixtureImage('one');
  const two = await fixtureImage('two');
  assertRun(await loadFile(root, await writeArchive('share1.tar', dockerArchiveEntries(one, ['share:one']))), { code: 0 });
  assertRun(await loadFile(root, await writeArchive('share2.tar', dockerArchiveEntries(two, ['share:two']))), { code: 0 });
  const before = storeState(root);
  // The base layer is one blob for both images.
  const baseHex = (JSON.parse(one.config.toString()) as { rootfs: { diff_ids: string[] } }).rootfs.diff_ids[0]?.slice(7) ?? '';
  assert.ok(before.blobs.includes(baseHex), 'shared base layer stored');
  const removed = await c.h.runCli(['rmi', 'share:one'], { root });
  assert.equal(removed.code, 0, show(removed));
  const after = storeState(root);
  assert.ok(after.blobs.includes(baseHex), 'the shared base layer is kept');
  assert.ok(!after.blobs.includes(one.configHex), 'the removed image config is gone');
  assert.equal(after.unpacked.length, before.unpacked.length - 1, 'only the removed image’s own unpacked data went');
  assertRun(await c.h.runCli(['run', '--rm', 'share:two'], { root }), { code: 0, stdout: 'two' });
});

test('bad archives are refused with one line, and nothing is stored', async () => {
  const image = await fixtureImage('bad');
  const good = await tarOf(dockerArchiveEntries(image, ['bad:one']));
  const wrongDiffId = await fixtureImage('bad', `sha256:${'0'.repeat(64)}`);
  const cases: [string, Buffer, RegExp][] = [
    ['truncated', good.subarray(0, Math.floor(good.length / 2)), /archive|truncated|end/i],
    ['wrong layer digest', await tarOf(dockerArchiveEntries(wrongDiffId, ['bad:one'])), /failed verification/],
    ['wrong config digest', await tarOf(dockerArchiveEntries(image, ['bad:one']).map((e) => (e.name.endsWith('.json') && e.name !== 'manifest.json' ? { ...e, data: Buffer.from(String(e.data).replace('bad', 'BAD')) } : e))), /failed verification/],
    ['../ entry', await tarOf([...dockerArchiveEntries(image, ['bad:one']), { name: '../escape', data: Buffer.from('x') }]), /outside the archive/],
    // Entries: config, layer 1 (VERSION, layer.tar), layer 2 (VERSION, layer.tar), manifest.json: drop layer 2's tar.
    ['missing layer', await tarOf(dockerArchiveEntries(image, ['bad:one']).filter((_, i) => i !== 4)), /missing/],
    ['not an archive', Buffer.from('hello, this is not a tar file at all'.repeat(40)), /archive/],
    ['no manifest', await tarOf([{ name: 'hello.txt', data: Buffer.from('hi') }]), /neither manifest\.json/],
    ['symlink out of the archive', await tarOf([...dockerArchiveEntries(image, ['bad:one']).filter((e) => e.name !== 'manifest.json'), { name: 'manifest.json', link: '../../etc/passwd' }]), /outside the archive/],
  ];
  for (const [what, bytes, message] of cases) {
    const root = freshRoot();
    const file = path.join(work, `bad-${what.replace(/\W+/g, '-')}.tar`);
    writeFileSync(file, bytes);
    const result = await loadFile(root, file);
    assert.equal(result.code, 1, `${what}: ${show(result)}`);
    assert.equal(result.stdout, '', `${what}: ${show(result)}`);
    assert.match(result.stderr, /^mydocker: [^\n]+\n$/, `${what}: one line: ${show(result)}`);
    assert.match(result.stderr, message, `${what}: ${show(result)}`);
    assertEmptyStore(root, result);
  }
});

test('load of archives written by skopeo (docker-archive and oci-archive)', async (t) => {
  if (spawnSync('skopeo', ['--version']).status !== 0) {
    t.skip('skopeo is not installed (apt-get install -y skopeo)');
    return;
  }
  const source = `docker://${c.ref(IMAGES.config)}`;
  const policy = path.join(work, 'policy.json');
  writeFileSync(policy, '{"default":[{"type":"insecureAcceptAnything"}]}');
  // Asynchronously: the harness's proxies run in this process, so a blocking spawn would deadlock.
  const skopeo = async (dest: string): Promise<void> => {
    await promisify(execFile)('skopeo', ['--policy', policy, 'copy', '--src-tls-verify=false', source, dest], { timeout: 60_000 });
  };
  const dockerArchive = path.join(work, 'skopeo-docker.tar');
  const ociArchive = path.join(work, 'skopeo-oci.tar');
  await skopeo(`docker-archive:${dockerArchive}:skopeo/config:v1`);
  await skopeo(`oci-archive:${ociArchive}:skopeo/config:v2`);

  const root = freshRoot();
  assertRun(await loadFile(root, dockerArchive), { code: 0, stdout: 'Loaded image: skopeo/config:v1\n', stderr: '' });
  assertRun(await c.h.runCli(['run', '--rm', 'skopeo/config:v1'], { root }), { code: 0, stdout: 'entry cmd-default\n' });
  assertRun(await loadFile(root, ociArchive), { code: 0, stdout: 'Loaded image: skopeo/config:v2\n', stderr: '' });
  assertRun(await c.h.runCli(['run', '--rm', 'skopeo/config:v2', 'x'], { root }), { code: 0, stdout: 'entry x\n' });
  const ids = lines(await c.h.runCli(['images', '-q', 'skopeo/config'], { root }));
  assert.equal(new Set(ids).size, 1, 'both archives hold the same image (same config digest)');

  // A multi-platform OCI archive (skopeo --all): the host's image is loaded.
  const multi = path.join(work, 'skopeo-multi.tar');
  await promisify(execFile)('skopeo', ['--policy', policy, 'copy', '--all', '--src-tls-verify=false', `docker://${c.ref(IMAGES.ociindex)}`, `oci-archive:${multi}:multi:v1`], { timeout: 60_000 });
  assertRun(await loadFile(root, multi), { code: 0, stdout: 'Loaded image: multi:v1\n' });
  assertRun(await c.h.runCli(['run', '--rm', 'multi:v1', 'cat', '/platform'], { root }), { code: 0, stdout: 'linux/amd64\n' });

  // Our save is read back by skopeo (an OCI tool) and by docker-archive readers.
  const saved = path.join(work, 'resaved.tar');
  assertRun(await c.h.runCli(['save', '-o', saved, 'skopeo/config:v1'], { root }), { code: 0 });
  const inspect = spawnSync('skopeo', ['inspect', `docker-archive:${saved}`], { encoding: 'utf8' });
  assert.equal(inspect.status, 0, inspect.stderr);
  const dir = path.join(work, 'oci-dir');
  execFileSync('mkdir', ['-p', dir]);
  execFileSync('tar', ['-xf', saved, '-C', dir]);
  const ociInspect = spawnSync('skopeo', ['inspect', `oci:${dir}`], { encoding: 'utf8' });
  assert.equal(ociInspect.status, 0, ociInspect.stderr);
});

test('save of a pulled image, when its layer blobs are kept', async (t) => {
  const busybox = c.ref(IMAGES.busybox);
  const root = await pulled([busybox]);
  const saved = path.join(work, 'pulled.tar');
  const result = await c.h.runCli(['save', '-o', saved, busybox], { root });
  if (result.code !== 0 && /is not in the local store/.test(result.stderr)) {
    // Until pull keeps compressed layer blobs (the snapshots work), save says so in one line.
    assert.match(result.stderr, /^mydocker: layer [0-9a-f]{12} of image [0-9a-f]{12} is not in the local store\. /);
    t.skip('pull does not keep layer blobs yet');
    return;
  }
  assertRun(result, { code: 0, stdout: '', stderr: '' });
  assertRun(await c.h.runCli(['rmi', busybox], { root }), { code: 0 });
  assertRun(await loadFile(root, saved), { code: 0, stdout: `Loaded image: ${busybox}\n` });
  assertRun(await c.h.runCli(['run', '--rm', busybox, 'echo', 'ok'], { root }), { code: 0, stdout: 'ok\n' });
});

test('an image pulled by digest is listed as <none> with its digest, and rmi NAME@DIGEST removes it', async () => {
  const tagged = await pulled([c.ref(IMAGES.busybox)]);
  const [info] = JSON.parse((await c.h.runCli(['image', 'inspect', c.ref(IMAGES.busybox)], { root: tagged })).stdout) as { RepoDigests: string[] }[];
  const byDigest = info?.RepoDigests[0] ?? '';
  assert.match(byDigest, /@sha256:[0-9a-f]{64}$/);
  const root = await pulled([byDigest]);
  const listing = await c.h.runCli(['images', '--digests'], { root });
  const [repo, digest] = byDigest.split('@');
  assert.match(lines(listing)[1] ?? '', new RegExp(`^${repo} +<none> +${digest} +[0-9a-f]{12} `), show(listing));
  const removed = await c.h.runCli(['rmi', byDigest], { root });
  assert.equal(removed.code, 0, show(removed));
  assert.equal(lines(removed)[0], `Untagged: ${byDigest}`);
  assert.match(lines(removed)[1] ?? '', /^Deleted: sha256:/);
  assertEmptyStore(root, removed);
});

/** The 12-hex image ID of a name. */
async function shortId(root: string, name: string): Promise<string> {
  const result = await c.h.runCli(['images', '-q', name], { root });
  const id = lines(result)[0] ?? '';
  assert.match(id, ID12, show(result));
  return id;
}

test('rmi and image prune keep the image of a running container; rmi -f only untags it', async () => {
  const busybox = c.ref(IMAGES.busybox);
  const root = await pulled([busybox]);
  const image = await shortId(root, busybox);
  const started = await c.h.runCli(['run', '-d', '--name', 'live', busybox, 'sh', '-c', 'sleep 1000'], { root });
  assert.equal(started.code, 0, show(started));
  const container = started.stdout.trim().slice(0, 12);
  try {
    const pruned = await c.h.runCli(['image', 'prune', '-a', '-f'], { root });
    assertRun(pruned, { code: 0, stdout: 'Total reclaimed space: 0B\n' });
    const df = await c.h.runCli(['system', 'df'], { root });
    assert.match(lines(df)[1] ?? '', /^Images +1 +1 +\S+ +0B \(0%\)$/, show(df));
    assert.match(lines(df)[2] ?? '', /^Containers +1 +1 /, show(df));

    const byName = await c.h.runCli(['rmi', busybox], { root });
    assertRun(byName, { code: 1, stdout: '' });
    assert.match(byName.stderr, new RegExp(`^mydocker: conflict: unable to remove repository reference "${busybox}" \\(must force\\) - container ${container} is using its referenced image ${image}\\b`), show(byName));
    for (const args of [['rmi', image], ['rmi', '-f', image]]) {
      const byId = await c.h.runCli(args, { root });
      assertRun(byId, { code: 1, stdout: '' });
      assert.match(byId.stderr, new RegExp(`^mydocker: conflict: unable to delete ${image} \\(cannot be forced\\) - image is being used by running container ${container}\\b`), show(byId));
    }
    assert.deepEqual(lines(await c.h.runCli(['images', '-q'], { root })), [image], 'a refused rmi untags nothing');

    const forced = await c.h.runCli(['rmi', '-f', busybox], { root });
    assert.equal(forced.code, 0, show(forced));
    assert.equal(lines(forced)[0], `Untagged: ${busybox}`, show(forced));
    assert.ok(!forced.stdout.includes('Deleted:'), show(forced));
    const listing = await c.h.runCli(['images'], { root });
    assert.match(lines(listing)[1] ?? '', new RegExp(`^<none> +<none> +${image} `), show(listing));
    const dangling = await c.h.runCli(['image', 'prune', '-f'], { root });
    assertRun(dangling, { code: 0, stdout: 'Total reclaimed space: 0B\n' });
    assertRun(await c.h.runCli(['exec', 'live', 'cat', '/bin/sh'], { root }), { code: 0 });
  } finally {
    assertRun(await c.h.runCli(['rm', '-f', 'live'], { root }), { code: 0 });
  }
  // With the container gone, the dangling image is prunable again.
  const pruned = await c.h.runCli(['image', 'prune', '-f'], { root });
  assert.match(pruned.stdout, new RegExp(`^deleted: sha256:${image}`, 'm'), show(pruned));
  assertEmptyStore(root, pruned);
});

test('rmi of a stopped container\'s image needs -f, which untags it and keeps its data; start still works', async () => {
  const busybox = c.ref(IMAGES.busybox);
  const root = await pulled([busybox]);
  const image = await shortId(root, busybox);
  assertRun(await c.h.runCli(['run', '--name', 'keep', busybox, 'echo', 'hi'], { root }), { code: 0, stdout: 'hi\n' });
  const container = (await c.h.runCli(['ps', '-aq'], { root })).stdout.trim();
  assert.match(container, ID12);

  const byName = await c.h.runCli(['rmi', busybox], { root });
  assertRun(byName, { code: 1, stdout: '' });
  assert.match(byName.stderr, new RegExp(`conflict: unable to remove repository reference "${busybox}" \\(must force\\) - container ${container} is using its referenced image ${image}\\b`), show(byName));
  const byId = await c.h.runCli(['rmi', image], { root });
  assertRun(byId, { code: 1, stdout: '' });
  assert.match(byId.stderr, new RegExp(`conflict: unable to delete ${image} \\(must be forced\\) - image is being used by stopped container ${container}\\b`), show(byId));
  const df = await c.h.runCli(['system', 'df'], { root });
  assert.match(lines(df)[1] ?? '', /^Images +1 +1 /, show(df));
  assert.match(lines(df)[2] ?? '', /^Containers +1 +0 /, show(df));
  assertRun(await c.h.runCli(['image', 'prune', '-a', '-f'], { root }), { code: 0, stdout: 'Total reclaimed space: 0B\n' });

  const forced = await c.h.runCli(['rmi', '-f', image], { root });
  assert.equal(forced.code, 0, show(forced));
  assert.ok(lines(forced).includes(`Untagged: ${busybox}`) && !forced.stdout.includes('Deleted:'), show(forced));
  assert.match(lines(await c.h.runCli(['images'], { root }))[1] ?? '', new RegExp(`^<none> +<none> +${image} `));
  assertRun(await c.h.runCli(['start', '-a', 'keep'], { root }), { code: 0, stdout: 'hi\n' });

  assertRun(await c.h.runCli(['rm', 'keep'], { root }), { code: 0 });
  const removed = await c.h.runCli(['rmi', image], { root });
  assert.equal(removed.code, 0, show(removed));
  assert.match(removed.stdout, new RegExp(`^Deleted: sha256:${image}`, 'm'), show(removed));
  assertEmptyStore(root, removed);
});

test('run accepts an image ID, a unique ID prefix or sha256:ID of a local image, without pulling', async () => {
  const busybox = c.ref(IMAGES.busybox);
  const root = await pulled([busybox, c.ref(IMAGES.config)]);
  const full = lines(await c.h.runCli(['images', '-q', '--no-trunc', busybox], { root }))[0] ?? '';
  assert.match(full, /^sha256:[0-9a-f]{64}$/);
  for (const image of [full.slice(7, 11), full.slice(7, 19), full.slice(7), full]) {
    assertRun(await c.h.runCli(['run', '--rm', image, 'echo', 'x'], { root }), { code: 0, stdout: 'x\n', stderr: '' });
  }
  // A name wins over an ID: once another image is tagged with the prefix, the prefix runs that one.
  assertRun(await c.h.runCli(['tag', c.ref(IMAGES.config), full.slice(7, 11)], { root }), { code: 0 });
  assertRun(await c.h.runCli(['run', '--rm', full.slice(7, 11)], { root }), { code: 0, stdout: 'entry cmd-default\n', stderr: '' });
});

test('one tag pulled for two platforms: the image the tag no longer means is a dangling <none>, pruned', async () => {
  const multiarch = c.ref(IMAGES.multiarch);
  for (const order of [['linux/arm64', undefined], [undefined, 'linux/arm64']]) {
    const root = freshRoot();
    for (const platform of order) {
      assertRun(await c.h.runCli(['pull', '-q', ...(platform ? ['--platform', platform] : []), multiarch], { root }), { code: 0 });
    }
    const listing = await c.h.runCli(['images'], { root });
    const rows = lines(listing).slice(1);
    assert.equal(rows.length, 2, show(listing));
    assert.ok(rows.some((r) => r.startsWith(`${c.h.openRegistry}/multiarch `)) && rows.some((r) => /^<none> +<none> /.test(r)), show(listing));
    assertRun(await c.h.runCli(['run', '--rm', multiarch, 'cat', '/platform'], { root }), { code: 0, stdout: 'linux/amd64\n' });
    const pruned = await c.h.runCli(['image', 'prune', '-f'], { root });
    assert.match(pruned.stdout, /^deleted: sha256:[0-9a-f]{64}$/m, show(pruned));
    assert.equal(lines(await c.h.runCli(['images', '-q'], { root })).length, 1);
    assertRun(await c.h.runCli(['run', '--rm', multiarch, 'cat', '/platform'], { root }), { code: 0, stdout: 'linux/amd64\n' });
    const removed = await c.h.runCli(['rmi', multiarch], { root });
    assert.equal(removed.code, 0, show(removed));
    assertEmptyStore(root, removed);
  }
});
