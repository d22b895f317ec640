/**
 * A minimal registry client for pushing test images: token dance, monolithic blob upload
 * (POST then PUT ?digest=), manifest PUT with its own Content-Type. Also reads manifests back.
 */
import { HARNESS_PASSWORD, HARNESS_USER } from './token-service.js';

export interface PushBlob {
  digest: string;
  data: Buffer;
}

export interface PushManifest {
  mediaType: string;
  digest: string;
  bytes: Buffer;
}

/** Everything needed to put one repository:tag in a registry: blobs, child manifests, the top one. */
export interface PushPlan {
  repository: string;
  tags: string[];
  blobs: PushBlob[];
  /** Manifests referenced by the top one (an index's children); pushed by digest first. */
  children: PushManifest[];
  top: PushManifest;
}

export const ACCEPT_ALL_MANIFESTS = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

function parseChallenge(header: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const match of header.replace(/^Bearer\s+/i, '').matchAll(/(\w+)="([^"]*)"/g)) {
    if (match[1] !== undefined && match[2] !== undefined) params.set(match[1], match[2]);
  }
  return params;
}

export class RegistryClient {
  private readonly tokens = new Map<string, string>();
  private basic: string | undefined;

  /** baseUrl: http://HOST:PORT of the registry; the harness user's credentials are sent to the realm. */
  constructor(private readonly baseUrl: string) {}

  private async token(challenge: string, repository: string): Promise<string> {
    const cached = this.tokens.get(repository);
    if (cached !== undefined) return cached;
    const params = parseChallenge(challenge);
    const realm = params.get('realm');
    if (realm === undefined) throw new Error(`no realm in challenge: ${challenge}`);
    const url = new URL(realm);
    url.searchParams.set('service', params.get('service') ?? '');
    url.searchParams.set('scope', `repository:${repository}:pull,push`);
    const basic = Buffer.from(`${HARNESS_USER}:${HARNESS_PASSWORD}`).toString('base64');
    const response = await fetch(url, { headers: { authorization: `Basic ${basic}` } });
    if (!response.ok) throw new Error(`token request ${url.href} failed: ${response.status} ${await response.text()}`);
    const body = (await response.json()) as { token?: unknown };
    if (typeof body.token !== 'string') throw new Error('token response without token');
    this.tokens.set(repository, body.token);
    return body.token;
  }

  /** One request with the repository's bearer token, fetching a token on the first 401. */
  async request(repository: string, method: string, pathOrUrl: string, init: { headers?: Record<string, string>; body?: Buffer } = {}): Promise<Response> {
    const url = new URL(pathOrUrl, this.baseUrl);
    const send = async (): Promise<Response> => {
      const headers: Record<string, string> = { ...init.headers };
      const token = this.tokens.get(repository);
      if (token !== undefined) headers.authorization = `Bearer ${token}`;
      else if (this.basic !== undefined) headers.authorization = this.basic;
      return fetch(url, { method, headers, body: init.body, redirect: 'manual' });
    };
    let response = await send();
    const challenge = response.headers.get('www-authenticate');
    // A Basic-auth registry (distribution's htpasswd): the harness user, on every request from then on.
    if (response.status === 401 && challenge !== null && /^Basic/i.test(challenge)) {
      await response.arrayBuffer();
      this.basic = `Basic ${Buffer.from(`${HARNESS_USER}:${HARNESS_PASSWORD}`).toString('base64')}`;
      return send();
    }
    if (response.status === 401 && challenge !== null && /^Bearer/i.test(challenge)) {
      await response.arrayBuffer();
      this.tokens.delete(repository);
      await this.token(challenge, repository);
      response = await send();
    }
    return response;
  }

  private async expect(response: Response, statuses: number[], what: string): Promise<void> {
    if (!statuses.includes(response.status)) {
      throw new Error(`${what}: HTTP ${response.status} ${await response.text()}`);
    }
    await response.arrayBuffer();
  }

  async pushBlob(repository: string, blob: PushBlob): Promise<void> {
    const head = await this.request(repository, 'HEAD', `/v2/${repository}/blobs/${blob.digest}`);
    await head.arrayBuffer();
    if (head.status === 200) return;
    const start = await this.request(repository, 'POST', `/v2/${repository}/blobs/uploads/`);
    const location = start.headers.get('location');
    await this.expect(start, [202], `starting upload of ${blob.digest} to ${repository}`);
    if (location === null) throw new Error('upload start without Location');
    const target = new URL(location, this.baseUrl);
    target.searchParams.set('digest', blob.digest);
    const put = await this.request(repository, 'PUT', target.href, {
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(blob.data.length) },
      body: blob.data,
    });
    await this.expect(put, [201], `uploading ${blob.digest} to ${repository}`);
  }

  async pushManifest(repository: string, reference: string, manifest: PushManifest): Promise<void> {
    const put = await this.request(repository, 'PUT', `/v2/${repository}/manifests/${reference}`, {
      headers: { 'content-type': manifest.mediaType },
      body: manifest.bytes,
    });
    await this.expect(put, [201], `pushing manifest ${repository}:${reference}`);
  }

  async push(plan: PushPlan): Promise<void> {
    for (const blob of plan.blobs) await this.pushBlob(plan.repository, blob);
    for (const child of plan.children) await this.pushManifest(plan.repository, child.digest, child);
    for (const tag of plan.tags) await this.pushManifest(plan.repository, tag, plan.top);
  }

  /** Reads a manifest back with a full Accept list (without it the registry down-converts to schema1). */
  async getManifest(repository: string, reference: string): Promise<{ status: number; mediaType: string | null; digest: string | null; body: Buffer }> {
    const response = await this.request(repository, 'GET', `/v2/${repository}/manifests/${reference}`, {
      headers: { accept: ACCEPT_ALL_MANIFESTS },
    });
    return {
      status: response.status,
      mediaType: response.headers.get('content-type'),
      digest: response.headers.get('docker-content-digest'),
      body: Buffer.from(await response.arrayBuffer()),
    };
  }
}
