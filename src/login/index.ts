export { login, loginServerKey, loginWithStored, logout, type LoginOptions, type LoginResult } from './login.js';
