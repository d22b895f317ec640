export { login, loginServerKey, logout, type LoginOptions, type LoginResult } from './login.js';
