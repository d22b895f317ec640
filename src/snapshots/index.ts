export { RootfsStore } from './rootfs-store.js';
