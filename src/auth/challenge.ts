/** A parsed WWW-Authenticate challenge (RFC 7235), e.g. Bearer realm="…",service="…",scope="…". */
export interface Challenge {
  scheme: 'bearer' | 'basic' | string;
  params: Record<string, string>;
}

/**
 * Parses the first challenge of a WWW-Authenticate header. Registries send one challenge; the
 * scanner still stops at the next scheme so a second one cannot leak params into the first.
 */
export function parseChallenge(header: string): Challenge | undefined {
  const match = /^\s*([A-Za-z][A-Za-z0-9._~+/-]*)\s*/.exec(header);
  if (!match?.[1]) return undefined;
  const scheme = match[1].toLowerCase();
  const params: Record<string, string> = {};
  let rest = header.slice(match[0].length);
  const paramRe = /^\s*,?\s*([A-Za-z][A-Za-z0-9._-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*/;
  for (;;) {
    const p = paramRe.exec(rest);
    if (!p?.[1]) break;
    params[p[1].toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : (p[3] ?? '');
    rest = rest.slice(p[0].length);
  }
  return { scheme, params };
}
