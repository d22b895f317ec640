/**
 * Capability policy, as Docker's (moby oci/caps): the default set, --cap-add/--cap-drop (with or
 * without the CAP_ prefix, ALL too) and --privileged. The launcher only applies the resolved set.
 */
import { readFileSync } from 'node:fs';
import { MyDockerError } from '../errors.js';

/** linux/capability.h, in bit order (CAP_CHOWN = 0 … CAP_CHECKPOINT_RESTORE = 40). */
export const ALL_CAPABILITIES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN',
  'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ',
  'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
] as const;

export type Capability = (typeof ALL_CAPABILITIES)[number];

/** Docker's default set (moby oci/caps/defaults.go). */
export const DEFAULT_CAPABILITIES: readonly Capability[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID',
  'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

/** "net_admin", "CAP_NET_ADMIN", "ALL" → canonical; throws Docker's error for an unknown name. */
export function normalizeCapability(name: string, flag: 'CapAdd' | 'CapDrop'): Capability | 'ALL' {
  const upper = name.trim().toUpperCase();
  if (upper === 'ALL') return 'ALL';
  const full = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
  if ((ALL_CAPABILITIES as readonly string[]).includes(full)) return full as Capability;
  throw new MyDockerError('usage', 'ERR_UNKNOWN_CAPABILITY', `invalid ${flag}: unknown capability: "${full}"`, {
    hint: 'Use a name from capabilities(7), with or without CAP_, or ALL.',
  });
}

export interface CapabilityRequest {
  capAdd?: readonly string[];
  capDrop?: readonly string[];
  privileged?: boolean;
}

/**
 * The container's capability set, as moby's caps.TweakCapabilities: privileged → all; else the
 * defaults, minus drops, plus adds. ALL in --cap-add wins over drops; ALL in --cap-drop removes
 * every default but the explicitly added.
 */
export function resolveCapabilities(request: CapabilityRequest): Capability[] {
  if (request.privileged) return [...ALL_CAPABILITIES];
  const adds = (request.capAdd ?? []).map((c) => normalizeCapability(c, 'CapAdd'));
  const drops = (request.capDrop ?? []).map((c) => normalizeCapability(c, 'CapDrop'));
  if (adds.includes('ALL')) return ALL_CAPABILITIES.filter((c) => !drops.includes(c) || adds.includes(c));
  const base = drops.includes('ALL') ? [] : DEFAULT_CAPABILITIES.filter((c) => !drops.includes(c));
  const set = new Set<Capability>(base);
  for (const c of adds) if (c !== 'ALL') set.add(c);
  return ALL_CAPABILITIES.filter((c) => set.has(c));
}

/**
 * Capabilities mydocker itself holds (its bounding set): a container cannot get more. Matters for
 * --privileged under a confined mydocker (a sandbox without CAP_SYS_RESOURCE, say).
 */
export function availableCapabilities(status = readFileSync('/proc/self/status', 'utf8')): Set<Capability> {
  const m = /^CapBnd:\s*([0-9a-f]+)$/m.exec(status);
  const mask = m ? BigInt(`0x${m[1]}`) : (1n << BigInt(ALL_CAPABILITIES.length)) - 1n;
  return new Set(ALL_CAPABILITIES.filter((_, bit) => (mask >> BigInt(bit)) & 1n));
}
