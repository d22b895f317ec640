/**
 * -v/--volume, --mount and --tmpfs → runtime-spec mounts, with Docker's syntax, defaults and error
 * messages (docker/cli opts/mount.go, moby volume/mounts/linux_parser.go). Pure except for the
 * host checks -v and --mount type=bind need (Docker creates a missing -v source, and refuses a
 * missing --mount source).
 */
import { mkdirSync, statSync } from 'node:fs';
import { isAbsolute, normalize } from 'node:path';
import { MyDockerError } from '../errors.js';
import { parseBytes } from '../cgroups/resources.js';
import type { Mount } from './spec.js';

const PROPAGATIONS = ['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave'];

function invalid(message: string, code = 'ERR_BAD_MOUNT'): MyDockerError {
  return new MyDockerError('usage', code, message, { hint: "See 'mydocker run --help'." });
}

/** The /proc files runc lets a bind replace (lxcfs's virtualized views); nothing else under /proc. */
const PROC_FILES_ALLOWED = new Set(['/proc/cpuinfo', '/proc/diskstats', '/proc/meminfo', '/proc/stat', '/proc/swaps', '/proc/uptime', '/proc/loadavg', '/proc/slabinfo', '/proc/net/dev', '/proc/sys/kernel/ns_last_pid']);

function checkTarget(target: string, type: string): string {
  if (target === '') throw invalid(`invalid mount config for type "${type}": field Target must not be empty`);
  if (!isAbsolute(target)) throw invalid(`invalid mount config for type "${type}": invalid mount path: '${target}' mount path must be absolute`);
  const clean = normalize(target).replace(/(.)\/+$/, '$1');
  if (clean === '/') throw invalid(`invalid specification: destination can't be '/'`);
  // Over /proc a mount would undo its masked and read-only paths (runc refuses it the same way).
  if ((clean === '/proc' || clean.startsWith('/proc/')) && !PROC_FILES_ALLOWED.has(clean)) {
    throw invalid(`invalid mount config for type "${type}": "${clean}" cannot be mounted because it is inside /proc`);
  }
  return clean;
}

function bind(source: string, target: string, readonly: boolean, propagation = 'rprivate'): Mount {
  return { destination: target, type: 'bind', source, options: ['rbind', propagation, ...(readonly ? ['ro'] : [])] };
}

/** -v HOST:CONTAINER[:OPTIONS]; a missing HOST directory is created (Docker's -v behaviour). */
export function volumeMount(spec: string): Mount {
  const parts = spec.split(':');
  if (parts.length < 2 || parts.length > 3) {
    if (parts.length === 1 && spec.startsWith('/')) {
      throw invalid(`anonymous volumes are not supported yet: "${spec}"`, 'ERR_UNSUPPORTED_VOLUME');
    }
    throw invalid(`invalid volume specification: '${spec}'`);
  }
  const [source = '', target = '', mode = ''] = parts;
  if (!isAbsolute(source)) {
    throw new MyDockerError('unsupported', 'ERR_UNSUPPORTED_VOLUME', `named volumes are not supported yet: "${source}"`, {
      hint: 'Give an absolute host path to bind (-v /host/dir:/container/dir).',
    });
  }
  let readonly = false;
  let propagation: string | undefined;
  for (const option of mode === '' ? [] : mode.split(',')) {
    if (option === 'ro') readonly = true;
    else if (option === 'rw') readonly = false;
    else if (PROPAGATIONS.includes(option)) propagation = option;
    else if (['z', 'Z', 'nocopy', 'consistent', 'cached', 'delegated'].includes(option)) continue; // no SELinux, no copy-up
    else throw invalid(`invalid mode: ${option}`);
  }
  try {
    statSync(source);
  } catch {
    mkdirSync(source, { recursive: true, mode: 0o755 });
  }
  return bind(normalize(source), checkTarget(target, 'bind'), readonly, propagation);
}

function parseBool(key: string, value: string | undefined): boolean {
  if (value === undefined || ['1', 't', 'true', 'T', 'TRUE', 'True'].includes(value)) return true;
  if (['0', 'f', 'false', 'F', 'FALSE', 'False'].includes(value)) return false;
  throw invalid(`invalid value for ${key}: ${value}`);
}

/** tmpfs options as the kernel takes them: size in bytes, mode in octal. */
function tmpfsOptions(size: number | undefined, mode: string | undefined, extra: string[] = []): string[] {
  return ['nosuid', 'nodev', 'noexec', ...extra, ...(size !== undefined ? [`size=${size}`] : []), ...(mode !== undefined ? [`mode=${mode}`] : [])];
}

