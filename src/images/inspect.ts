import type { Settings } from '../config/index.js';
import { ContentStore } from '../store/content-store.js';
import { imageNames, readCatalog, type Catalog } from './catalog.js';
import { lookupImage, noSuchImage } from './lookup.js';
import { unpackedSize } from './unpacked-store.js';

/** The container configuration part of `docker image inspect` (Docker's container.Config field names). */
export interface InspectConfig {
  Hostname: string;
  Domainname: string;
  User: string;
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  ExposedPorts?: Record<string, object>;
  Tty: boolean;
  OpenStdin: boolean;
  StdinOnce: boolean;
  Env: string[] | null;
  Cmd: string[] | null;
  Healthcheck?: unknown;
  ArgsEscaped?: boolean;
  Image: string;
  Volumes: Record<string, object> | null;
  WorkingDir: string;
  Entrypoint: string[] | null;
  OnBuild: string[] | null;
  Labels: Record<string, string> | null;
  StopSignal?: string;
  Shell?: string[];
}

/** One element of `docker image inspect`'s JSON array. */
export interface ImageInspect {
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  Parent: string;
  Comment: string;
  Created: string;
  DockerVersion: string;
  Author: string;
  Config: InspectConfig;
  Architecture: string;
  Variant?: string;
  Os: string;
  'OsVersion'?: string;
  Size: number;
  RootFS: { Type: string; Layers: string[] };
  Metadata: { LastTagTime: string };
}

type Json = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const strings = (v: unknown): string[] | null => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : null);
const record = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined);

function inspectConfig(raw: Json): InspectConfig {
  const config: InspectConfig = {
    Hostname: '',
    Domainname: '',
    User: str(raw['User']),
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    Env: strings(raw['Env']),
    Cmd: strings(raw['Cmd']),
    Image: '',
    Volumes: (record(raw['Volumes']) as Record<string, object> | undefined) ?? null,
    WorkingDir: str(raw['WorkingDir']),
    Entrypoint: strings(raw['Entrypoint']),
    OnBuild: strings(raw['OnBuild']),
    Labels: (record(raw['Labels']) as Record<string, string> | undefined) ?? null,
  };
  const ports = record(raw['ExposedPorts']);
  if (ports) config.ExposedPorts = ports as Record<string, object>;
  if (raw['Healthcheck'] !== undefined && raw['Healthcheck'] !== null) config.Healthcheck = raw['Healthcheck'];
  if (raw['ArgsEscaped'] === true) config.ArgsEscaped = true;
  if (typeof raw['StopSignal'] === 'string') config.StopSignal = raw['StopSignal'];
  const shell = strings(raw['Shell']);
  if (shell) config.Shell = shell;
  return config;
}

/** `docker image inspect` for one IMAGE (name, ID or ID prefix); throws "No such image". */
export function inspectImage(settings: Settings, name: string, catalog: Catalog = readCatalog(settings)): ImageInspect {
  const { image } = lookupImage(catalog, name);
  // A name whose documents are missing (a broken store) is no image either.
  if (!image) throw noSuchImage(name);
  const bytes = new ContentStore(settings.root).read(image.id);
  const doc = (bytes ? JSON.parse(bytes.toString('utf8')) : {}) as Json;
  const names = imageNames(image);
  const result: ImageInspect = {
    Id: image.id,
    RepoTags: names.repoTags,
    RepoDigests: names.repoDigests,
    Parent: '',
    Comment: str(doc['comment']),
    Created: str(doc['created']),
    DockerVersion: str(doc['docker_version']),
    Author: str(doc['author']),
    Config: inspectConfig(record(doc['config']) ?? {}),
    Architecture: str(doc['architecture']),
    Os: str(doc['os']),
    Size: unpackedSize(settings, image.image),
    RootFS: { Type: 'layers', Layers: image.image.config.rootfs.diff_ids },
    Metadata: { LastTagTime: '0001-01-01T00:00:00Z' },
  };
  if (typeof doc['variant'] === 'string') result.Variant = doc['variant'];
  if (typeof doc['os.version'] === 'string') result.OsVersion = doc['os.version'];
  return result;
}

/** Inspects several images; those not found are reported by name, not thrown, as Docker prints the rest. */
export function inspectImages(settings: Settings, names: string[]): { images: ImageInspect[]; errors: Error[] } {
  const catalog = readCatalog(settings);
  const images: ImageInspect[] = [];
  const errors: Error[] = [];
  for (const name of names) {
    try {
      images.push(inspectImage(settings, name, catalog));
    } catch (error) {
      errors.push(error as Error);
    }
  }
  return { images, errors };
}
