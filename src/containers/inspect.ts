/** docker inspect for containers: the record in Docker's JSON shape (the commonly used fields). */
import { logPath } from './supervise.js';
import { findContainer } from './state.js';

/** One container as `docker inspect` shows it. */
export function inspectContainer(root: string, ref: string): Record<string, unknown> {
  const { config, state } = findContainer(root, ref);
  const [path, ...args] = config.args;
  return {
    Id: config.id,
    Created: config.created,
    Path: path ?? '',
    Args: args,
    State: {
      Status: state.status,
      Running: state.status === 'running',
      Paused: false,
      Restarting: false,
      OOMKilled: false,
      Dead: false,
      Pid: state.pid,
      ExitCode: state.exitCode,
      Error: state.error ?? '',
      StartedAt: state.startedAt,
      FinishedAt: state.finishedAt,
    },
    Image: config.imageId ?? '',
    LogPath: logPath(root, config.id),
    Name: `/${config.name}`,
    HostConfig: { AutoRemove: config.autoRemove, Init: config.init },
    Config: {
      Hostname: config.hostname,
      User: config.user,
      Tty: config.tty,
      OpenStdin: config.openStdin,
      Env: config.env,
      Cmd: config.args,
      Image: config.image,
      WorkingDir: config.workingDir,
    },
  };
}
