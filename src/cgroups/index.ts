export { cgroupProcsFiles, createContainerCgroup, oomKilled, removeContainerCgroup, removeOrphanedCgroups, type CgroupWarning, type ContainerCgroup } from './container-cgroup.js';
export { CONTROLLERS, detectHierarchy, type Controller, type Hierarchy } from './hierarchy.js';
export { checkResources, formatBytes, parseBytes, parseCpus, parsePidsLimit, parseSwap, type Resources } from './resources.js';
export { cgroupMounts } from './container-mounts.js';