/** --mount type=bind|tmpfs,source=…,target=…,readonly,bind-propagation=…,tmpfs-size=…,tmpfs-mode=… */
export function mountFlagMount(spec: string): Mount {
  const fields = new Map<string, string | undefined>();
  for (const field of spec.split(',')) {
    if (field === '') continue;
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? undefined : field.slice(eq + 1);
    const canonical = ({ src: 'source', dst: 'target', destination: 'target', ro: 'readonly' } as Record<string, string>)[key] ?? key;
    if (!['type', 'source', 'target', 'readonly', 'bind-propagation', 'tmpfs-size', 'tmpfs-mode', 'consistency', 'bind-nonrecursive'].includes(canonical)) {
      throw invalid(`invalid argument "${spec}" for "--mount" flag: unexpected key '${key}' in '${field}'`);
    }
    if (value === undefined && canonical !== 'readonly') throw invalid(`invalid argument "${spec}" for "--mount" flag: invalid field '${field}' must be a key=value pair`);
    fields.set(canonical, value);
  }
  const type = fields.get('type') ?? 'volume';
  const source = fields.get('source') ?? '';
  const readonly = fields.has('readonly') ? parseBool('readonly', fields.get('readonly')) : false;
  if (type === 'bind') {
    if (source === '') throw invalid('invalid mount config for type "bind": field Source must not be empty');
    if (!isAbsolute(source)) throw invalid(`invalid mount config for type "bind": invalid mount path: '${source}' mount path must be absolute`);
    for (const k of ['tmpfs-size', 'tmpfs-mode']) if (fields.has(k)) throw invalid(`invalid mount config for type "bind": field TmpfsOptions must not be specified`);
    const target = checkTarget(fields.get('target') ?? '', 'bind');
    try {
      statSync(source);
    } catch {
      throw invalid(`invalid mount config for type "bind": bind source path does not exist: ${source}`);
    }
    const propagation = fields.get('bind-propagation') ?? 'rprivate';
    if (!PROPAGATIONS.includes(propagation)) throw invalid(`invalid argument "${spec}" for "--mount" flag: invalid bind propagation: ${propagation}`);
    const m = bind(normalize(source), target, readonly, propagation);
    if (fields.has('bind-nonrecursive') && parseBool('bind-nonrecursive', fields.get('bind-nonrecursive'))) m.options[0] = 'bind';
    return m;
  }
  if (type === 'tmpfs') {
    if (source !== '') throw invalid('invalid mount config for type "tmpfs": field Source must not be specified');
    const target = checkTarget(fields.get('target') ?? '', 'tmpfs');
    const sizeText = fields.get('tmpfs-size');
    const size = sizeText === undefined ? undefined : parseBytes(sizeText, '--mount');
    const mode = fields.get('tmpfs-mode');
    if (mode !== undefined && !/^[0-7]{1,4}$/.test(mode)) throw invalid(`invalid argument "${spec}" for "--mount" flag: invalid value for tmpfs-mode: ${mode}`);
    return { destination: target, type: 'tmpfs', source: 'tmpfs', options: tmpfsOptions(size, mode, readonly ? ['ro'] : []) };
  }
  if (type === 'volume') {
    throw new MyDockerError('unsupported', 'ERR_UNSUPPORTED_VOLUME', 'volumes are not supported yet (--mount type=volume)', {
      hint: 'Use type=bind with an absolute host path, or type=tmpfs.',
    });
  }
  throw invalid(`invalid argument "${spec}" for "--mount" flag: invalid mount type: "${type}"`);
}

/** --tmpfs PATH[:OPTIONS] (mount(8) tmpfs options; Docker's defaults noexec,nosuid,nodev). */
export function tmpfsFlagMount(spec: string): Mount {
  const colon = spec.indexOf(':');
  const target = checkTarget(colon < 0 ? spec : spec.slice(0, colon), 'tmpfs');
  const options = colon < 0 ? [] : spec.slice(colon + 1).split(',').filter((o) => o !== '');
  const defaults = ['noexec', 'nosuid', 'nodev'].filter((d) => !options.includes(d.replace(/^no/, '')));
  const converted = options.map((o) => (o.startsWith('size=') && !/^size=\d+%?$/.test(o) ? `size=${parseBytes(o.slice(5), '--tmpfs')}` : o));
  return { destination: target, type: 'tmpfs', source: 'tmpfs', options: [...defaults, ...converted] };
}

/** All user mounts in Docker's order; a destination given twice is Docker's "Duplicate mount point". */
export function userMounts(flags: { volumes?: readonly string[]; mounts?: readonly string[]; tmpfs?: readonly string[] }): Mount[] {
  const all = [...(flags.volumes ?? []).map(volumeMount), ...(flags.mounts ?? []).map(mountFlagMount), ...(flags.tmpfs ?? []).map(tmpfsFlagMount)];
  const seen = new Set<string>();
  for (const m of all) {
    if (seen.has(m.destination)) throw invalid(`Duplicate mount point: ${m.destination}`, 'ERR_DUPLICATE_MOUNT');
    seen.add(m.destination);
  }
  return all;
}
