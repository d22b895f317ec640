import { MyDockerError } from '../errors.js';
import type { ProcessUser } from './spec.js';

/** A resolved user, plus the HOME Docker gives it. */
export interface ResolvedUser extends ProcessUser {
  home: string;
}

interface PasswdEntry { name: string; uid: number; gid: number; home: string }
interface GroupEntry { name: string; gid: number; members: string[] }

function parseId(text: string): number | undefined {
  return /^\d+$/.test(text) && Number(text) <= 0xffffffff ? Number(text) : undefined;
}

function parsePasswd(text: string): PasswdEntry[] {
  return text.split('\n').flatMap((line) => {
    const f = line.split(':');
    const uid = parseId(f[2] ?? '');
    const gid = parseId(f[3] ?? '');
    if (f.length < 7 || !f[0] || uid === undefined || gid === undefined) return [];
    return [{ name: f[0], uid, gid, home: f[5] || '/' }];
  });
}

function parseGroup(text: string): GroupEntry[] {
  return text.split('\n').flatMap((line) => {
    const f = line.split(':');
    const gid = parseId(f[2] ?? '');
    if (f.length < 4 || !f[0] || gid === undefined) return [];
    return [{ name: f[0], gid, members: (f[3] ?? '').split(',').filter((m) => m.length > 0) }];
  });
}

function notFound(what: 'user' | 'group', name: string, file: string): MyDockerError {
  return new MyDockerError('usage', 'ERR_UNKNOWN_USER', `unable to find ${what} ${name}: no matching entries in ${file} file`, {
    hint: `Use a numeric id, or a ${what} that exists in the image's /etc/${file}.`,
  });
}

/**
 * Resolves Docker's USER syntax (`name`, `uid`, `name:group`, `uid:gid`, …) against the image's
 * /etc/passwd and /etc/group contents, as runc's libcontainer/user does: a numeric uid need not
 * exist; a name must. Supplementary groups are those listing the user by name.
 */
export function resolveUser(spec: string, passwdText: string | undefined, groupText: string | undefined): ResolvedUser {
  const passwd = parsePasswd(passwdText ?? '');
  const groups = parseGroup(groupText ?? '');
  const [userPart = '', groupPart] = spec === '' ? ['root'] : spec.split(':', 2);
  const numericUid = parseId(userPart);
  const entry = numericUid !== undefined ? passwd.find((p) => p.uid === numericUid) : passwd.find((p) => p.name === userPart);
  if (entry === undefined && numericUid === undefined) {
    if (userPart === 'root') return { uid: 0, gid: 0, additionalGids: [], home: '/root' };
    throw notFound('user', userPart, 'passwd');
  }
  const uid = numericUid ?? entry?.uid ?? 0;
  let gid = entry?.gid ?? 0;
  if (groupPart !== undefined && groupPart !== '') {
    const numericGid = parseId(groupPart);
    const group = numericGid !== undefined ? undefined : groups.find((g) => g.name === groupPart);
    if (numericGid === undefined && group === undefined) throw notFound('group', groupPart, 'group');
    gid = numericGid ?? group?.gid ?? 0;
  }
  // Supplementary groups only come with a name to match and when no group was forced (as Docker).
  const additionalGids = entry && groupPart === undefined
    ? [...new Set(groups.filter((g) => g.members.includes(entry.name) && g.gid !== gid).map((g) => g.gid))]
    : [];
  return { uid, gid, additionalGids, home: entry?.home ?? '/' };
}
