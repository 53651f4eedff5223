/**
 * A small S3 client over node:http/https, signed with SigV4 (or anonymous without credentials):
 * HeadBucket, ListObjectsV2 with pagination, GetObject, and PutObject/CreateBucket for tests and
 * tools. Path-style addressing, except virtual-hosted style on `*.amazonaws.com` for DNS-safe
 * names (as minio-go chooses). Errors carry S3's error `code`; credentials never reach messages.
 */
import http from 'node:http';
import https from 'node:https';
import type { AwsCredentials } from './sigv4.js';
import { EMPTY_SHA256, sha256Hex, signV4, uriEncode } from './sigv4.js';

export interface S3ClientOptions {
  /** `host[:port]`, no scheme. */
  endpoint: string;
  /** Plain HTTP instead of HTTPS. */
  insecure?: boolean;
  /** Default: from an `s3.<region>.amazonaws.com` endpoint, else `us-east-1`. */
  region?: string;
  credentials?: AwsCredentials;
  /** PEM: CA bundle to trust, client certificate and key. */
  tls?: { ca?: string; cert?: string; key?: string };
  timeoutMs?: number;
  /** Clock for request signatures. Default: the wall clock (S3 refuses skewed signatures). */
  now?: () => Date;
  /** Page size of ListObjectsV2 (S3 caps it at 1000). */
  maxKeys?: number;
}

/** An S3 error response (`<Error><Code>…`), or a transport failure (`code` `NetworkError`). */
export class S3Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = 'S3Error';
  }
}

export interface ListedObject {
  key: string;
  /** Without the surrounding quotes, as minio-go reports it. */
  etag: string;
}

interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
/** Decodes the five XML entities and numeric character references. */
export function xmlText(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (m, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return XML_ENTITIES[e] ?? m;
  });
}

const tag = (xml: string, name: string): string | undefined => {
  const m = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml);
  return m ? xmlText(m[1] ?? '') : undefined;
};

export const trimEtag = (etag: string): string => etag.replace(/^"+|"+$/g, '');

/** A page of ListObjectsV2 XML: the objects, and the token of the next page when truncated. */
export function parseListObjectsV2(xml: string): { objects: ListedObject[]; next: string | undefined } {
  const objects: ListedObject[] = [];
  for (const m of xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
    const body = m[1] ?? '';
    const key = tag(body, 'Key');
    if (key !== undefined) objects.push({ key, etag: trimEtag(tag(body, 'ETag') ?? '') });
  }
  const truncated = tag(xml, 'IsTruncated') === 'true';
  return { objects, next: truncated ? tag(xml, 'NextContinuationToken') : undefined };
}

function regionOf(endpoint: string): string | undefined {
  return /^s3[.-](?!external-1)([a-z0-9-]+)\.amazonaws\.com(\.cn)?(:\d+)?$/.exec(endpoint)?.[1];
}

export class S3Client {
  readonly region: string;
  private readonly base: URL;
  private readonly virtualHosts: boolean;

