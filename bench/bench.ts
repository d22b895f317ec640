/**
 * npm run bench: timings of mydocker against baselines measured in the same run, printed as
 * ratios (these machines are noisy; absolute numbers move, ratios much less).
 *
 * - cold pull of a large image (~thousands of files) vs `curl | gzip -d | tar -x` of its layers;
 * - cold pull of the small busybox image;
 * - cached `run IMAGE /bin/true` vs `node -e 0`, `unshare … chroot ROOTFS /bin/true` and crun.
 * Runs on a loop-mounted journaled ext4 when possible (see README: benchmarking traps).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHarness, MYDOCKER_BIN } from '../test/harness/index.js';
import { buildImage, compressLayer, singlePlan } from '../test/harness/image-format.js';

const RUNS_PULL = Number(process.env['BENCH_PULL_RUNS'] ?? 3);
const RUNS_START = Number(process.env['BENCH_START_RUNS'] ?? 15);

const env = { ...process.env };
delete env['NODE_EXTRA_CA_CERTS'];

// Asynchronous on purpose: the harness's counting proxies live in this process, so a blocking
// spawnSync would stall the very registry traffic being timed.
function time(cmd: string, args: string[], extraEnv: Record<string, string> = {}): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...env, ...extraEnv }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolve(ms);
      else reject(new Error(`${cmd} ${args.join(' ')} failed (${code}): ${stderr}`));
    });
  });
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

function largeLayerTar(): Buffer {
  const candidates = ['usr/lib/python3.11', 'usr/share/perl', 'usr/lib/python3', 'usr/share/perl5', 'usr/share/zoneinfo', 'usr/include'];
  const present = candidates.filter((p) => existsSync(`/${p}`));
  return execFileSync('tar', ['-c', '-C', '/', ...present], { maxBuffer: 1 << 30 });
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
    const manifestResponse = await harness.openClient.request('library/busybox', 'GET', '/v2/library/busybox/manifests/latest', { headers: accept });
    const busyboxManifest = JSON.parse(await manifestResponse.text()) as { layers: { digest: string }[] };
    console.error('bench: building the large image from host files…');
    const baseBlobDigest = busyboxManifest.layers[0]?.digest ?? '';
    const baseBlob = Buffer.from(await (await harness.openClient.request('library/busybox', 'GET', `/v2/library/busybox/blobs/${baseBlobDigest}`)).arrayBuffer());
    const baseTar = execFileSync('gzip', ['-dc'], { input: baseBlob, maxBuffer: 1 << 30 });
    const large = compressLayer(largeLayerTar(), 'gzip');
    const image = buildImage({ format: 'oci', platform: { os: 'linux', architecture: 'amd64' }, layers: [compressLayer(baseTar, 'gzip'), large], config: { Cmd: ['sh'] } });
    await harness.openClient.push(singlePlan('bench/large', ['latest'], image));
    const largeRef = `${harness.openRegistry}/bench/large:latest`;
    console.error(`bench: large layer ${(large.blob.data.length / 1e6).toFixed(1)} MB compressed`);

    const lines: string[] = [];
    // Cold pulls: fresh store each time, on the bench filesystem.
    const pullOnce = async (ref: string): Promise<number> => {
      const root = path.join(dir, `root-${Math.random().toString(16).slice(2)}`);
      const ms = await time(MYDOCKER_BIN, ['pull', '-q', ref], { MYDOCKER_ROOT: root });
      rmSync(root, { recursive: true, force: true });
      return ms;
    };
    const floorOnce = async (): Promise<number> => {
      const out = path.join(dir, `floor-${Math.random().toString(16).slice(2)}`);
      mkdirSync(out);
      const url = `http://${harness.openRegistry}/v2/bench/large/blobs/`;
      const script = image.blobs.slice(0, 2).map((b) => `curl -sf ${url}${b.digest} | gzip -d | tar -x -C ${out}`).join(' && ');
      const ms = await time('sh', ['-c', script]);
      rmSync(out, { recursive: true, force: true });
      return ms;
    };
    const pulls: number[] = [];
    const floors: number[] = [];
    for (let i = 0; i < RUNS_PULL; i++) {
      floors.push(await floorOnce());
      pulls.push(await pullOnce(largeRef));
    }
    const floor = median(floors);
    lines.push(row('curl | gzip -d | tar -x (large image layers)', floor, undefined));
    lines.push(row('mydocker pull (large image, cold)', median(pulls), floor, 'the curl|gzip|tar floor'));
    lines.push(row('mydocker pull (busybox, cold)', await series(RUNS_PULL, () => pullOnce(busyboxRef)), floor, 'the large-image floor'));

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
    const rootfsDir = path.join(root, 'rootfs');
    const busyboxRootfs = path.join(rootfsDir, readdirSync(rootfsDir).sort()[0] ?? '');
    const nodeStart = await series(RUNS_START, () => time(process.execPath, ['-e', '0']));
    const unshare = await series(RUNS_START, () => time('unshare', ['--pid', '--fork', '--mount', '--uts', '--ipc', 'chroot', busyboxRootfs, '/bin/true']));
    const runBusybox = await series(RUNS_START, () => time(MYDOCKER_BIN, ['run', '--rm', busyboxRef, '/bin/true'], { MYDOCKER_ROOT: root }));
    const runLarge = await series(RUNS_START, () => time(MYDOCKER_BIN, ['run', '--rm', largeRef, '/bin/true'], { MYDOCKER_ROOT: root }));
    lines.push(row('node -e 0', nodeStart, undefined));
    lines.push(row('unshare --pid --fork --mount --uts --ipc chroot /bin/true', unshare, undefined));
    let crun: number | undefined;
    if (existsSync('/usr/bin/crun')) {
      const bundle = path.join(dir, 'bundle');
      mkdirSync(bundle, { recursive: true });
      execFileSync('crun', ['spec'], { cwd: bundle });
      const config = JSON.parse(execFileSync('cat', [path.join(bundle, 'config.json')]).toString()) as { root: { path: string }; process: { args: string[]; terminal: boolean } };
      config.root.path = busyboxRootfs;
      config.process.args = ['/bin/true'];
      config.process.terminal = false;
      writeFileSync(path.join(bundle, 'config.json'), JSON.stringify(config));
      let n = 0;
      try {
        crun = await series(RUNS_START, () => time('crun', ['--cgroup-manager=disabled', 'run', '--bundle', bundle, `bench-${process.pid}-${n++}`]));
        lines.push(row('crun run (same rootfs, /bin/true)', crun, undefined));
      } catch (error) {
        // e.g. crun 1.8 refuses cgroup "hybrid" hosts (v1 plus a v2 mount with controllers).
        lines.push(`crun run: not measured here (${(error as Error).message.split('\n')[0]?.slice(-90)})`);
      }
    }
    const floorStart = nodeStart + unshare;
    lines.push(row('mydocker run busybox /bin/true (cached)', runBusybox, floorStart, 'node start + unshare/chroot'));
    lines.push(row('mydocker run large /bin/true (cached)', runLarge, runBusybox, 'the busybox run'));
    if (crun) lines.push(row('mydocker run busybox /bin/true vs crun', runBusybox, crun, 'crun'));
    lines.push(`peak RSS of mydocker during the large cold pull: ${(peakKb / 1024).toFixed(0)} MB`);
    console.log(lines.join('\n'));
  } finally {
    await harness.stop();
    cleanup();
  }
}

await main();
