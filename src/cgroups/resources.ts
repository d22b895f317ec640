/** Resource limits of a container, as docker run's flags give them, and their parsing (Docker's units). */
import { MyDockerError } from '../errors.js';

export interface Resources {
  /** --memory, bytes. */
  memory?: number;
  /** --memory-swap, bytes of memory + swap; -1 unlimited. Defaults to twice --memory, as Docker. */
  memorySwap?: number;
  /** --cpus × 1e9. */
  nanoCpus?: number;
  /** --pids-limit; 0 or negative means unlimited. */
  pidsLimit?: number;
}

const UNITS: Readonly<Record<string, number>> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

function badArgument(value: string, flag: string, reason: string): MyDockerError {
  return new MyDockerError('usage', 'ERR_BAD_FLAG_VALUE', `invalid argument "${value}" for "${flag}" flag: ${reason}`, {
    hint: "See 'mydocker run --help'.",
  });
}

/** Docker's RAMInBytes: "64m", "1.5g", "512k", "1024", "2GiB" (binary units). */
export function parseBytes(value: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(value);
  if (!match) throw badArgument(value, flag, `invalid size: '${value}'`);
  return Math.floor(Number(match[1]) * (UNITS[(match[2] ?? '').toLowerCase()] ?? 1));
}

/** --memory-swap also takes -1 (unlimited). */
export function parseSwap(value: string, flag: string): number {
  return value === '-1' ? -1 : parseBytes(value, flag);
}

/** --cpus 1.5 → 1.5e9 nano-CPUs. */
export function parseCpus(value: string, flag: string, available: number): number {
  if (!/^\d*\.?\d+$/.test(value) && !/^\d+\.$/.test(value)) throw badArgument(value, flag, `failed to parse ${value} as a rational number`);
  const nano = Math.round(Number(value) * 1e9);
  if (nano !== 0 && (nano < 1e7 || nano > available * 1e9)) {
    throw badArgument(value, flag, `range of CPUs is from 0.01 to ${available.toFixed(2)}, as there are only ${available} CPUs available`);
  }
  return nano;
}

/** --pids-limit N (an integer, as Go's strconv.ParseInt). */
export function parsePidsLimit(value: string, flag: string): number {
  if (!/^[+-]?\d+$/.test(value)) throw badArgument(value, flag, `strconv.ParseInt: parsing "${value}": invalid syntax`);
  return Number(value);
}

/** Docker's daemon-side checks of the combination (moby daemon/daemon_unix.go verifyPlatformContainerResources). */
export function checkResources(r: Resources): Resources {
  const usage = (message: string): MyDockerError => new MyDockerError('usage', 'ERR_BAD_RESOURCES', message, { hint: "See 'mydocker run --help'." });
  if (r.memory !== undefined && r.memory > 0 && r.memory < 6 * 1024 * 1024) throw usage('Minimum memory limit allowed is 6MB');
  if (r.memorySwap !== undefined && r.memorySwap !== 0) {
    if (!r.memory) throw usage('You should always set the Memory limit when using Memoryswap limit, see usage');
    if (r.memorySwap > 0 && r.memorySwap < r.memory) throw usage('Minimum memoryswap limit should be larger than memory limit, see usage');
  }
  return r;
}

/** Human size for messages: 32MiB. */
export function formatBytes(n: number): string {
  for (const [unit, size] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) {
    if (n >= size && n % size === 0) return `${n / size}${unit}`;
  }
  return `${n}B`;
}
