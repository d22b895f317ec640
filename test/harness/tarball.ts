/** Builds layer tarballs in memory with tar-stream (PAX headers appear by themselves for long names). */
import { pack } from 'tar-stream';

interface EntryBase {
  /** Path inside the image, as written in the tar ("data/x", no leading "./"); hostile images break this rule on purpose. */
  path: string;
  mode?: number;
  uid?: number;
  gid?: number;
}

export type TarEntry =
  | (EntryBase & { type: 'dir' })
  | (EntryBase & { type: 'file'; content: string | Buffer })
  | (EntryBase & { type: 'symlink'; target: string })
  | (EntryBase & { type: 'hardlink'; target: string });

// A fixed mtime keeps digests stable across builds, so caches and registries dedupe.
const MTIME = new Date('2024-01-01T00:00:00Z');

export async function buildTar(entries: TarEntry[]): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    archive.on('data', (chunk: unknown) => {
      chunks.push(chunk as Buffer);
    });
    archive.on('end', () => resolve(Buffer.concat(chunks)));
    archive.on('error', reject);
  });
  for (const entry of entries) {
    const owner = { uid: entry.uid ?? 0, gid: entry.gid ?? 0, mtime: MTIME };
    switch (entry.type) {
      case 'dir':
        archive.entry({ ...owner, name: entry.path, type: 'directory', mode: entry.mode ?? 0o755 });
        break;
      case 'file':
        archive.entry({ ...owner, name: entry.path, type: 'file', mode: entry.mode ?? 0o644 }, Buffer.from(entry.content));
        break;
      case 'symlink':
        archive.entry({ ...owner, name: entry.path, type: 'symlink', linkname: entry.target, mode: entry.mode ?? 0o777 });
        break;
      case 'hardlink':
        archive.entry({ ...owner, name: entry.path, type: 'link', linkname: entry.target, mode: entry.mode ?? 0o644 });
        break;
    }
  }
  archive.finalize();
  return done;
}
