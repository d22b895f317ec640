export { RegistryClient, type ClientOptions, type FetchedManifest, type RequestEvent } from './client.js';
export { DOCKER_HUB_REGISTRY, endpointsFor, isLoopback, type Endpoint } from './endpoints.js';
export { RegistryError } from './errors.js';
export { selectPlatform } from './select-platform.js';
