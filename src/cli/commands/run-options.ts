/**
 * docker run's container flags (everything but the lifecycle ones): their commander declarations,
 * and their parsing into a RunConfig with Docker's error messages (exit 125).
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { checkResources, parseBytes, parseCpus, parsePidsLimit, parseSwap, type Resources } from '../../cgroups/index.js';
import { checkWorkdir, type NetworkMode, type PullPolicy, type RunConfig } from '../../containers/run-config.js';
import { errnoCode, MyDockerError } from '../../errors.js';
import { parseDns, parseExtraHost } from '../../runtime/etc-files.js';
import { userMounts } from '../../runtime/mounts-from-flags.js';
import { normalizeCapability } from '../../runtime/index.js';

export interface ConfineFlags {
  env: string[];
  envFile: string[];
  workdir?: string;
  user?: string;
  entrypoint?: string;
  hostname?: string;
  volume: string[];
  mount: string[];
  tmpfs: string[];
  readOnly?: boolean;
  network?: string;
  memory?: string;
  memorySwap?: string;
  cpus?: string;
  pidsLimit?: string;
  capAdd: string[];
  capDrop: string[];
  privileged?: boolean;
  securityOpt: string[];
  addHost: string[];
  dns: string[];
  pull?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Declares the flags on `run` (as a block, so other flag groups can sit beside it). */
export function addConfineOptions(command: Command): Command {
  return command
    .option('-e, --env <KEY=VALUE>', 'set an environment variable (KEY alone: take the host value)', collect, [])
    .option('--env-file <file>', 'read environment variables from a file', collect, [])
    .option('-w, --workdir <dir>', 'working directory inside the container (created when missing)')
    .option('-u, --user <name|uid[:group|gid]>', 'user to run as, resolved in the image')
    .option('--entrypoint <command>', "override the image's Entrypoint ('' clears it)")
    .option('-h, --hostname <name>', 'container host name')
    .option('-v, --volume <host:container[:ro|rw]>', 'bind a host directory (created when missing)', collect, [])
    .option('--mount <spec>', 'attach a mount: type=bind|tmpfs,source=,target=,readonly,tmpfs-size=,tmpfs-mode=', collect, [])
    .option('--tmpfs <path[:options]>', 'mount a tmpfs', collect, [])
    .option('--read-only', "mount the container's root filesystem read-only")
    .option('--network <none|host>', 'network: host (default) or none (only loopback)')
    .option('-m, --memory <bytes>', 'memory limit (e.g. 64m, 1g)')
    .option('--memory-swap <bytes>', 'memory + swap limit; -1 for unlimited swap')
    .option('--cpus <number>', 'number of CPUs (e.g. 1.5)')
    .option('--pids-limit <int>', 'process limit; -1 for unlimited')
    .option('--cap-add <cap>', 'add a Linux capability (ALL for all)', collect, [])
    .option('--cap-drop <cap>', 'drop a Linux capability (ALL for all)', collect, [])
    .option('--privileged', 'all capabilities and host devices, no masked or read-only paths')
    .option('--security-opt <option>', 'security options: no-new-privileges', collect, [])
    .option('--add-host <host:ip>', 'add a line to /etc/hosts', collect, [])
    .option('--dns <ip>', 'set a DNS server in /etc/resolv.conf', collect, [])
    .option('--pull <always|missing|never>', 'pull the image before running (default missing)');
}

function usage(message: string, code = 'ERR_BAD_FLAG_VALUE'): MyDockerError {
  return new MyDockerError('usage', code, message, { hint: "See 'mydocker run --help'." });
}

/** -e KEY=VAL as is; -e KEY takes the host's value, or unsets KEY when the host has none (as Docker). */
function envEntry(entry: string, flag: string, hostEnv: NodeJS.ProcessEnv): string[] {
  const eq = entry.indexOf('=');
  const key = eq < 0 ? entry : entry.slice(0, eq);
  if (key === '') throw usage(`invalid argument "${entry}" for "${flag}" flag: invalid environment variable: ${entry}`);
  if (eq >= 0) return [entry];
  const value = hostEnv[key];
  return [value === undefined ? key : `${key}=${value}`];
}

/** Docker's env-file format: KEY=VAL or KEY per line, '#' comments, no whitespace in KEY. */
export function parseEnvFile(path: string, text: string, hostEnv: NodeJS.ProcessEnv): string[] {
  return text.split(/\r?\n/).flatMap((raw) => {
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) return [];
    const eq = line.indexOf('=');
    const key = eq < 0 ? line : line.slice(0, eq);
    if (/\s/.test(key)) throw usage(`poorly formatted environment: variable '${key}' contains whitespaces`);
    return envEntry(line, '--env-file', hostEnv);
  });
}

