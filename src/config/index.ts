export { DEFAULT_CONFIG_FILE, DEFAULT_MAX_CONCURRENT_DOWNLOADS, DEFAULT_ROOT, loadSettings, type Settings } from './settings.js';
