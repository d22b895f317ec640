export { tempSibling, writeFileAtomic } from './atomic-write.js';
export { isProcessAlive } from './process.js';
export { bundleDirectory, packageRoot } from './package-root.js';
export { randomBelow, randomHex } from './random.js';
export { removeFile, removeTree } from './remove-tree.js';
