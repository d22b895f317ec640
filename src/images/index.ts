export { ImageRefs } from './image-refs.js';
export { resolveLocalImage, type LocalImage } from './resolve-local.js';
export { findLocalImage } from './find-local.js';
