export { parseReference } from './parse.js';
export { DOCKER_HUB_DOMAIN, familiarName, formatReference, repositoryName, type Reference } from './reference.js';
