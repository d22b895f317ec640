/** Layers that try to write outside the container root; mydocker must refuse each (exit 125) and keep nothing. */
import type { TarEntry } from './tarball.js';

// Many "../" so the path reaches / from any store depth (the kernel clamps ".." at /).
const UP = '../'.repeat(16);

export interface HostileImage {
  repository: string;
  /** What the layer does, for test names. */
  attack: string;
  entries: TarEntry[];
  /** A host path that must not exist after the run (undefined: checked otherwise, see hardlink). */
  escapePath?: string;
  /** Text that must appear in mydocker's error so the user knows which entry was refused. */
  stderrMentions: string;
}

export const HOSTILE_IMAGES: HostileImage[] = [
  {
    repository: 'evil-dotdot',
    attack: 'entry name climbing out with ../',
    entries: [{ type: 'file', path: `${UP}tmp/mydocker-escape-dotdot`, content: 'escaped' }],
    escapePath: '/tmp/mydocker-escape-dotdot',
    stderrMentions: 'mydocker-escape-dotdot',
  },
  {
    repository: 'evil-abs',
    attack: 'absolute entry name',
    entries: [{ type: 'file', path: '/tmp/mydocker-escape-abs', content: 'escaped' }],
    escapePath: '/tmp/mydocker-escape-abs',
    stderrMentions: 'mydocker-escape-abs',
  },
  {
    repository: 'evil-symlink',
    attack: 'file written through a symlink to /tmp',
    entries: [
      { type: 'symlink', path: 'link', target: '/tmp' },
      { type: 'file', path: 'link/mydocker-escape-symlink', content: 'escaped' },
    ],
    escapePath: '/tmp/mydocker-escape-symlink',
    stderrMentions: 'mydocker-escape-symlink',
  },
  {
    repository: 'evil-hardlink',
    attack: 'hardlink to a host file outside the root',
    entries: [{ type: 'hardlink', path: 'shadow-link', target: `${UP}etc/shadow` }],
    stderrMentions: 'shadow',
  },
];
