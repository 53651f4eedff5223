/**
 * A client of the OCI distribution API, as source-controller and Helm's registry client use it:
 * list tags, resolve a tag to a manifest digest with a HEAD, read manifests and blobs (digests
 * checked), and push blobs and manifests. Registries that answer 401 with a Bearer challenge get
 * the Docker token flow (a token from the realm, asked with the basic credentials if there are
 * any); registries with a Basic challenge get the credentials directly.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { HttpCredentials } from '../helm/http.js';
import { readBody } from '../helm/http.js';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const MANIFEST_ACCEPT = [OCI_MANIFEST, DOCKER_MANIFEST].join(', ');

export class OciError extends Error {}

/** A registry's answer other than the one wanted, with the registry's own error text. */
export class RegistryStatusError extends OciError {
  constructor(
    readonly url: string,
    readonly status: number,
    detail: string,
    /** The `WWW-Authenticate` challenge of a 401, if any. */
    readonly authenticate?: string,
  ) {
    super(`${url}: ${status} ${http.STATUS_CODES[status] ?? ''}${detail ? `: ${detail}` : ''}`.replace(/ :/, ':'));
  }
}

/** A repository in a registry: `oci://HOST[:PORT]/PATH`. */
export interface OciRepositoryRef {
  /** `https://host` (or `http://host` for plain-HTTP registries). */
  base: string;
  /** `host[:port]` */
  host: string;
  /** Repository path in the registry, e.g. `manifests/podinfo`. */
  repository: string;
}

/**
 * Parses `oci://HOST/PATH` (a tag or digest in the URL is refused, as source-controller refuses it).
 * `http://HOST/PATH` and `https://HOST/PATH` name the same repository over that scheme, which is
 * how a plain-HTTP registry on the local machine is given to `fluxion sim --source`.
 */
export function parseOciUrl(url: string, options: { plainHttp?: boolean } = {}): OciRepositoryRef {
  const m = /^(oci|https?):\/\/([^/]+)\/(.+?)\/*$/.exec(url.trim());
  if (!m) throw new OciError(`invalid OCI URL '${url}': want oci://HOST/PATH`);
  const [, scheme, host, path] = m as unknown as [string, string, string, string];
  if (path.includes('@')) throw new OciError(`URL must not contain a digest; remove '@${path.split('@')[1]}'`);
  const last = path.split('/').at(-1) ?? '';
  if (last.includes(':')) throw new OciError(`URL must not contain a tag; remove ':${last.split(':')[1]}'`);
  if (!/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(path)) throw new OciError(`invalid OCI URL '${url}': repository name '${path}' must be lowercase alphanumerics separated by '.', '_', '-' or '/'`);
  const protocol = scheme === 'oci' ? (options.plainHttp ? 'http' : 'https') : scheme;
  return { base: `${protocol}://${host}`, host, repository: path };
}

export const sha256 = (bytes: Uint8Array): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer;
  maxBytes?: number;
}

/** Registry tokens by identity, host, repository and scope, reused until the registry refuses one. */
const tokens = new Map<string, string>();

function challengeParams(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of header.replace(/^\w+\s+/, '').matchAll(/(\w+)="([^"]*)"/g)) out[m[1]!.toLowerCase()] = m[2]!;
  return out;
}

export interface RegistryClientOptions {
  credentials?: HttpCredentials;
  timeoutMs?: number;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface Manifest {
  digest: string;
  mediaType: string;
  config?: Descriptor;
  layers: Descriptor[];
  annotations: Record<string, string>;
  /** The manifest exactly as the registry sent it (its digest is `digest`). */
  raw: Buffer;
}

export class RegistryClient {
  private readonly credentials: HttpCredentials | undefined;
  private readonly timeoutMs: number;

  constructor(
    readonly ref: OciRepositoryRef,
    options: RegistryClientOptions = {},
  ) {
    this.credentials = options.credentials;
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  private url(path: string): string {
    return `${this.ref.base}/v2/${this.ref.repository}/${path}`;
  }

  /** One HTTP exchange, following redirects (credentials only to the registry's own host). */
  private async send(url: string, options: RequestOptions, authorization: string | undefined): Promise<Response> {
    const creds = this.credentials ?? {};
    let current = url;
    for (let hop = 0; hop < 10; hop++) {
      const u = new URL(current);
      const headers: Record<string, string> = { 'User-Agent': 'fluxion/source-controller', ...(options.headers ?? {}) };
      if (authorization && u.host === this.ref.host) headers.Authorization = authorization;
      if (options.body) headers['Content-Length'] = String(options.body.length);
      const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
        const lib = u.protocol === 'https:' ? https : http;
        const req = lib.request(u, {
          method: options.method ?? 'GET',
          headers,
          timeout: this.timeoutMs,
          ...(u.protocol === 'https:' ? { ca: creds.ca, cert: creds.cert, key: creds.key, rejectUnauthorized: !creds.insecureSkipVerify } : {}),
        });
        req.on('response', resolve);
        req.on('timeout', () => req.destroy(new OciError(`${url}: timeout after ${this.timeoutMs} ms`)));
        req.on('error', reject);
        req.end(options.body);
      });
      const status = res.statusCode ?? 0;
      const method = options.method ?? 'GET';
      if ((method === 'GET' || method === 'HEAD') && [301, 302, 303, 307, 308].includes(status) && res.headers.location) {
        res.resume();
        current = new URL(res.headers.location, current).toString();
        continue;
      }
      const body = await readBody(res, options.maxBytes, (limit) => new OciError(`${url}: size exceeds the ${limit} bytes limit`));
      return { status, headers: res.headers, body };
    }
    throw new OciError(`${url}: stopped after 10 redirects`);
  }

