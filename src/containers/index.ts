export { run, type RunEvent, type RunOptions, type RunResult } from './run.js';
export { validateName } from './names.js';
export { removeOrphanedContainers } from './container-dirs.js';
export { findContainer, listContainers, type ContainerConfig, type ContainerRecord, type ContainerState } from './state.js';
export { killContainer, parseSignal, pruneContainers, removeContainerByRef, startContainer, stopContainer, waitContainer } from './control.js';
export { containerLogs, type LogEntry } from './logs.js';
export { inspectContainer } from './inspect.js';
export { execInContainer, type ExecOptions } from './exec.js';
