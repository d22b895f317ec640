export { buildSpec, DEFAULT_PATH, resolveArgs, resolveEnv, type ContainerRequest } from './build-spec.js';
export { defaultMounts, defaultNamespaces, defaultSymlinks } from './linux-defaults.js';
export type { Mount, NamespaceType, ProcessSpec, ProcessUser, RuntimeSpec } from './spec.js';
export { resolveUser, type ResolvedUser } from './user.js';
export { ALL_CAPABILITIES, availableCapabilities, DEFAULT_CAPABILITIES, normalizeCapability, resolveCapabilities, type Capability, type CapabilityRequest } from './capabilities.js';
