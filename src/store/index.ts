export { ContentStore } from './content-store.js';
export { VerifyStream } from './verify-stream.js';
export { BlobFileWriter, blobPath, hasBlob } from './blob-file.js';
