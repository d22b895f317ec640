import { MyDockerError } from '../errors.js';
import type { ImageConfig } from '../oci/index.js';
import { defaultMounts, defaultNamespaces, defaultSymlinks } from './linux-defaults.js';
import type { Mount, RuntimeSpec } from './spec.js';
import type { ResolvedUser } from './user.js';

/** Docker's PATH for images that set none. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface ContainerRequest {
  /** COMMAND [ARG...] from the command line: replaces the image's Cmd (not its Entrypoint). */
  command: string[];
  hostname: string;
  user: ResolvedUser;
  /** Host path where the container's root is assembled. */
  rootPath: string;
  /** The mount that builds the root (destination "/"): overlay, or a bind of a private copy. */
  rootMount: Mount;
}

/** argv as docker run builds it: Entrypoint + (command line or Cmd). */
export function resolveArgs(config: ImageConfig['config'], command: string[]): string[] {
  const entrypoint = config.Entrypoint ?? [];
  const args = [...entrypoint, ...(command.length > 0 ? command : (config.Cmd ?? []))];
  if (args.length === 0) {
    throw new MyDockerError('usage', 'ERR_NO_COMMAND', 'no command specified', {
      hint: 'The image has no Entrypoint or Cmd: give a command after the image name.',
    });
  }
  return args;
}

/** The environment as docker run builds it: PATH and HOSTNAME, then the image's Env, then HOME. */
export function resolveEnv(config: ImageConfig['config'], hostname: string, home: string): string[] {
  const env = new Map<string, string>([['PATH', DEFAULT_PATH], ['HOSTNAME', hostname]]);
  for (const entry of config.Env ?? []) {
    const eq = entry.indexOf('=');
    if (eq > 0) env.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  if (!env.has('HOME')) env.set('HOME', home);
  return [...env].map(([k, v]) => `${k}=${v}`);
}

/** Turns an image config and a request into the final RuntimeSpec the launcher obeys. Pure. */
export function buildSpec(config: ImageConfig, request: ContainerRequest): RuntimeSpec {
  const { user } = request;
  const cwd = config.config.WorkingDir || '/';
  return {
    ociVersion: '1.0.2',
    process: {
      args: resolveArgs(config.config, request.command),
      env: resolveEnv(config.config, request.hostname, user.home),
      cwd: cwd.startsWith('/') ? cwd : `/${cwd}`,
      user: { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids },
    },
    root: { path: request.rootPath, readonly: false },
    hostname: request.hostname,
    mounts: [request.rootMount, ...defaultMounts()],
    linux: {
      namespaces: defaultNamespaces(),
      symlinks: defaultSymlinks(),
      maskedPaths: [],
      readonlyPaths: [],
    },
  };
}
