export { tempSibling, writeFileAtomic } from './atomic-write.js';
export { isProcessAlive } from './process.js';
