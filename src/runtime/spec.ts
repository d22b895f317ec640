/**
 * RuntimeSpec: the fully resolved description of one container, a subset of the OCI runtime-spec
 * `config.json` with the same field names, so the same spec can be written as a bundle and run by
 * crun for a differential check. Everything here is final: the launcher obeys it and decides nothing.
 */

/** A mount, in runtime-spec words. `options` are the spec's strings ("ro", "nosuid", "bind", "mode=755"). */
export interface Mount {
  /** Absolute path inside the container ("/" for the root filesystem itself). */
  destination: string;
  /** Filesystem type for mount(2): "overlay", "proc", "tmpfs", "sysfs", "devpts", "mqueue", or "bind". */
  type: string;
  /** Source: a host path for binds and overlay's lowerdir owner, or a name ("proc", "tmpfs"). */
  source: string;
  options: string[];
}

export type NamespaceType = 'pid' | 'mount' | 'uts' | 'ipc' | 'network' | 'cgroup' | 'user';

export interface ProcessUser {
  uid: number;
  gid: number;
  additionalGids: number[];
}

export interface ProcessSpec {
  /** argv; args[0] is looked up on the PATH found in `env` (inside the container) when it has no '/'. */
  args: string[];
  /** "KEY=value" strings, the whole environment of the command. */
  env: string[];
  /** Absolute working directory inside the container. */
  cwd: string;
  user: ProcessUser;
  /** The capability set: bounding = permitted = effective (inheritable, ambient empty). Absent: unchanged. */
  capabilities?: { bounding: string[] };
  /** Set PR_SET_NO_NEW_PRIVS before exec (--security-opt no-new-privileges). */
  noNewPrivileges?: boolean;
  /** -t: the command gets a new pseudo-terminal as its controlling terminal and stdio. */
  terminal?: boolean;
}

export interface RuntimeSpec {
  ociVersion: '1.0.2';
  process: ProcessSpec;
  root: {
    /** Host path of the directory that becomes the container's root (the overlay is mounted here). */
    path: string;
    readonly: boolean;
  };
  hostname: string;
  /**
   * Mounts in order. The first, with destination "/", builds the root at `root.path`; the others are
   * made under it before pivot_root.
   */
  mounts: Mount[];
  linux: {
    namespaces: { type: NamespaceType }[];
    /** Symlinks to create after mounts, inside the container: [target, path]. (Not in the OCI spec.) */
    symlinks: [target: string, path: string][];
    maskedPaths: string[];
    readonlyPaths: string[];
    /** Host paths of cgroup.procs files the init joins before exec (and before its cgroup ns). (Not in the OCI spec.) */
    cgroupProcs?: string[];
    /** Bring `lo` up in the new network namespace. (Not in the OCI spec.) */
    loopbackUp?: boolean;
  };
  /** --init: a minimal init (built into the launcher) is PID 1 and runs the command as its child. (Not in the OCI spec.) */
  init?: boolean;
}
