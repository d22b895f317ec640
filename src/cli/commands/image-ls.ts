import type { Command } from 'commander';
import { loadSettings } from '../../config/index.js';
import type { ImageSummary } from '../../images/index.js';
import { digestHex } from '../../oci/index.js';
import { formatTable, goJson } from '../output/table.js';
import { goTime, humanSize, timeAgo } from '../output/units.js';
import type { CommandContext } from './context.js';
import { withImageStatus } from './image-status.js';

export interface ImagesFlags {
  quiet?: boolean;
  digests?: boolean;
  /** commander turns --no-trunc into trunc: false. */
  trunc?: boolean;
  format?: string;
}

interface Row {
  repository: string;
  tag: string;
  digest: string;
  summary: ImageSummary;
}

const NONE = '<none>';

/** Splits "name:tag" / "name@digest" at the last ':' or '@' after the last '/'. */
function splitName(name: string, separator: ':' | '@'): [string, string] {
  const at = name.lastIndexOf(separator);
  return at > name.lastIndexOf('/') ? [name.slice(0, at), name.slice(at + 1)] : [name, ''];
}

/** Docker's rows: one per repository:tag (times each digest with --digests), digest-only names, or one <none> row. */
export function imageRows(summary: ImageSummary, withDigests: boolean): Row[] {
  const tagsByRepo = new Map<string, string[]>();
  for (const name of summary.repoTags) {
    const [repo, tag] = splitName(name, ':');
    tagsByRepo.set(repo, [...(tagsByRepo.get(repo) ?? []), tag]);
  }
  const digestsByRepo = new Map<string, string[]>();
  for (const name of summary.repoDigests) {
    const [repo, digest] = splitName(name, '@');
    digestsByRepo.set(repo, [...(digestsByRepo.get(repo) ?? []), digest]);
  }
  const rows: Row[] = [];
  for (const [repository, tags] of tagsByRepo) {
    const digests = withDigests ? digestsByRepo.get(repository) ?? [] : [];
    digestsByRepo.delete(repository);
    for (const tag of tags) {
      if (digests.length === 0) rows.push({ repository, tag, digest: NONE, summary });
      for (const digest of digests) rows.push({ repository, tag, digest, summary });
    }
  }
  for (const [repository, digests] of digestsByRepo) {
    if (withDigests) for (const digest of digests) rows.push({ repository, tag: NONE, digest, summary });
    else rows.push({ repository, tag: NONE, digest: '', summary });
  }
  if (rows.length === 0) rows.push({ repository: NONE, tag: NONE, digest: NONE, summary });
  return rows;
}

/** mydocker images / image ls: the table (or IDs, or JSON lines) on stdout. */
export async function imagesCommand(reference: string | undefined, flags: ImagesFlags, context: CommandContext): Promise<number> {
  return withImageStatus(context, async () => {
    const { listImages } = await import('../../images/index.js');
    const summaries = listImages(loadSettings(), reference === undefined ? {} : { reference });
    const rows = summaries.flatMap((s) => imageRows(s, flags.digests === true));
    const id = (s: ImageSummary): string => (flags.trunc === false ? s.id : digestHex(s.id).slice(0, 12));
    if (flags.quiet) {
      for (const row of rows) context.writeOut(id(row.summary));
      return 0;
    }
    if (flags.format === 'json' || flags.format === '{{json .}}') {
      for (const row of rows) {
        const size = humanSize(row.summary.size);
        context.writeOut(goJson({
          Containers: 'N/A',
          CreatedAt: goTime(row.summary.created),
          CreatedSince: timeAgo(row.summary.created),
          Digest: row.digest === '' ? NONE : row.digest,
          ID: id(row.summary),
          Repository: row.repository,
          SharedSize: 'N/A',
          Size: size,
          Tag: row.tag,
          UniqueSize: 'N/A',
          VirtualSize: size,
        }));
      }
      return 0;
    }
    if (flags.format !== undefined && flags.format !== 'table') {
      const { MyDockerError } = await import('../../errors.js');
      throw new MyDockerError('usage', 'ERR_FORMAT', `unsupported --format "${flags.format}"`, { hint: 'Use --format json or --format table.' });
    }
    const header = flags.digests ? ['REPOSITORY', 'TAG', 'DIGEST', 'IMAGE ID', 'CREATED', 'SIZE'] : ['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE'];
    const body = rows.map((row) => {
      const cells = [row.repository, row.tag, id(row.summary), timeAgo(row.summary.created), humanSize(row.summary.size)];
      if (flags.digests) cells.splice(2, 0, row.digest === '' ? NONE : row.digest);
      return cells;
    });
    for (const line of formatTable([header, ...body])) context.writeOut(line);
    return 0;
  });
}

/** The flags `images` and `image ls` share. */
export function imagesOptions(command: Command): Command {
  return command
    .argument('[reference]', 'show only images whose name matches REPOSITORY[:TAG] (* matches within a component)')
    .option('-q, --quiet', 'only show image IDs')
    .option('--digests', 'show digests')
    .option('--no-trunc', "don't truncate output")
    .option('--format <format>', "'table' (default) or 'json' (one JSON object per line)");
}
