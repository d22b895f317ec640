/**
 * Container names: Docker's generated adjective_surname names, its name grammar, and a reservation
 * per name (names/<name> created with O_EXCL) so that two concurrent `run --name x` cannot both win.
 */
import { closeSync, constants, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { errnoCode, MyDockerError } from '../errors.js';
import { randomBelow, removeFile } from '../util/index.js';

// A short selection of the lists of moby's pkg/namesgenerator (the format is what users know).
const ADJECTIVES = [
  'admiring', 'adoring', 'affectionate', 'agitated', 'amazing', 'angry', 'awesome', 'beautiful', 'blissful', 'bold',
  'boring', 'brave', 'busy', 'charming', 'clever', 'compassionate', 'competent', 'confident', 'cool', 'cranky',
  'crazy', 'dazzling', 'determined', 'distracted', 'dreamy', 'eager', 'ecstatic', 'elastic', 'elated', 'elegant',
  'eloquent', 'epic', 'exciting', 'fervent', 'festive', 'flamboyant', 'focused', 'friendly', 'frosty', 'funny',
  'gallant', 'gifted', 'goofy', 'gracious', 'great', 'happy', 'hardcore', 'heuristic', 'hopeful', 'hungry',
  'infallible', 'inspiring', 'intelligent', 'interesting', 'jolly', 'jovial', 'keen', 'kind', 'laughing', 'loving',
  'lucid', 'magical', 'modest', 'musing', 'mystifying', 'naughty', 'nervous', 'nice', 'nifty', 'nostalgic',
  'objective', 'optimistic', 'peaceful', 'pedantic', 'pensive', 'practical', 'priceless', 'quirky', 'quizzical', 'recursing',
  'relaxed', 'reverent', 'romantic', 'sad', 'serene', 'sharp', 'silly', 'sleepy', 'stoic', 'strange',
  'stupefied', 'suspicious', 'sweet', 'tender', 'thirsty', 'trusting', 'unruffled', 'upbeat', 'vibrant', 'vigilant',
  'vigorous', 'wizardly', 'wonderful', 'xenodochial', 'youthful', 'zealous', 'zen',
];
const SURNAMES = [
  'albattani', 'allen', 'almeida', 'archimedes', 'ardinghelli', 'aryabhata', 'austin', 'babbage', 'banach', 'bardeen',
  'bartik', 'bell', 'benz', 'bhabha', 'black', 'blackwell', 'bohr', 'booth', 'borg', 'bose',
  'brahmagupta', 'brattain', 'brown', 'carson', 'cerf', 'chandrasekhar', 'clarke', 'colden', 'cori', 'curie',
  'darwin', 'davinci', 'dijkstra', 'dirac', 'easley', 'einstein', 'elion', 'engelbart', 'euclid', 'euler',
  'faraday', 'fermat', 'fermi', 'feynman', 'franklin', 'galileo', 'gates', 'goldberg', 'goodall', 'hamilton',
  'hawking', 'heisenberg', 'hertz', 'hodgkin', 'hoover', 'hopper', 'hypatia', 'jackson', 'jang', 'jennings',
  'johnson', 'joliot', 'kalam', 'kepler', 'khorana', 'knuth', 'kowalevski', 'lalande', 'lamarr', 'lamport',
  'leakey', 'leavitt', 'lovelace', 'lumiere', 'mahavira', 'mayer', 'mccarthy', 'mcclintock', 'meitner', 'mendel',
  'merkle', 'mirzakhani', 'montalcini', 'moore', 'morse', 'napier', 'nash', 'newton', 'nobel', 'noether',
  'pascal', 'pasteur', 'perlman', 'pike', 'poincare', 'ptolemy', 'raman', 'ramanujan', 'ritchie', 'rosalind',
  'sammet', 'shannon', 'shockley', 'sinoussi', 'stonebraker', 'swanson', 'tesla', 'thompson', 'torvalds', 'turing',
  'varahamihira', 'wiles', 'williams', 'wing', 'wozniak', 'wright', 'yalow', 'yonath',
];

/** Docker's name grammar (daemon/names: RestrictedNamePattern). */
const NAME_PATTERN = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** A random adjective_surname; "boring_wozniak" is not generated (moby's one rule). */
export function generateName(): string {
  for (;;) {
    const name = `${ADJECTIVES[randomBelow(ADJECTIVES.length)]}_${SURNAMES[randomBelow(SURNAMES.length)]}`;
    if (name !== 'boring_wozniak') return name;
  }
}

/** Checks a --name value; returns it without Docker's optional leading "/". */
const MAX_NAME_LENGTH = 253;

export function validateName(name: string): string {
  if (!NAME_PATTERN.test(name)) {
    throw new MyDockerError('usage', 'ERR_BAD_NAME', `Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  }
  const bare = name.replace(/^\//, '');
  // A name is a file under containers/names/: the filesystem's 255-byte limit is the real one.
  if (bare.length > MAX_NAME_LENGTH) {
    throw new MyDockerError('usage', 'ERR_BAD_NAME', `Invalid container name (${bare.slice(0, 20)}…): ${bare.length} characters, at most ${MAX_NAME_LENGTH} are allowed`);
  }
  return bare;
}

function namesDir(root: string): string {
  return join(root, 'containers', 'names');
}

/** The id holding `name`, or undefined. */
export function nameOwner(root: string, name: string): string | undefined {
  try {
    const id = readFileSync(join(namesDir(root), name), 'utf8').trim();
    return /^[0-9a-f]{64}$/.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reserves `name` for container `id`: the O_EXCL create is the one atomic decision between
 * concurrent runs. A reservation whose container directory is gone (a crash between the two) is
 * taken over; the rename makes sure only one taker removes it.
 */
export function reserveName(root: string, name: string, id: string): void {
  const dir = namesDir(root);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, name);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
      try {
        writeSync(fd, `${id}\n`);
      } finally {
        closeSync(fd);
      }
      return;
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw error;
    }
    const owner = nameOwner(root, name);
    if (owner !== undefined && existsSync(join(root, 'containers', owner))) {
      throw new MyDockerError(
        'usage',
        'ERR_NAME_CONFLICT',
        `Conflict. The container name "/${name}" is already in use by container "${owner}". You have to remove (or rename) that container to be able to reuse that name`,
      );
    }
    if (owner === undefined) continue; // being written right now, or unreadable: look again
    const stale = `${path}.stale-${process.pid}`;
    try {
      renameSync(path, stale);
      rmSync(stale, { force: true });
    } catch {
      // another process took it over first
    }
  }
  throw new MyDockerError('usage', 'ERR_NAME_CONFLICT', `Conflict. The container name "/${name}" is already in use`);
}

/** Frees `name` if `id` holds it. */
export function releaseName(root: string, name: string, id: string): void {
  if (nameOwner(root, name) === id) removeFile(join(namesDir(root), name));
}
