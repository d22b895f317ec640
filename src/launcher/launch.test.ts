import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { RuntimeSpec } from '../runtime/spec.js';
import { canRunContainers, makeFixture, makeSpec, type Fixture } from './busybox-rootfs.fixture.js';
import { encodeSpec, launch, LaunchError, launcherPath, type LaunchOutcome } from './index.js';

const skip = canRunContainers() || (existsSync(launcherPath()) ? false : 'run node native/build.mjs first');
const RUNNER = fileURLToPath(new URL('./launch-runner.fixture.js', import.meta.url));

interface RunResult {
  stdout: string;
  stderr: string;
  outcome?: LaunchOutcome;
  error?: { code: string; stage: string; errnoName: string; message: string };
  events: { type: string; pid: number }[];
}

/** Host mounts under `dir` (every container mount lives under the fixture; other people's tests
 * may mount elsewhere on this machine meanwhile, so the whole table is not compared). */
const mountsUnder = (dir: string): string[] => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(dir));

/** Run a spec in a child Node process (stdout/stderr captured; an extra fd 5 left open to leak). */
function runInChild(fixture: Fixture, spec: RuntimeSpec, control?: (child: ReturnType<typeof spawn>, events: RunResult['events']) => void): Promise<RunResult> {
  const specFile = join(fixture.dir, `spec-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(specFile, JSON.stringify(spec));
  const leak = openSync(specFile, 'r');
  const child = spawn(process.execPath, [RUNNER, specFile], { stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'ignore', leak] });
  closeSync(leak);
  const result: RunResult = { stdout: '', stderr: '', events: [] };
  child.stdout?.on('data', (d: Buffer) => (result.stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (result.stderr += d.toString()));
  let control3 = '';
  (child.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => {
    control3 += d.toString();
    let nl: number;
    while ((nl = control3.indexOf('\n')) >= 0) {
      const msg = JSON.parse(control3.slice(0, nl)) as Partial<RunResult> & { event?: { type: string; pid: number } };
      control3 = control3.slice(nl + 1);
      if (msg.event) {
        result.events.push(msg.event);
        control?.(child, result.events);
      }
      if (msg.outcome) result.outcome = msg.outcome;
      if (msg.error) result.error = msg.error;
    }
  });
  return new Promise((resolve) => child.on('close', () => resolve(result)));
}

function isGone(pid: number): boolean {
  try {
    // A zombie (reparented to an init that has not reaped it yet) counts as gone.
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? true;
  } catch {
    return true;
  }
}

async function waitUntil(cond: () => boolean, ms = 5000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) if (cond()) return true;
  return cond();
}

for (const mode of ['overlay', 'bind'] as const) {
  describe(`launch with a ${mode} root`, { skip, timeout: 60_000 }, () => {
    let fixture: Fixture;
    before(() => {
      fixture = makeFixture();
    });
    after(() => {
      const leaked = mountsUnder(fixture.dir);
      fixture.remove();
      assert.deepEqual(leaked, [], 'no mount leaked into the host');
    });
    const sh = (script: string, overrides: Partial<RuntimeSpec['process']> = {}): RuntimeSpec => makeSpec(fixture, mode, ['sh', '-c', script], overrides);

    it('keeps stdout and stderr exact and separate, and returns the exit code', async () => {
      const r = await runInChild(fixture, sh('echo out; echo err >&2; printf "no newline"; exit 3'));
      assert.deepEqual(r.outcome, { kind: 'exited', code: 3 });
      assert.equal(r.stdout, 'out\nno newline');
      assert.equal(r.stderr, 'err\n');
    });

    it('returns exit codes 0, 1 and 255', async () => {
      for (const [args, code] of [[['true'], 0], [['false'], 1], [['sh', '-c', 'exit 255'], 255]] as const) {
        assert.deepEqual(await launch(makeSpec(fixture, mode, [...args]), { stdin: 'ignore' }), { kind: 'exited', code });
      }
    });

    it('runs the command as PID 1 that sees only its own processes', async () => {
      const r = await runInChild(fixture, sh('echo $$; ls -d /proc/[0-9]*'));
      assert.equal(r.stdout, '1\n/proc/1\n');
    });

    it('sets the hostname, user, groups and working directory', async () => {
      const r = await runInChild(fixture, sh('hostname; id -u; id -g; id -G; pwd', { cwd: '/work', user: { uid: 65534, gid: 65534, additionalGids: [5] } }));
      assert.equal(r.stdout, 'box\n65534\n65534\n65534 5\n/work\n');
    });

    it('leaves no host fd open in the container', async () => {
      const r = await runInChild(fixture, sh('ls /proc/$$/fd; true'));
      assert.equal(r.stdout, '0\n1\n2\n');
    });

    it('closes fds the launcher inherited above 4 (spoken to directly, with fd 5 and 6 open)', async () => {
      const child = spawn(launcherPath(), [], { stdio: ['ignore', 'pipe', 'inherit', 'pipe', 'pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let report = '';
      child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
      (child.stdio[4] as NodeJS.ReadableStream).on('data', (d: Buffer) => (report += d.toString()));
      (child.stdio[3] as NodeJS.WritableStream).end(encodeSpec(sh('ls /proc/$$/fd; true')));
      await new Promise((resolve) => child.on('close', resolve));
      assert.equal(stdout, '0\n1\n2\n');
      assert.match(report, /^pid\t\d+\nstarted\nexit\t0\n$/);
    });

    it('hides the host filesystem', async () => {
      const hostDir = mkdtempSync(join(tmpdir(), 'mydocker-host-'));
      try {
        const r = await runInChild(fixture, sh(`test -e ${hostDir} && echo visible; test -e /bin/busybox && echo own`));
        assert.equal(r.stdout, 'own\n');
      } finally {
        rmSync(hostDir, { recursive: true });
      }
    });

    it('searches the PATH of the spec, not its own', async () => {
      const r = await runInChild(fixture, makeSpec(fixture, mode, ['echo', 'hi'], { env: ['PATH=/nowhere:/bin'] }));
      assert.equal(r.stdout, 'hi\n');
      await assert.rejects(launch(makeSpec(fixture, mode, ['sh'], { env: ['PATH=/nowhere'] }), { stdin: 'ignore' }), { stage: 'exec', errnoName: 'ENOENT' });
    });

    it('reports a missing command as ENOENT at the exec stage', async () => {
      const error = await launch(makeSpec(fixture, mode, ['no-such-command']), { stdin: 'ignore' }).catch((e: unknown) => e);
      assert.ok(error instanceof LaunchError);
      assert.equal(error.stage, 'exec');
      assert.equal(error.errnoName, 'ENOENT');
      assert.equal(error.code, 'ERR_LAUNCH_EXEC');
      assert.equal(error.kind, 'launch');
      assert.equal(error.message, 'exec "no-such-command": executable file not found in $PATH');
      assert.ok(error.notFound);
    });

    it('reports a non-executable file as EACCES, by path and through the PATH', async () => {
      await assert.rejects(launch(makeSpec(fixture, mode, ['/bin/notexec']), { stdin: 'ignore' }), {
        stage: 'exec',
        errnoName: 'EACCES',
        message: 'exec "/bin/notexec": permission denied',
      });
      await assert.rejects(launch(makeSpec(fixture, mode, ['notexec']), { stdin: 'ignore' }), { stage: 'exec', errnoName: 'EACCES' });
    });

    it('reports a missing working directory at the cwd stage', async () => {
      await assert.rejects(launch(makeSpec(fixture, mode, ['true'], { cwd: '/no/such/dir' }), { stdin: 'ignore' }), {
        stage: 'cwd',
        errnoName: 'ENOENT',
        code: 'ERR_LAUNCH_CWD',
      });
    });

    it('reports a container killed by a signal', async () => {
      const outcome = await launch(makeSpec(fixture, mode, ['sleep', '30']), {
        stdin: 'ignore',
        onEvent: (e) => {
          if (e.type === 'container-started') process.kill(e.pid, 'SIGKILL');
        },
      });
      assert.deepEqual(outcome, { kind: 'signaled', signal: 9 });
    });

    it('kills the container when the AbortSignal fires', async () => {
      const controller = new AbortController();
      const started = Date.now();
      const outcome = await launch(makeSpec(fixture, mode, ['sleep', '30']), {
        stdin: 'ignore',
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type === 'container-started') setTimeout(() => controller.abort(), 100);
        },
      });
      assert.deepEqual(outcome, { kind: 'signaled', signal: 9 });
      assert.ok(Date.now() - started < 10_000);
    });

    it('forwards SIGTERM sent to mydocker to the container', async () => {
      const r = await runInChild(fixture, sh('trap "echo got TERM; exit 42" TERM; sleep 30 & wait'), (child, events) => {
        // The pid comes before exec and before the trap is set (init ignores an untrapped TERM),
        // so keep sending until the shell acts on one.
        if (events.at(-1)?.type === 'container-started') {
          const timer = setInterval(() => child.kill('SIGTERM'), 100);
          child.once('close', () => clearInterval(timer));
        }
      });
      assert.deepEqual(r.outcome, { kind: 'exited', code: 42 });
      assert.equal(r.stdout, 'got TERM\n');
    });

    it('makes the root read-only when asked', async () => {
      const spec = sh('touch /x 2>/dev/null && echo wrote; touch /dev/shm/x && echo shm');
      spec.root.readonly = true;
      const r = await runInChild(fixture, spec);
      assert.equal(r.stdout, 'shm\n');
    });

    for (const delay of [0, 300]) {
      // 0: killed while the child is still setting up (the lifeline pipe catches it);
      // 300 ms: killed while the command runs (PR_SET_PDEATHSIG catches it).
      it(`leaves nothing running or mounted when mydocker is SIGKILLed ${delay} ms after the start`, async () => {
        const r = await runInChild(fixture, makeSpec(fixture, mode, ['sleep', '30']), (child, events) => {
          if (events.at(-1)?.type === 'container-started') setTimeout(() => child.kill('SIGKILL'), delay);
        });
        // launcher-started and container-started (command-started may follow: it repeats the pid).
        const pids = r.events.filter((e) => e.type !== 'command-started').map((e) => e.pid);
        assert.equal(pids.length, 2, 'saw the launcher and the container start');
        assert.ok(await waitUntil(() => pids.every(isGone)), `processes ${pids.join(', ')} are gone`);
        assert.ok(await waitUntil(() => mountsUnder(fixture.dir).length === 0), 'no mount leaked');
      });
    }
  });
}

describe('launch with a hostile image', { skip }, () => {
  it('keeps mount targets inside the root when the image has an absolute symlink to a host path', async () => {
    const fixture = makeFixture();
    const hostDir = mkdtempSync(join(tmpdir(), 'mydocker-escape-'));
    try {
      symlinkSync(hostDir, join(fixture.rootfs, 'evil'));
      const spec = makeSpec(fixture, 'bind', ['sh', '-c', `test -d ${hostDir}/sub && echo inside`]);
      spec.mounts.push({ destination: '/evil/sub', type: 'tmpfs', source: 'tmpfs', options: [] });
      // Dangling inside the root: refused rather than followed to the host.
      const refused = await runInChild(fixture, spec);
      assert.equal(refused.error?.stage, 'mount', JSON.stringify(refused));
      assert.deepEqual(readdirSync(hostDir), [], 'nothing created on the host');
      // Resolving inside the root: the mount lands there.
      mkdirSync(join(fixture.rootfs, hostDir), { recursive: true });
      const r = await runInChild(fixture, spec);
      assert.deepEqual(r.outcome, { kind: 'exited', code: 0 }, JSON.stringify(r));
      assert.equal(r.stdout, 'inside\n');
      assert.deepEqual(readdirSync(hostDir), [], 'nothing created on the host');
    } finally {
      fixture.remove();
      rmSync(hostDir, { recursive: true, force: true });
    }
  });
});

describe('launch with an overlay root', { skip }, () => {
  it('writes to the upper directory, never to the image', async () => {
    const fixture = makeFixture();
    try {
      const spec = makeSpec(fixture, 'overlay', ['sh', '-c', 'echo data > /created']);
      assert.deepEqual(await launch(spec, { stdin: 'ignore' }), { kind: 'exited', code: 0 });
      assert.equal(existsSync(join(fixture.rootfs, 'created')), false);
      const upper = spec.mounts[0]?.options.find((o) => o.startsWith('upperdir='))?.slice('upperdir='.length) ?? '';
      assert.equal(readFileSync(join(upper, 'created'), 'utf8'), 'data\n');
    } finally {
      fixture.remove();
    }
  });
});
