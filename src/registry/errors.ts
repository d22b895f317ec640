import { MyDockerError, type ErrorKind } from '../errors.js';

/** Distribution-spec error codes from a registry's JSON error body. */
export interface RegistryErrorDetail {
  code: string;
  message: string;
}

/** Reads `{"errors":[{"code","message"}]}` from an error body; tolerant of anything else. */
export function parseErrorBody(body: string): RegistryErrorDetail[] {
  try {
    const doc = JSON.parse(body) as { errors?: unknown };
    if (!Array.isArray(doc.errors)) return [];
    return doc.errors.flatMap((e: unknown) => {
      const r = e as { code?: unknown; message?: unknown };
      return typeof r.code === 'string' ? [{ code: r.code, message: typeof r.message === 'string' ? r.message : '' }] : [];
    });
  } catch {
    return [];
  }
}

/** A registry answered with an unexpected status. Carries the status and the spec's error codes. */
export class RegistryError extends MyDockerError {
  constructor(
    kind: ErrorKind,
    code: string,
    message: string,
    readonly status: number,
    readonly details: RegistryErrorDetail[],
    hint?: string,
  ) {
    super(kind, code, message, hint === undefined ? {} : { hint });
    this.name = 'RegistryError';
  }
}

/** What the transport knew when a request failed, to say what to do about it. */
export interface TransportContext {
  /** certs.d directory of the registry (https only). */
  certsDir?: string | undefined;
  /** The proxy the request went through, if any. */
  proxy?: string | undefined;
}

const UNKNOWN_AUTHORITY = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_UNTRUSTED',
]);

/** A TLS failure, worded as Docker users know it: which host, why, and where the fix goes. */
function tlsError(error: unknown, code: string, message: string, host: string, context: TransportContext): MyDockerError | undefined {
  const dir = context.certsDir ?? `/etc/docker/certs.d/${host}`;
  const make = (why: string, hint: string): MyDockerError => new MyDockerError('tls', 'ERR_TLS', `TLS: ${why}`, { hint, cause: error });
  if (UNKNOWN_AUTHORITY.has(code)) {
    return make(`certificate for ${host} is signed by an unknown authority`, `Add its CA to ${dir}/ca.crt.`);
  }
  if (code === 'CERT_HAS_EXPIRED') return make(`certificate for ${host} has expired`, 'The registry must renew its certificate.');
  if (code === 'CERT_NOT_YET_VALID') return make(`certificate for ${host} is not valid yet`, 'Check the clock of this machine.');
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return make(`certificate for ${host} is not valid for that name (${message})`, 'Use the name the certificate was issued for.');
  }
  if (/CERTIFICATE_REQUIRED|alert bad certificate|alert unknown ca|alert certificate unknown|ALERT_BAD_CERTIFICATE|ALERT_UNKNOWN_CA/i.test(code + message)) {
    return make(`${host} requires a client certificate it accepts, and refused ours or none was given`,
      `Put client.cert and client.key in ${dir}/.`);
  }
  if (/wrong version number|packet length too long|http request/i.test(message) || code === 'ERR_SSL_WRONG_VERSION_NUMBER') {
    return make(`${host} does not speak TLS (${message})`, `If ${host} is a plain-HTTP registry, list it in MYDOCKER_INSECURE_REGISTRIES.`);
  }
  if (/CERT|SSL|TLS|self.signed|certificate/i.test(code + message)) {
    return make(`handshake with ${host} failed: ${message}`, `If ${host} is a plain-HTTP registry, list it in MYDOCKER_INSECURE_REGISTRIES.`);
  }
  return undefined;
}

/** Turns a network-level failure (DNS, refused, TLS, reset) into one clear error naming the host. */
export function transportError(error: unknown, url: URL, context: TransportContext = {}): MyDockerError {
  if (error instanceof MyDockerError) return error;
  const code = (error as { code?: string }).code ?? '';
  const message = (error as Error).message ?? String(error);
  const host = url.host;
  const via = context.proxy === undefined ? '' : ` (through proxy ${new URL(context.proxy).host})`;
  if (code === 'ABORT_ERR' || (error as Error).name === 'AbortError') {
    return new MyDockerError('interrupted', 'ERR_INTERRUPTED', 'interrupted', { cause: error });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new MyDockerError('network', 'ERR_DNS', `cannot resolve registry host "${url.hostname}"${via}`, {
      hint: 'Check the image name and your network or DNS settings.',
      cause: error,
    });
  }
  if (code === 'ECONNREFUSED') {
    return new MyDockerError('network', 'ERR_CONNECTION_REFUSED', `connection refused by ${context.proxy === undefined ? host : `proxy ${new URL(context.proxy).host}`}`, {
      hint: context.proxy === undefined ? 'Is the registry running and listening on that address?' : 'Check HTTPS_PROXY / HTTP_PROXY.',
      cause: error,
    });
  }
  if (code === 'UND_ERR_ABORTED' && /proxy/i.test(message)) {
    return new MyDockerError('network', 'ERR_PROXY', `the proxy ${context.proxy ?? ''} refused to connect to ${host}: ${message}`, { cause: error });
  }
  const tls = tlsError(error, code, message, host, context);
  if (tls !== undefined) return tls;
  if (code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT') {
    return new MyDockerError('network', 'ERR_STALLED', `${host}${via} stopped sending data (stalled connection)`, {
      hint: 'Check your network; MYDOCKER_STALL_TIMEOUT sets how long to wait (seconds).',
      cause: error,
    });
  }
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') {
    return new MyDockerError('network', 'ERR_CONNECTION_RESET', `the connection to ${host}${via} was closed unexpectedly (${message})`, { cause: error });
  }
  return new MyDockerError('network', 'ERR_NETWORK', `request to ${host}${via} failed: ${code ? `${code} ` : ''}${message}`, { cause: error });
}
