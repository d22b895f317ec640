import { setTimeout as delay } from 'node:timers/promises';

/** How hard to try before giving up. Bounded in attempts and in total waiting time. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** First backoff; doubles each retry. */
  baseMs: number;
  /** Largest single backoff. */
  maxDelayMs: number;
  /** Total waiting allowed across retries; a Retry-After beyond it is not waited for. */
  budgetMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseMs: 250, maxDelayMs: 10_000, budgetMs: 60_000 };

/** Statuses worth another try: rate limits and transient server or gateway failures. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

// Network failures that a new connection may not meet again. Refused and DNS failures are not
// here: they are answers, and retrying them only delays the message.
const RETRYABLE_CODES = new Set([
  'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH',
  'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_PREMATURE_END',
]);

/** The errno/undici code of a network error, looking through MyDockerError causes. */
export function networkCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && RETRYABLE_CODES.has(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export function isRetryableError(error: unknown): boolean {
  return networkCode(error) !== undefined;
}

/** Exponential backoff with full jitter: uniform in [base·2^(n-1)/2, base·2^(n-1)], capped. */
export function backoffMs(retry: number, policy: RetryPolicy = DEFAULT_RETRY, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/** Retry-After as milliseconds from `now`: delta-seconds or an HTTP date. Undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** "1h30m", "45s": how long until a rate limit resets. */
export function formatDuration(ms: number): string {
  const total = Math.max(1, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return [h ? `${h}h` : '', m ? `${m}m` : '', s && !h ? `${s}s` : ''].join('') || '0s';
}

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * What a 429 says about its limit, from the headers registries send: Retry-After, the IETF
 * RateLimit-Reset (seconds), and Docker Hub's `ratelimit-limit: 100;w=21600` /
 * `ratelimit-remaining: 0;w=21600` (w = the window in seconds).
 */
export function describeRateLimit(headers: Headers, now: number = Date.now()): string {
  const parts: string[] = [];
  const limit = /^(\d+)(?:;w=(\d+))?/.exec(header(headers, 'ratelimit-limit') ?? '');
  if (limit?.[1] !== undefined) {
    parts.push(limit[2] !== undefined ? `limit ${limit[1]} pulls per ${formatDuration(Number(limit[2]) * 1000)}` : `limit ${limit[1]}`);
  }
  const remaining = /^(\d+)/.exec(header(headers, 'ratelimit-remaining') ?? '');
  if (remaining?.[1] !== undefined) parts.push(`${remaining[1]} remaining`);
  const resetSeconds = /^\d+$/.exec((header(headers, 'ratelimit-reset') ?? '').trim());
  const resetMs = parseRetryAfter(header(headers, 'retry-after'), now) ?? (resetSeconds ? Number(resetSeconds[0]) * 1000 : undefined);
  if (resetMs !== undefined) {
    const at = new Date(now + resetMs).toISOString().replace(/\.\d+Z$/, 'Z').replace('T', ' ');
    parts.push(`resets in ${formatDuration(resetMs)} (at ${at})`);
  } else if (limit?.[2] !== undefined) {
    // Docker Hub's window is rolling and it sends no reset time: at most one window away.
    parts.push(`resets within ${formatDuration(Number(limit[2]) * 1000)}`);
  }
  return parts.join(', ');
}

/**
 * The wait before retry number `retry` after a response: the registry's Retry-After when given
 * (refused when beyond what is left of the budget), otherwise backoff. Undefined = stop retrying.
 */
export function nextDelay(retry: number, retryAfterMs: number | undefined, spentMs: number, policy: RetryPolicy = DEFAULT_RETRY): number | undefined {
  if (retry >= policy.attempts) return undefined;
  const wait = retryAfterMs ?? backoffMs(retry, policy);
  if (spentMs + wait > policy.budgetMs) return undefined;
  return wait;
}

/** Sleeps, cut short (with the signal's reason) when the signal aborts. */
export async function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  await delay(ms, undefined, signal === undefined ? undefined : { signal });
}

/** The stall timeout: no body bytes for this long ends the connection (MYDOCKER_STALL_TIMEOUT seconds). */
export function stallTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env['MYDOCKER_STALL_TIMEOUT']);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 30_000;
}
