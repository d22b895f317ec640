import { isIP } from 'node:net';

/** The proxy variables, read as Go's net/http does: upper case first, then lower case. */
export interface ProxyEnv {
  httpProxy: string | undefined;
  httpsProxy: string | undefined;
  noProxy: string | undefined;
}

function firstSet(env: NodeJS.ProcessEnv, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

export function proxyEnv(env: NodeJS.ProcessEnv = process.env): ProxyEnv {
  return {
    httpProxy: firstSet(env, 'HTTP_PROXY', 'http_proxy'),
    httpsProxy: firstSet(env, 'HTTPS_PROXY', 'https_proxy'),
    noProxy: firstSet(env, 'NO_PROXY', 'no_proxy'),
  };
}

function ipv4ToNumber(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

/** `10.0.0.0/8` style entries of NO_PROXY (IPv4 only; IPv6 entries match literally). */
function inCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (base === undefined || isIP(base) !== 4 || isIP(ip) !== 4 || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return ((ipv4ToNumber(ip) & mask) >>> 0) === ((ipv4ToNumber(base) & mask) >>> 0);
}

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** One NO_PROXY entry against a host: "host", "host:port", ".domain", "domain" (and its subdomains), "*", CIDR. */
function noProxyMatches(entry: string, hostname: string, port: string): boolean {
  let pattern = entry.trim().toLowerCase();
  if (pattern === '') return false;
  if (pattern === '*') return true;
  if (pattern.includes('/')) return inCidr(hostname, pattern);
  let entryPort: string | undefined;
  const portMatch = /^(.*?):(\d+)$/.exec(pattern);
  if (portMatch && !pattern.startsWith('[') && isIP(pattern) !== 6) {
    pattern = portMatch[1] ?? '';
    entryPort = portMatch[2];
  } else if (pattern.startsWith('[')) {
    const close = pattern.indexOf(']');
    const rest = pattern.slice(close + 1);
    if (rest.startsWith(':')) entryPort = rest.slice(1);
    pattern = pattern.slice(1, close);
  }
  if (entryPort !== undefined && entryPort !== port) return false;
  if (pattern.startsWith('*.')) pattern = pattern.slice(1);
  if (pattern.startsWith('.')) return hostname.endsWith(pattern) || hostname === pattern.slice(1);
  return hostname === pattern || hostname.endsWith(`.${pattern}`);
}

/**
 * The proxy URL to use for `url`, or undefined to connect directly. Follows Go's
 * http.ProxyFromEnvironment (what Docker uses): loopback hosts are never proxied, NO_PROXY
 * excludes hosts, domains, host:port pairs and CIDR ranges, "*" disables proxying.
 */
export function proxyFor(url: URL, env: ProxyEnv = proxyEnv()): string | undefined {
  const proxy = url.protocol === 'https:' ? env.httpsProxy : env.httpProxy;
  if (proxy === undefined) return undefined;
  const hostname = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (isLoopbackHost(hostname)) return undefined;
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  if (env.noProxy !== undefined && env.noProxy.split(',').some((entry) => noProxyMatches(entry, hostname, port))) return undefined;
  // "proxy:3128" without a scheme means http://proxy:3128, as in Go.
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
}
