/** Makes sure a Debian package's file exists, installing it with apt-get when we are root. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export function ensureDebianFile(file: string, debianPackage: string): void {
  if (existsSync(file)) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`${file} is missing: install it with 'apt-get install -y ${debianPackage}' (as root)`);
  }
  try {
    execFileSync('apt-get', ['install', '-y', '-q', debianPackage], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch {
    // The package lists may be empty on a fresh machine.
    execFileSync('apt-get', ['update', '-q'], { stdio: ['ignore', 'ignore', 'pipe'] });
    execFileSync('apt-get', ['install', '-y', '-q', debianPackage], { stdio: ['ignore', 'ignore', 'pipe'] });
  }
  if (!existsSync(file)) throw new Error(`'apt-get install -y ${debianPackage}' did not provide ${file}`);
}
