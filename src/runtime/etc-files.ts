/**
 * The container's /etc/hostname, /etc/hosts and /etc/resolv.conf, as Docker provides them: files
 * in the container's own directory, bind-mounted over the image's (which is never modified).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { MyDockerError } from '../errors.js';
import type { Mount } from './spec.js';

export interface ExtraHost {
  host: string;
  ip: string;
}

export interface EtcFilesRequest {
  hostname: string;
  /** The container's name (--name), added to its /etc/hosts line when given. */
  name?: string;
  extraHosts: readonly ExtraHost[];
  /** --dns servers; empty: the host's. */
  dns: readonly string[];
  network: 'host' | 'none';
}

function badArgument(value: string, flag: string, reason: string): MyDockerError {
  return new MyDockerError('usage', 'ERR_BAD_FLAG_VALUE', `invalid argument "${value}" for "${flag}" flag: ${reason}`, {
    hint: "See 'mydocker run --help'.",
  });
}

/** --add-host host:ip (or host=ip); IPv6 addresses may contain colons, or be in brackets. */
export function parseExtraHost(value: string): ExtraHost {
  const sep = value.includes('=') ? value.indexOf('=') : value.indexOf(':');
  if (sep <= 0) throw badArgument(value, '--add-host', `bad format for add-host: "${value}"`);
  const host = value.slice(0, sep);
  const ip = value.slice(sep + 1).replace(/^\[(.*)\]$/, '$1');
  if (ip === 'host-gateway') throw badArgument(value, '--add-host', 'host-gateway is not supported without a bridge network');
  if (isIP(ip) === 0) throw badArgument(value, '--add-host', `invalid IP address in add-host: "${ip}"`);
  return { host, ip };
}

/** --dns IP. */
export function parseDns(value: string): string {
  if (isIP(value) === 0) throw badArgument(value, '--dns', `${value} is not an ip address`);
  return value;
}

/** Docker's fixed /etc/hosts lines (libnetwork/etchosts). */
const HOSTS_DEFAULT = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
];

export function hostsFile(request: EtcFilesRequest): string {
  const own = [request.hostname, ...(request.name !== undefined && request.name !== request.hostname ? [request.name] : [])].join(' ');
  return [
    ...HOSTS_DEFAULT,
    ...request.extraHosts.map((e) => `${e.ip}\t${e.host}`),
    // No container IP without a bridge: the own names resolve to a loopback address, as on Debian.
    `127.0.1.1\t${own}`,
    '',
  ].join('\n');
}

/** The host's resolv.conf; with --dns, its nameservers replaced (search and options kept). */
export function resolvConf(hostResolv: string, dns: readonly string[]): string {
  if (dns.length === 0) return hostResolv.endsWith('\n') || hostResolv === '' ? hostResolv : `${hostResolv}\n`;
  const kept = hostResolv.split('\n').filter((line) => /^\s*(search|domain|options)\b/.test(line));
  return [...dns.map((ip) => `nameserver ${ip}`), ...kept, ''].join('\n');
}

function readHostResolv(): string {
  try {
    return readFileSync('/etc/resolv.conf', 'utf8');
  } catch {
    return '';
  }
}

/** Writes the three files into `dir` and returns the bind mounts that put them in /etc. */
export function writeEtcFiles(dir: string, request: EtcFilesRequest): Mount[] {
  const files: [name: string, text: string][] = [
    ['hostname', `${request.hostname}\n`],
    ['hosts', hostsFile(request)],
    ['resolv.conf', resolvConf(readHostResolv(), request.dns)],
  ];
  return files.map(([name, text]) => {
    const path = join(dir, name);
    writeFileSync(path, text, { mode: 0o644 });
    return { destination: `/etc/${name}`, type: 'bind', source: path, options: ['rbind', 'rprivate'] };
  });
}
