import { MyDockerError } from '../errors.js';
import { DOCKER_HUB_DOMAIN, type Reference } from './reference.js';

// Docker's reference grammar (distribution/reference regexp.go), written out piece by piece.
const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|-+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const IPV6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const DOMAIN = `(?:${DOMAIN_NAME}|${IPV6})(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}';

const REFERENCE_RE = new RegExp(
  `^((?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`,
);
const DOMAIN_RE = new RegExp(`^${DOMAIN}$`);
const NAME_TOTAL_LENGTH_MAX = 255;

/** Registry host names that all mean Docker Hub. */
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

function invalid(input: string, why: string): MyDockerError {
  return new MyDockerError('bad-reference', 'ERR_INVALID_REFERENCE', `invalid reference format "${input}": ${why}`, {
    hint: 'Use NAME[:TAG][@DIGEST], e.g. alpine:latest or registry.example.com:5000/team/app@sha256:<64 hex digits>.',
  });
}

/** Splits "a.b:5000/x/y" into domain and path, as Docker's splitDockerDomain does. */
function splitDomain(name: string): { domain: string; path: string } {
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  // Docker also takes an upper-case first component for a host; we do not (see parseReference).
  const looksLikeDomain = slash !== -1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!looksLikeDomain) return { domain: DOCKER_HUB_DOMAIN, path: name };
  return { domain: first, path: name.slice(slash + 1) };
}

/**
 * Parses a user-typed image reference and normalises it the way Docker does:
 * `alpine` → docker.io/library/alpine:latest. Throws a MyDockerError of kind 'bad-reference'.
 */
export function parseReference(input: string): Reference {
  if (input.length === 0) throw invalid(input, 'it is empty');
  const match = REFERENCE_RE.exec(input);
  if (match === null) {
    if (input !== input.toLowerCase() && REFERENCE_RE.test(input.toLowerCase())) {
      throw invalid(input, 'repository name must be lowercase');
    }
    throw invalid(input, 'it does not match NAME[:TAG][@DIGEST]');
  }
  const [, name = '', tag, digest] = match;
  if (name.length > NAME_TOTAL_LENGTH_MAX) throw invalid(input, `repository name is longer than ${NAME_TOTAL_LENGTH_MAX} characters`);
  let { domain, path } = splitDomain(name);
  // Docker treats "UPPER/x" as host UPPER and then fails on DNS; a single upper-case label is far
  // more often a mistyped repository name, so say that without touching the network.
  if (path !== path.toLowerCase()) throw invalid(input, 'repository name must be lowercase');
  if (!DOMAIN_RE.test(domain)) throw invalid(input, `"${domain}" is not a valid registry host`);
  if (DOCKER_HUB_ALIASES.has(domain.toLowerCase())) {
    domain = DOCKER_HUB_DOMAIN;
    if (!path.includes('/')) path = `library/${path}`;
  }
  if (path !== path.toLowerCase()) throw invalid(input, 'repository name must be lowercase');
  if (digest !== undefined && !/^sha256:[0-9a-f]{64}$/.test(digest)) {
    throw invalid(input, 'only sha256 digests of 64 lowercase hex digits are supported');
  }
  return { domain, path, tag: tag ?? (digest === undefined ? 'latest' : undefined), digest };
}
