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

/** Turns a network-level failure (DNS, refused, TLS, reset) into one clear error naming the host. */
export function transportError(error: unknown, url: URL): MyDockerError {
  if (error instanceof MyDockerError) return error;
  const code = (error as { code?: string }).code ?? '';
  const message = (error as Error).message ?? String(error);
  const host = url.host;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new MyDockerError('network', 'ERR_DNS', `cannot resolve registry host "${url.hostname}"`, {
      hint: 'Check the image name and your network or DNS settings.',
      cause: error,
    });
  }
  if (code === 'ECONNREFUSED') {
    return new MyDockerError('network', 'ERR_CONNECTION_REFUSED', `connection refused by ${host}`, {
      hint: 'Is the registry running and listening on that address?',
      cause: error,
    });
  }
  if (/CERT|SSL|TLS|self.signed|certificate/i.test(code + message)) {
    return new MyDockerError('tls', 'ERR_TLS', `TLS handshake with ${host} failed: ${message}`, {
      hint: `If ${host} is a plain-HTTP registry, list it in MYDOCKER_INSECURE_REGISTRIES.`,
      cause: error,
    });
  }
  if (code === 'ABORT_ERR' || (error as Error).name === 'AbortError') {
    return new MyDockerError('interrupted', 'ERR_INTERRUPTED', 'interrupted', { cause: error });
  }
  return new MyDockerError('network', 'ERR_NETWORK', `request to ${host} failed: ${code ? `${code} ` : ''}${message}`, { cause: error });
}
