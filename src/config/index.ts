export { DEFAULT_CONFIG_FILE, DEFAULT_ROOT, loadSettings, type Settings } from './settings.js';
