/**
 * npm run bench: timings of mydocker against baselines measured in the same run, printed as
 * ratios (these machines are noisy; absolute numbers move, ratios much less).
 *
 * - cold pull of a large image (Debian bookworm from debootstrap --variant=minbase: ~50 MB
 *   compressed, thousands of files) and of a 120-layer image, against `skopeo copy` + `umoci unpack`
 *   and against `curl | gzip -d | tar -x` of the same layers; peak RSS of mydocker during the pull;
 * - cold pull of the small busybox image;
 * - cached `run --rm IMAGE /bin/true` for busybox and the large image, against `node -e 0`,
 *   `unshare … chroot ROOTFS /bin/true` and `crun run`/`runc run` of the same root.
 * Runs on a loop-mounted journaled ext4 when possible (see README: benchmarking traps).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHarness, IMAGES, MYDOCKER_BIN } from '../test/harness/index.js';
import { buildImage, compressLayer, singlePlan } from '../test/harness/image-format.js';
import type { TimedCommand, TimerInput } from './start-timer.js';
import { timeCommand } from './time-command.js';

const RUNS_PULL = Number(process.env['BENCH_PULL_RUNS'] ?? 5);
const RUNS_START = Number(process.env['BENCH_START_RUNS'] ?? 21);

const env = { ...process.env };
delete env['NODE_EXTRA_CA_CERTS'];

function time(cmd: string, args: string[], extraEnv: Record<string, string> = {}): Promise<number> {
  return timeCommand(cmd, args, { ...env, ...extraEnv });
}

/**
 * Waits for the writeback of what the previous timed command wrote and of the removal of its
 * output: without it, every pull and the floor each paid part of the one before.
 */
function settle(): void {
  execFileSync('sync');
}

async function series(count: number, once: () => Promise<number>): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < count; i++) values.push(await once());
  return median(values);
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

/** A journaled ext4 on a loop device: `/` here has no journal, which distorts unpack timings. */
function benchDir(): { dir: string; cleanup: () => void } {
  const base = mkdtempSync(path.join(os.tmpdir(), 'mydocker-bench-'));
  const mnt = path.join(base, 'mnt');
  mkdirSync(mnt);
  try {
    execFileSync('truncate', ['-s', '8G', path.join(base, 'fs.img')]);
    execFileSync('mkfs.ext4', ['-q', path.join(base, 'fs.img')]);
    execFileSync('mount', ['-o', 'loop', path.join(base, 'fs.img'), mnt]);
    return { dir: mnt, cleanup: () => { spawnSync('umount', [mnt]); rmSync(base, { recursive: true, force: true }); } };
  } catch {
    console.error('bench: no loop-mounted ext4 (not root?); timing on the temp dir instead');
    return { dir: mnt, cleanup: () => rmSync(base, { recursive: true, force: true }) };
  }
}

const DEBIAN_TAR = path.join(os.tmpdir(), 'mydocker-bench-debian-bookworm-minbase.tar');

/**
 * The large image's layer: a Debian bookworm minbase root from debootstrap (what the official image
 * holds: apt lists and .debs removed), built once and cached in the temp dir. Falls back to host
 * files when debootstrap or the mirror is unavailable.
 */