  /**
   * A request with the registry's auth flow. `scope` is what a token must allow
   * (`repository:NAME:pull` or `…:pull,push`).
   */
  private async request(path: string, options: RequestOptions, expect: number[], scope: 'pull' | 'pull,push' = 'pull'): Promise<Response> {
    const url = path.startsWith('http') ? path : this.url(path);
    const creds = this.credentials;
    // Tokens are per identity too: one object's credentials must never read for another's.
    const identity = creds?.username !== undefined ? createHash('sha256').update(`${creds.username}\0${creds.password ?? ''}`).digest('hex') : 'anonymous';
    const key = `${identity}@${this.ref.host}/${this.ref.repository}:${scope}`;
    const basic = creds?.username !== undefined ? `Basic ${Buffer.from(`${creds.username}:${creds.password ?? ''}`).toString('base64')}` : undefined;
    let authorization = tokens.has(key) ? `Bearer ${tokens.get(key)}` : basic;
    for (let attempt = 0; ; attempt++) {
      const res = await this.send(url, options, authorization);
      if (expect.includes(res.status)) return res;
      const challenge = [res.headers['www-authenticate']].flat()[0];
      if (res.status === 401 && attempt === 0 && challenge) {
        if (/^Bearer\s/i.test(challenge)) {
          const p = challengeParams(challenge);
          if (p.realm) {
            tokens.set(key, await this.token(p, scope));
            authorization = `Bearer ${tokens.get(key)}`;
            continue;
          }
        } else if (/^Basic\s/i.test(challenge) && basic && authorization !== basic) {
          authorization = basic;
          continue;
        }
      }
      if (res.status === 401) tokens.delete(key);
      throw new RegistryStatusError(url, res.status, registryMessage(res), challenge);
    }
  }

