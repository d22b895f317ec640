/** Public surface of the launcher module: run a RuntimeSpec through the native helper. */
export { launch, launchEncoded, launcherPath } from './launch.js';
export type { LaunchEvent, LaunchOptions, LaunchOutcome } from './launch.js';
export { LaunchError } from './errors.js';
export { encodeSpec, mountFlags, namespaceBits } from './encode-spec.js';
export { encodeExecSpec, type ExecSpec } from './encode-exec.js';
export type { Stage } from './protocol.js';
