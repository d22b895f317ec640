import { MyDockerError } from '../errors.js';
import { isDigest } from './digest.js';

/** The parts of an image configuration (OCI config / Docker image JSON) that running needs. */
export interface ImageConfig {
  architecture: string;
  os: string;
  variant?: string | undefined;
  created?: string | undefined;
  config: {
    User?: string;
    Env?: string[];
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    WorkingDir?: string;
  };
  rootfs: { type: 'layers'; diff_ids: string[] };
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function badConfig(why: string): MyDockerError {
  return new MyDockerError('unsupported', 'ERR_BAD_CONFIG', `the image configuration is not valid: ${why}`);
}

/** Parses and validates image config bytes (already verified against their digest). */
export function parseImageConfig(bytes: Uint8Array): ImageConfig {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown>;
  } catch {
    throw badConfig('it is not JSON');
  }
  const rootfs = doc['rootfs'] as Record<string, unknown> | undefined;
  const diffIds = rootfs?.['diff_ids'];
  if (!isStringArray(diffIds) || !diffIds.every(isDigest)) throw badConfig('rootfs.diff_ids is missing or not sha256 digests');
  const raw = (doc['config'] ?? {}) as Record<string, unknown>;
  const config: ImageConfig['config'] = {};
  if (typeof raw['User'] === 'string') config.User = raw['User'];
  if (isStringArray(raw['Env'])) config.Env = raw['Env'];
  if (isStringArray(raw['Entrypoint'])) config.Entrypoint = raw['Entrypoint'];
  if (isStringArray(raw['Cmd'])) config.Cmd = raw['Cmd'];
  if (typeof raw['WorkingDir'] === 'string') config.WorkingDir = raw['WorkingDir'];
  return {
    architecture: typeof doc['architecture'] === 'string' ? doc['architecture'] : '',
    os: typeof doc['os'] === 'string' ? doc['os'] : '',
    variant: typeof doc['variant'] === 'string' ? doc['variant'] : undefined,
    created: typeof doc['created'] === 'string' ? doc['created'] : undefined,
    config,
    rootfs: { type: 'layers', diff_ids: diffIds },
  };
}