  /** The Docker token flow: the realm hands out a token for the scope, to the basic credentials or anonymously. */
  private async token(challenge: Record<string, string>, scope: string): Promise<string> {
    const realm = new URL(challenge.realm!);
    if (challenge.service) realm.searchParams.set('service', challenge.service);
    realm.searchParams.set('scope', challenge.scope && scope === 'pull' ? challenge.scope : `repository:${this.ref.repository}:${scope}`);
    const creds = this.credentials;
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (creds?.username !== undefined) headers.Authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password ?? ''}`).toString('base64')}`;
    const res = await this.send(realm.toString(), { headers, maxBytes: 1024 * 1024 }, undefined);
    if (res.status !== 200) throw new RegistryStatusError(challenge.realm!, res.status, `the registry's token service refused: ${registryMessage(res)}`);
    let answer: { token?: string; access_token?: string };
    try {
      answer = JSON.parse(res.body.toString('utf8')) as typeof answer;
    } catch {
      throw new OciError(`the registry's token service ${challenge.realm} answered with something other than JSON`);
    }
    const token = answer.token ?? answer.access_token;
    if (!token) throw new OciError(`the registry's token service ${challenge.realm} answered without a token`);
    return token;
  }

  /** Every tag of the repository (following `Link` pagination); none when the repository is unknown. */
  async listTags(): Promise<string[]> {
    const out: string[] = [];
    let next: string | undefined = 'tags/list';
    while (next) {
      const res = await this.request(next, { headers: { Accept: 'application/json' }, maxBytes: 16 * 1024 * 1024 }, [200, 404]);
      if (res.status === 404) return out;
      const json = parseJson(res.body, `${this.ref.repository} tags`) as { tags?: unknown[] | null };
      for (const t of json.tags ?? []) if (typeof t === 'string') out.push(t);
      const link = [res.headers.link].flat()[0];
      const m = link ? /<([^>]+)>\s*;\s*rel="?next"?/.exec(link) : null;
      next = m ? new URL(m[1]!, this.ref.base).toString() : undefined;
    }
    return out;
  }

  /** The digest `tag` points at: a HEAD of the manifest, or a GET when the registry gives no digest header. */
  async resolve(tag: string): Promise<string> {
    const res = await this.request(`manifests/${tag}`, { method: 'HEAD', headers: { Accept: MANIFEST_ACCEPT } }, [200, 404]);
    if (res.status === 404) throw new OciError(`tag '${tag}' not found in ${this.ref.host}/${this.ref.repository}`);
    const digest = [res.headers['docker-content-digest']].flat()[0];
    if (digest && /^sha256:[0-9a-f]{64}$/.test(digest)) return digest;
    return (await this.manifest(tag)).digest;
  }

  /** The image manifest at a tag or digest; a digest reference is checked against the bytes. */
  async manifest(reference: string): Promise<Manifest> {
    const res = await this.request(`manifests/${reference}`, { headers: { Accept: MANIFEST_ACCEPT }, maxBytes: 4 * 1024 * 1024 }, [200, 404]);
    if (res.status === 404) throw new OciError(`manifest '${reference}' not found in ${this.ref.host}/${this.ref.repository}`);
    const digest = sha256(res.body);
    if (reference.startsWith('sha256:') && digest !== reference) throw new OciError(`manifest ${reference}: the registry sent content with digest ${digest}`);
    const json = parseJson(res.body, `manifest ${reference}`) as { mediaType?: string; config?: Descriptor; layers?: Descriptor[]; annotations?: Record<string, string> };
    const mediaType = json.mediaType ?? String([res.headers['content-type']].flat()[0] ?? OCI_MANIFEST).split(';')[0]!;
    if (mediaType !== OCI_MANIFEST && mediaType !== DOCKER_MANIFEST) throw new OciError(`manifest ${reference} has media type ${mediaType}: an image index or other kind is not an artifact fluxion can pull`);
    return { digest, mediaType, ...(json.config ? { config: json.config } : {}), layers: json.layers ?? [], annotations: json.annotations ?? {}, raw: res.body };
  }

  /** A blob's content, checked against its digest. */
  async blob(digest: string, maxBytes = 512 * 1024 * 1024): Promise<Buffer> {
    const res = await this.request(`blobs/${digest}`, { maxBytes }, [200]);
    const actual = sha256(res.body);
    if (actual !== digest) throw new OciError(`blob ${digest}: the registry sent content with digest ${actual}`);
    return res.body;
  }

  /** Uploads a blob unless the registry has it (monolithic upload: POST for a location, PUT with the digest). */
  async pushBlob(bytes: Buffer): Promise<Descriptor & { existed: boolean }> {
    const digest = sha256(bytes);
    const head = await this.request(`blobs/${digest}`, { method: 'HEAD' }, [200, 404], 'pull,push');
    if (head.status === 200) return { mediaType: '', digest, size: bytes.length, existed: true };
    const start = await this.request('blobs/uploads/', { method: 'POST' }, [202], 'pull,push');
    const location = [start.headers.location].flat()[0];
    if (!location) throw new OciError(`${this.ref.host}: the registry started an upload without a Location`);
    const put = new URL(location, this.ref.base);
    put.searchParams.set('digest', digest);
    await this.request(put.toString(), { method: 'PUT', headers: { 'Content-Type': 'application/octet-stream' }, body: bytes }, [201], 'pull,push');
    return { mediaType: '', digest, size: bytes.length, existed: false };
  }

  /** Puts a manifest under `reference` (a tag); returns its digest. */
  async pushManifest(reference: string, manifest: Buffer, mediaType = OCI_MANIFEST): Promise<string> {
    await this.request(`manifests/${reference}`, { method: 'PUT', headers: { 'Content-Type': mediaType }, body: manifest }, [201], 'pull,push');
    return sha256(manifest);
  }
}

function parseJson(body: Buffer, what: string): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new OciError(`${what}: not JSON: ${(err as Error).message}`);
  }
}

/** The registry's `{"errors":[{code,message}]}` as text, or the start of the body. */
function registryMessage(res: Response): string {
  try {
    const json = JSON.parse(res.body.toString('utf8')) as { errors?: { code?: string; message?: string }[] };
    if (json.errors?.length) return json.errors.map((e) => [e.code, e.message].filter(Boolean).join(': ')).join('; ');
  } catch {
    // not JSON
  }
  return res.body.toString('utf8').slice(0, 200).trim();
}

/**
 * Credentials for `host` from a Docker config (`.dockerconfigjson` of a
 * `kubernetes.io/dockerconfigjson` Secret): `auths` keyed by host or URL, with
 * `username`/`password` or `auth` (base64 `user:password`).
 */
export function dockerConfigCredentials(config: string, host: string): { username: string; password: string } | undefined {
  let json: { auths?: Record<string, { username?: string; password?: string; auth?: string }> };
  try {
    json = JSON.parse(config) as typeof json;
  } catch (err) {
    throw new OciError(`.dockerconfigjson is not JSON: ${(err as Error).message}`);
  }
  for (const [key, entry] of Object.entries(json.auths ?? {})) {
    const keyHost = key.replace(/^[a-z]+:\/\//, '').split('/')[0];
    if (keyHost !== host && !(host === 'docker.io' && keyHost === 'index.docker.io')) continue;
    if (entry.username !== undefined) return { username: entry.username, password: entry.password ?? '' };
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      if (i < 0) throw new OciError(`.dockerconfigjson: the auth of '${key}' is not base64 of user:password`);
      return { username: decoded.slice(0, i), password: decoded.slice(i + 1) };
    }
  }
  return undefined;
}
