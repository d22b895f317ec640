export { ContentStore } from './content-store.js';
export { VerifyStream } from './verify-stream.js';
