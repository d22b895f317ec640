export {
  decodeAuth,
  dockerConfigDir,
  dockerConfigPath,
  encodeAuth,
  homeOf,
  openDockerConfig,
  readDockerConfig,
  sudoInvoker,
  writeDockerConfig,
  type AuthEntry,
  type DockerConfig,
} from './config-file.js';
export { helperErase, helperGet, helperStore, type HelperCredentials } from './helper.js';
export { credentialKey, DOCKER_HUB_KEY, hostnameOf, isDockerHub } from './server-key.js';
export { dockerKeychain, eraseCredentials, fixedKeychain, loadCredentials, saveCredentials, type SavedTo } from './store.js';
export { ANONYMOUS, type AuthConfig, type Keychain } from './types.js';