function largeLayerTar(): { tar: Buffer; what: string } {
  if (!existsSync(DEBIAN_TAR)) {
    const target = mkdtempSync(path.join(os.tmpdir(), 'mydocker-bench-debootstrap-'));
    console.error('bench: debootstrap --variant=minbase bookworm (about a minute, once)…');
    const built = spawnSync('debootstrap', ['--variant=minbase', 'bookworm', target, 'http://deb.debian.org/debian'], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (built.status === 0) {
      execFileSync('tar', ['-C', target, '--numeric-owner', '-c', '-f', DEBIAN_TAR, '--exclude=./proc/*', '--exclude=./sys/*', '--exclude=./dev/*',
        '--exclude=./var/cache/apt/archives/*.deb', '--exclude=./var/lib/apt/lists/*', '.']);
    }
    rmSync(target, { recursive: true, force: true });
  }
  if (existsSync(DEBIAN_TAR)) return { tar: readFileSync(DEBIAN_TAR), what: 'debian bookworm minbase' };
  console.error('bench: no debootstrap image; using host files instead');
  const candidates = ['usr/lib/python3.11', 'usr/share/perl', 'usr/lib/python3', 'usr/share/perl5', 'usr/share/zoneinfo', 'usr/include'];
  const present = candidates.filter((p) => existsSync(`/${p}`));
  return { tar: execFileSync('tar', ['-c', '-C', '/', ...present], { maxBuffer: 1 << 30 }), what: 'host files' };
}

function row(name: string, ms: number, baseline: number | undefined, baseName = ''): string {
  const ratio = baseline ? `${(ms / baseline).toFixed(2)}x ${baseName}` : '';
  return `${name.padEnd(52)} ${ms.toFixed(1).padStart(9)} ms  ${ratio}`;
}

async function main(): Promise<void> {
  const { dir, cleanup } = benchDir();
  const harness = await startHarness();
  try {
    const busyboxRef = `${harness.openRegistry}/library/busybox:latest`;
    const accept = { Accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' };
    console.error('bench: building the large image…');
    const largeTar = largeLayerTar();
    const large = compressLayer(largeTar.tar, 'gzip');
    // One layer, as the official debian image: a run must cost the same as busybox's.
    const image = buildImage({ format: 'oci', platform: { os: 'linux', architecture: 'amd64' }, layers: [large], config: { Cmd: ['bash'] } });
    await harness.openClient.push(singlePlan('bench/large', ['latest'], image));
    const largeRef = `${harness.openRegistry}/bench/large:latest`;
    const manyRef = `${harness.openRegistry}/${IMAGES.manyLayers}:latest`;
    const manyManifest = JSON.parse(await (await harness.openClient.request(IMAGES.manyLayers, 'GET', `/v2/${IMAGES.manyLayers}/manifests/latest`, { headers: accept })).text()) as { layers: { digest: string }[] };
    console.error(`bench: large image (${largeTar.what}): ${(large.blob.data.length / 1e6).toFixed(1)} MB compressed, ${(largeTar.tar.length / 1e6).toFixed(0)} MB tar`);

    const lines: string[] = [];
    // Cold pulls: fresh store each time, on the bench filesystem.
    const pullOnce = async (ref: string): Promise<number> => {
      const root = path.join(dir, `root-${Math.random().toString(16).slice(2)}`);
      settle();
      const ms = await time(MYDOCKER_BIN, ['pull', '-q', ref], { MYDOCKER_ROOT: root });
      rmSync(root, { recursive: true, force: true });
      return ms;
    };
    /** curl | gzip -d | tar -x of each layer blob in turn, into one directory: the floor. */
    const floorOnce = async (repository: string, digests: string[]): Promise<number> => {
      const out = path.join(dir, `floor-${Math.random().toString(16).slice(2)}`);
      mkdirSync(out);
      const url = `http://${harness.openRegistry}/v2/${repository}/blobs/`;
      const script = digests.map((d) => `curl -sf ${url}${d} | gzip -d | tar -x -C ${out}`).join(' && ');
      settle();
      const ms = await time('sh', ['-c', script]);
      rmSync(out, { recursive: true, force: true });
      return ms;
    };
    /** skopeo copy to an OCI layout + umoci unpack: the containers/image toolchain. */
    const skopeoOnce = async (repository: string): Promise<number> => {
      const work = path.join(dir, `skopeo-${Math.random().toString(16).slice(2)}`);
      mkdirSync(work);
      const script = `skopeo copy -q --src-tls-verify=false docker://${harness.openRegistry}/${repository}:latest oci:${work}/layout:latest && umoci unpack --image ${work}/layout:latest ${work}/bundle`;
      settle();
      const ms = await time('sh', ['-c', script]);
      rmSync(work, { recursive: true, force: true });
      return ms;
    };
    const haveSkopeo = existsSync('/usr/bin/skopeo') && existsSync('/usr/bin/umoci');
    for (const [label, repository, ref, digests] of [
      ['large image', 'bench/large', largeRef, image.blobs.slice(0, 1).map((b) => b.digest)],
      [`${manyManifest.layers.length}-layer image`, IMAGES.manyLayers, manyRef, manyManifest.layers.map((l) => l.digest)],
    ] as const) {
      const pulls: number[] = [];
      const floors: number[] = [];
      const skopeos: number[] = [];
      for (let i = 0; i < RUNS_PULL; i++) {
        floors.push(await floorOnce(repository, [...digests]));
        pulls.push(await pullOnce(ref));
        if (haveSkopeo) skopeos.push(await skopeoOnce(repository));
      }
      const floor = median(floors);
      lines.push(row(`curl | gzip -d | tar -x (${label})`, floor, undefined));
      lines.push(row(`mydocker pull (${label}, cold)`, median(pulls), floor, 'the curl|gzip|tar floor'));
      if (haveSkopeo) {
        lines.push(row(`skopeo copy + umoci unpack (${label})`, median(skopeos), floor, 'the curl|gzip|tar floor'));
        lines.push(row(`mydocker pull vs skopeo+umoci (${label})`, median(pulls), median(skopeos), 'skopeo+umoci'));
      }
    }
    lines.push(row('mydocker pull (busybox, cold)', await series(RUNS_PULL, () => pullOnce(busyboxRef)), undefined));

    // Peak memory of a large cold pull.
    const memRoot = path.join(dir, 'mem-root');
    const mem = await new Promise<string>((resolve) => {
      const child = spawn('/usr/bin/time', ['-f', '%M', MYDOCKER_BIN, 'pull', '-q', largeRef], { env: { ...env, MYDOCKER_ROOT: memRoot }, stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('close', () => resolve(err));
    });
    const peakKb = Number(mem.trim().split('\n').pop());
    rmSync(memRoot, { recursive: true, force: true });

    // Cached starts.
    const root = path.join(dir, 'root-cached');
    for (const ref of [busyboxRef, largeRef]) await time(MYDOCKER_BIN, ['pull', '-q', ref], { MYDOCKER_ROOT: root });
    // busybox has one layer: its snapshot is its whole root, which the baselines run too.
    const busyboxRoot = path.join(dir, 'root-busybox');
    await time(MYDOCKER_BIN, ['pull', '-q', busyboxRef], { MYDOCKER_ROOT: busyboxRoot });
    const snapshot = readdirSync(path.join(busyboxRoot, 'snapshots')).find((name) => /^[0-9a-f]{64}$/.test(name)) ?? '';
    const busyboxRootfs = path.join(busyboxRoot, 'snapshots', snapshot, 'fs');
    /** `crun`/`runc run` of the same busybox root (read-only, /bin/true), when installed and working here. */
    const ociRuntime = (name: 'crun' | 'runc', runArgs: (bundle: string) => string[]): TimedCommand | undefined => {
      if (!existsSync(`/usr/bin/${name}`) && !existsSync(`/usr/sbin/${name}`)) {
        lines.push(`${name} run: not measured here (not installed: apt-get install ${name})`);
        return undefined;
      }
      const bundle = path.join(dir, `bundle-${name}`);
      mkdirSync(bundle, { recursive: true });
      execFileSync(name, ['spec'], { cwd: bundle });
      const config = JSON.parse(readFileSync(path.join(bundle, 'config.json'), 'utf8')) as { root: { path: string; readonly?: boolean }; process: { args: string[]; terminal: boolean } };
      config.root = { path: busyboxRootfs, readonly: true };
      config.process.args = ['/bin/true'];
      config.process.terminal = false;
      writeFileSync(path.join(bundle, 'config.json'), JSON.stringify(config));
      // `run` deletes the container when it exits: the same id serves every run.
      const command = { name, cmd: name, args: runArgs(bundle) };
      const probe = spawnSync(command.cmd, command.args, { encoding: 'utf8' });
      if (probe.status === 0) return command;
      // e.g. crun 1.8 refuses cgroup "hybrid" hosts (v1 plus a v2 mount with controllers).
      lines.push(`${name} run: not measured here (${`${probe.stderr ?? ''}${probe.error?.message ?? ''}`.trim().split('\n')[0]?.slice(-90)})`);
      return undefined;
    };
    const crunCommand = ociRuntime('crun', (bundle) => ['--cgroup-manager=disabled', 'run', '--bundle', bundle, `bench-crun-${process.pid}`]);
    const runcCommand = ociRuntime('runc', (bundle) => ['run', '--bundle', bundle, `bench-runc-${process.pid}`]);

    // The pulls above leave writeback behind: let it finish so it does not land on the timings.
    execFileSync('sync');
    // The floor of the goal is node's start-up plus the unshare/chroot run, with --net as the issue
    // defines it (mydocker's default network is the host's; a network namespace adds ~0.5 ms here).
    // All are interleaved, timed by a small process of their own (start-timer.ts); its first,
    // untimed round writes the code cache of `run` when the build is new.
    const timerInput: TimerInput = {
      runs: RUNS_START,
      commands: [
        { name: 'true', cmd: '/bin/true', args: [] },
        { name: 'node', cmd: process.execPath, args: ['-e', '0'] },
        { name: 'unshare', cmd: 'unshare', args: ['--pid', '--fork', '--mount', '--uts', '--ipc', '--net', 'chroot', busyboxRootfs, '/bin/true'] },
        { name: 'busybox', cmd: MYDOCKER_BIN, args: ['run', '--rm', busyboxRef, '/bin/true'], env: { MYDOCKER_ROOT: root } },
        { name: 'large', cmd: MYDOCKER_BIN, args: ['run', '--rm', largeRef, '/bin/true'], env: { MYDOCKER_ROOT: root } },
        ...[crunCommand, runcCommand].filter((c): c is TimedCommand => c !== undefined),
      ],
    };
    const timerScript = fileURLToPath(new URL('./start-timer.js', import.meta.url));
    const started = JSON.parse(execFileSync(process.execPath, [timerScript, JSON.stringify(timerInput)], { env, encoding: 'utf8' })) as Record<string, number[]>;
    const startMedian = (name: string): number | undefined => (started[name] === undefined ? undefined : median(started[name]));
    const nodeStart = startMedian('node') ?? NaN;
    const unshare = startMedian('unshare') ?? NaN;
    const runBusybox = startMedian('busybox') ?? NaN;
    const runLarge = startMedian('large') ?? NaN;
    const crun = startMedian('crun');
    const runc = startMedian('runc');
    lines.push(row('spawn and wait of /bin/true (the timer itself)', startMedian('true') ?? NaN, undefined));
    lines.push(row('node -e 0', nodeStart, undefined));
    lines.push(row('unshare --pid --fork --mount --uts --ipc --net chroot /bin/true', unshare, undefined));
    if (crun !== undefined) lines.push(row('crun run (same rootfs, /bin/true)', crun, undefined));
    if (runc !== undefined) lines.push(row('runc run (same rootfs, /bin/true)', runc, undefined));
    const floorStart = nodeStart + unshare;
    lines.push(row('mydocker run busybox /bin/true (cached)', runBusybox, floorStart, 'node start + unshare/chroot'));
    lines.push(row('mydocker run large /bin/true (cached)', runLarge, runBusybox, 'the busybox run'));
    if (crun !== undefined) lines.push(row('mydocker run busybox /bin/true vs crun', runBusybox, crun, 'crun'));
    if (runc !== undefined) lines.push(row('mydocker run busybox /bin/true vs runc', runBusybox, runc, 'runc'));
    lines.push(`peak RSS of mydocker during the large cold pull: ${(peakKb / 1024).toFixed(0)} MB`);
    console.log(lines.join('\n'));
  } finally {
    await harness.stop();
    cleanup();
  }
}

await main();