  constructor(private readonly options: S3ClientOptions) {
    if (!options.endpoint || /[/\s]|^[a-z]+:\/\//i.test(options.endpoint)) throw new S3Error('InvalidEndpoint', `invalid endpoint '${options.endpoint}': want host[:port] without scheme or path`, 0);
    this.base = new URL(`${options.insecure ? 'http' : 'https'}://${options.endpoint}`);
    this.region = options.region || regionOf(options.endpoint) || 'us-east-1';
    this.virtualHosts = /(^|\.)amazonaws\.com(\.cn)?$/.test(this.base.hostname);
  }

  /** The URL of `key` (or of the bucket itself when key is undefined), with a raw query string. */
  url(bucket: string, key: string | undefined, query = ''): URL {
    const path = key === undefined ? '' : key.split('/').map(uriEncode).join('/');
    const virtual = this.virtualHosts && /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(bucket);
    const u = new URL(this.base.href);
    if (virtual) {
      u.host = `${bucket}.${this.base.host}`;
      u.pathname = `/${path}`;
    } else {
      u.pathname = `/${uriEncode(bucket)}${key === undefined ? '' : `/${path}`}`;
    }
    u.search = query;
    return u;
  }

  private async request(method: string, url: URL, body?: Buffer): Promise<Response> {
    const payloadHash = body ? sha256Hex(body) : EMPTY_SHA256;
    const headers: Record<string, string> = { 'user-agent': 'fluxion/source-controller' };
    if (body) headers['content-length'] = String(body.length);
    const signed = this.options.credentials
      ? signV4({ method, url, headers, payloadHash, region: this.region, service: 's3', credentials: this.options.credentials, now: (this.options.now ?? (() => new Date()))() }).headers
      : headers;
    const lib = url.protocol === 'https:' ? https : http;
    const tls = this.options.tls ?? {};
    return new Promise<Response>((resolve, reject) => {
      const req = lib.request(url, { method, headers: signed, ...(url.protocol === 'https:' ? { ...(tls.ca ? { ca: tls.ca } : {}), ...(tls.cert ? { cert: tls.cert, key: tls.key } : {}) } : {}) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.setTimeout(this.options.timeoutMs ?? 60_000, () => req.destroy(new Error(`timeout after ${this.options.timeoutMs ?? 60_000}ms`)));
      req.on('error', (err) => reject(new S3Error('NetworkError', `${method} ${url.origin}${url.pathname}: ${err.message}`, 0, { cause: err })));
      req.end(body);
    });
  }

  private static failure(res: Response, fallback: string): S3Error {
    const xml = res.body.toString('utf8');
    const code = tag(xml, 'Code') ?? (res.headers['x-amz-error-code'] as string | undefined) ?? (res.status === 404 ? 'NotFound' : res.status === 403 ? 'AccessDenied' : `HTTP${res.status}`);
    const message = tag(xml, 'Message') ?? (res.status === 403 ? 'Access Denied.' : `${fallback}: ${res.status} ${http.STATUS_CODES[res.status] ?? ''}`.trimEnd());
    return new S3Error(code, message, res.status);
  }

  /**
   * True when the bucket exists and is readable, false on 404. HEAD responses have no body, so on
   * another status the bucket's location is asked for, to report S3's own error code.
   */
  async bucketExists(bucket: string): Promise<boolean> {
    const res = await this.request('HEAD', this.url(bucket, undefined));
    if (res.status >= 200 && res.status < 300) return true;
    if (res.status === 404) return false;
    const detail = await this.request('GET', this.url(bucket, undefined, 'location='));
    if (detail.status === 404 && tag(detail.body.toString('utf8'), 'Code') === 'NoSuchBucket') return false;
    throw S3Client.failure(detail.status >= 300 ? detail : res, 'HeadBucket');
  }

  /** Every object under `prefix`, page by page (ListObjectsV2, continuation tokens). */
  async *listObjects(bucket: string, prefix = ''): AsyncGenerator<ListedObject> {
    let token: string | undefined;
    do {
      const q: string[] = ['list-type=2'];
      if (token !== undefined) q.push(`continuation-token=${uriEncode(token)}`);
      if (this.options.maxKeys) q.push(`max-keys=${this.options.maxKeys}`);
      if (prefix) q.push(`prefix=${uriEncode(prefix)}`);
      const res = await this.request('GET', this.url(bucket, undefined, q.join('&')));
      if (res.status !== 200) throw S3Client.failure(res, 'ListObjectsV2');
      const page = parseListObjectsV2(res.body.toString('utf8'));
      yield* page.objects;
      token = page.next;
    } while (token !== undefined);
  }

  /** The object's bytes and ETag; `S3Error` with code `NoSuchKey` when it is gone. */
  async getObject(bucket: string, key: string): Promise<{ body: Buffer; etag: string }> {
    const res = await this.request('GET', this.url(bucket, key));
    if (res.status !== 200) throw S3Client.failure(res, 'GetObject');
    return { body: res.body, etag: trimEtag(String(res.headers.etag ?? '')) };
  }

  async putObject(bucket: string, key: string, body: Buffer | string): Promise<string> {
    const res = await this.request('PUT', this.url(bucket, key), Buffer.from(body));
    if (res.status !== 200) throw S3Client.failure(res, 'PutObject');
    return trimEtag(String(res.headers.etag ?? ''));
  }

  async deleteObject(bucket: string, key: string): Promise<void> {
    const res = await this.request('DELETE', this.url(bucket, key));
    if (res.status !== 204 && res.status !== 200) throw S3Client.failure(res, 'DeleteObject');
  }

  async createBucket(bucket: string): Promise<void> {
    const res = await this.request('PUT', this.url(bucket, undefined));
    if (res.status !== 200) throw S3Client.failure(res, 'CreateBucket');
  }
}