function readEnvFile(path: string, hostEnv: NodeJS.ProcessEnv): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw usage(`open ${path}: ${errnoCode(error) === 'ENOENT' ? 'no such file or directory' : (errnoCode(error) ?? 'cannot read')}`, 'ERR_ENV_FILE');
  }
  return parseEnvFile(path, text, hostEnv);
}

function network(value: string | undefined): NetworkMode | undefined {
  if (value === undefined || value === 'host' || value === 'none') return value;
  if (value === 'bridge' || value === 'default') {
    throw new MyDockerError('unsupported', 'ERR_UNSUPPORTED_NETWORK', `network "${value}" is not supported yet`, { hint: 'Use --network host (the default) or --network none.' });
  }
  throw usage(`network ${value} not found`, 'ERR_UNKNOWN_NETWORK');
}

function pullPolicy(value: string | undefined): PullPolicy | undefined {
  if (value === undefined || value === 'always' || value === 'missing' || value === 'never') return value;
  throw usage(`invalid pull option: '${value}': must be one of "always", "missing" or "never"`);
}

/** --security-opt: no-new-privileges[=|:true|false]; options without a meaning here are accepted. */
function noNewPrivileges(options: readonly string[]): boolean {
  let nnp = false;
  options.forEach((option, i) => {
    const m = /^no-new-privileges(?:[=:](true|false))?$/.exec(option);
    if (m) nnp = m[1] !== 'false';
    // mydocker has no seccomp, AppArmor or SELinux: "unconfined"/"disable" asks for what already is.
    else if (!/^(seccomp[=:]unconfined|apparmor[=:]unconfined|label[=:]disable)$/.test(option)) throw usage(`invalid --security-opt ${i + 1}: "${option}"`);
  });
  return nnp;
}

function resources(flags: ConfineFlags): Resources | undefined {
  const r: Resources = {
    ...(flags.memory !== undefined && { memory: parseBytes(flags.memory, '-m, --memory') }),
    ...(flags.memorySwap !== undefined && { memorySwap: parseSwap(flags.memorySwap, '--memory-swap') }),
    ...(flags.cpus !== undefined && { nanoCpus: parseCpus(flags.cpus, '--cpus', availableParallelism()) }),
    ...(flags.pidsLimit !== undefined && { pidsLimit: parsePidsLimit(flags.pidsLimit, '--pids-limit') }),
  };
  return Object.keys(r).length > 0 ? checkResources(r) : undefined;
}

/** The flags as a RunConfig; throws a usage error (exit 125) with Docker's words for a bad value. */
export function parseConfineFlags(flags: ConfineFlags, hostEnv: NodeJS.ProcessEnv = process.env): RunConfig {
  const env = [...flags.envFile.flatMap((f) => readEnvFile(f, hostEnv)), ...flags.env.flatMap((e) => envEntry(e, '-e, --env', hostEnv))];
  for (const c of flags.capAdd) normalizeCapability(c, 'CapAdd');
  for (const c of flags.capDrop) normalizeCapability(c, 'CapDrop');
  const limits = resources(flags);
  const net = network(flags.network);
  const pull = pullPolicy(flags.pull);
  const mounts = userMounts({ volumes: flags.volume, mounts: flags.mount, tmpfs: flags.tmpfs });
  return {
    ...(env.length > 0 && { env }),
    ...(flags.workdir !== undefined && { workdir: checkWorkdir(flags.workdir) }),
    ...(flags.user !== undefined && { user: flags.user }),
    ...(flags.entrypoint !== undefined && { entrypoint: flags.entrypoint }),
    ...(flags.hostname !== undefined && { hostname: flags.hostname }),
    ...(mounts.length > 0 && { mounts }),
    ...(flags.readOnly === true && { readOnly: true }),
    ...(net && { network: net }),
    ...(limits && { resources: limits }),
    ...(flags.capAdd.length > 0 && { capAdd: flags.capAdd }),
    ...(flags.capDrop.length > 0 && { capDrop: flags.capDrop }),
    ...(flags.privileged === true && { privileged: true }),
    ...(noNewPrivileges(flags.securityOpt) && { noNewPrivileges: true }),
    ...(flags.addHost.length > 0 && { extraHosts: flags.addHost.map(parseExtraHost) }),
    ...(flags.dns.length > 0 && { dns: flags.dns.map(parseDns) }),
    ...(pull && { pull }),
  };
}
