/**
 * A real docker-registry with HTTP Basic auth (distribution's `auth: htpasswd`), its users the
 * token service's (HARNESS_USERS) in a bcrypt file made by apache2-utils' `htpasswd -Bbn`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureDebianFile } from './install.js';
import { startRegistry, type RegistryProcess } from './registry.js';
import { HARNESS_USERS } from './token-service.js';

export async function startBasicRegistry(options: { seedStorage?: string } = {}): Promise<RegistryProcess> {
  ensureDebianFile('/usr/bin/htpasswd', 'apache2-utils');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mydocker-htpasswd-'));
  const file = path.join(dir, 'htpasswd');
  const lines = Object.entries(HARNESS_USERS).map(([user, password]) =>
    execFileSync('/usr/bin/htpasswd', ['-Bbn', user, password], { encoding: 'utf8' }).trim());
  writeFileSync(file, `${lines.join('\n')}\n`);
  try {
    const registry = await startRegistry({ htpasswd: file, ...options });
    return {
      ...registry,
      stop: async () => {
        await registry.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
