/**
 * Which containers use which image. A container's record (running or stopped, until `rm`) names
 * its image's ID; its root is an overlay of that image's layers, so the image's data must stay.
 */
import { listContainers } from '../containers/state.js';

/** A container that uses an image. */
export interface ImageUser {
  /** The container's full id. */
  id: string;
  running: boolean;
}

/** Image ID ("sha256:…") → the containers whose record names it, running ones first. */
export type ImageUsers = ReadonlyMap<string, ImageUser[]>;

export function readImageUsers(root: string): ImageUsers {
  const users = new Map<string, ImageUser[]>();
  for (const { config, state } of listContainers(root)) {
    if (config.imageId === undefined) continue;
    const list = users.get(config.imageId) ?? [];
    list.push({ id: config.id, running: state.status === 'running' });
    users.set(config.imageId, list);
  }
  for (const list of users.values()) list.sort((a, b) => Number(b.running) - Number(a.running));
  return users;
}
