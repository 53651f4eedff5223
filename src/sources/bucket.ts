/**
 * source-controller's Bucket pipeline, in three steps the machine can see:
 *
 * 1. `indexBucket`: confirm the bucket exists, read `.sourceignore` (at the bucket's root) and
 *    list every object under `spec.prefix` into an index of key → ETag, leaving out `/`-suffixed
 *    keys, `.sourceignore` itself and what the ignore rules match. The revision is the digest of
 *    that index (`sha256:` over sorted `"<key> <etag>\n"` lines, Flux's index.Digester), so when
 *    it equals the stored artifact's revision nothing is downloaded.
 * 2. `downloadBucket`: GET every indexed object (bounded concurrency); an object gone since the
 *    listing leaves the index, a changed ETag updates it.
 * 3. `storeBucketArtifact`: archive the objects deterministically (keys as paths) under
 *    `bucket/<ns>/<name>/<hex>.tar.gz` and seed the consumers' cache.
 */
import path from 'node:path';
import { createHash } from 'node:crypto';
import ignore from 'ignore';
import { TransientError } from '../api/errors.js';
import type { Artifact } from '../api/kinds/common.js';
import type { Bucket } from '../api/kinds/bucket.js';
import { SourceReasons } from '../api/reasons.js';
import type { ArtifactCache } from './artifact/cache.js';
import type { ArtifactStorage } from './artifact/storage.js';
import type { TarFile } from './artifact/tarball.js';
import { tarGz } from './artifact/tarball.js';
import { parsePatterns } from './ignore.js';
import type { S3Client } from './bucket/s3-client.js';
import { S3Error } from './bucket/s3-client.js';

export const IGNORE_FILE = '.sourceignore';
/** Downloads in flight per reconcile (Flux allows 100; a small footprint matters more here). */
const FETCH_CONCURRENCY = 16;

export interface BucketSourceDeps {
  storage: ArtifactStorage;
  artifacts?: ArtifactCache;
  /** Endpoint overrides keyed by `namespace/name` or by endpoint, valued `http(s)://host[:port]` (`fluxion sim --source`). */
  overrides?: Record<string, string>;
}

/** Where the bucket is reached: `spec.endpoint`/`spec.insecure`, unless the simulator overrides them. */
export function effectiveBucketEndpoint(obj: Bucket, overrides: Record<string, string> | undefined): { endpoint: string; insecure: boolean } {
  const o = overrides?.[`${obj.metadata.namespace ?? 'default'}/${obj.metadata.name}`] ?? overrides?.[obj.spec.endpoint];
  const m = o ? /^(https?):\/\/([^/]+)\/?$/.exec(o) : null;
  if (m) return { endpoint: m[2] ?? '', insecure: m[1] === 'http' };
  return { endpoint: obj.spec.endpoint, insecure: obj.spec.insecure === true };
}

/** Flux's index digest: sha256 over `"<key> <value>\n"` for the keys in sorted (byte) order. */
export function indexDigest(index: ReadonlyMap<string, string>): string {
  const h = createHash('sha256');
  const keys = [...index.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  for (const k of keys) h.update(`${k} ${index.get(k)}\n`);
  return `sha256:${h.digest('hex')}`;
}

/** `.sourceignore` then `spec.ignore` (gitignore syntax, matched against whole keys); no default exclusions, as for Flux buckets. */
export function bucketIgnore(sourceignore: string | undefined, specIgnore: string | undefined): (key: string) => boolean {
  const patterns = [...parsePatterns(sourceignore ?? ''), ...parsePatterns(specIgnore ?? '')];
  if (!patterns.length) return () => false;
  const matcher = ignore({ allowRelativePaths: true }).add(patterns);
  return (key) => {
    try {
      return matcher.ignores(key.replace(/^\/+/, ''));
    } catch {
      return false;
    }
  };
}

export interface BucketIndex {
  /** key → ETag */
  index: Map<string, string>;
  revision: string;
  /** The stored artifact is this revision and still in storage. */
  unchanged: boolean;
}

const cause = (err: unknown): string => (err instanceof S3Error ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err));
const bucketFailure = (message: string, err?: unknown): TransientError =>
  new TransientError(SourceReasons.BucketOperationFailed, err === undefined ? message : `${message}: ${cause(err)}`, err === undefined ? {} : { cause: err });

/** Step 1: the index and its revision. */
export async function indexBucket(obj: Bucket, client: S3Client, storage: ArtifactStorage): Promise<BucketIndex> {
  const name = obj.spec.bucketName;
  let exists: boolean;
  try {
    exists = await client.bucketExists(name);
  } catch (err) {
    throw bucketFailure(`failed to confirm existence of '${name}' bucket`, err);
  }
  if (!exists) throw bucketFailure(`bucket '${name}' not found`);
  let sourceignore: string | undefined;
  try {
    sourceignore = (await client.getObject(name, IGNORE_FILE)).body.toString('utf8');
  } catch (err) {
    if (!(err instanceof S3Error && err.code === 'NoSuchKey')) throw bucketFailure(`failed to get Etag for '${IGNORE_FILE}' object`, err);
  }
  const ignored = bucketIgnore(sourceignore, obj.spec.ignore);
  const index = new Map<string, string>();
  try {
    for await (const o of client.listObjects(name, obj.spec.prefix ?? '')) {
      if (o.key.endsWith('/') || o.key === IGNORE_FILE || ignored(o.key)) continue;
      index.set(o.key, o.etag);
    }
  } catch (err) {
    throw bucketFailure(`indexation of objects from bucket '${name}' failed: listing objects from bucket '${name}' failed`, err);
  }
  const revision = indexDigest(index);
  const stored = obj.status?.artifact;
  const unchanged = stored?.revision === revision && (await storage.exists(stored));
  return { index, revision, unchanged };
}

/** A key as a path inside the artifact: `.`/`..` segments resolved without leaving the root (as SecureJoin does). */
export function keyPath(key: string): string {
  return path.posix.normalize(`/${key}`).replace(/^\/+/, '');
}

export interface DownloadedObjects {
  files: TarFile[];
  /** The index after the download (objects gone removed, changed ETags updated). */
  index: Map<string, string>;
  revision: string;
}

/** Step 2: every indexed object's bytes. */
export async function downloadBucket(obj: Bucket, listed: BucketIndex, client: S3Client): Promise<DownloadedObjects> {
  const name = obj.spec.bucketName;
  const index = new Map(listed.index);
  const files = new Map<string, TarFile>();
  const keys = [...listed.index.keys()];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < keys.length) {
      const key = keys[next++] as string;
      let got: { body: Buffer; etag: string };
      try {
        got = await client.getObject(name, key);
      } catch (err) {
        if (err instanceof S3Error && err.code === 'NoSuchKey') {
          index.delete(key);
          continue;
        }
        throw bucketFailure(`fetch from bucket '${name}' failed: failed to get '${key}' object`, err);
      }
      if (got.etag && got.etag !== listed.index.get(key)) index.set(key, got.etag);
      const p = keyPath(key);
      if (p) files.set(p, { path: p, content: got.body });
    }
  };
  await Promise.all(Array.from({ length: Math.min(FETCH_CONCURRENCY, keys.length) }, worker));
  return { files: [...files.values()], index, revision: indexDigest(index) };
}

export interface StoredBucketArtifact {
  artifact: Artifact;
  files: number;
}

/** Step 3: archive into storage; seed the consumers' cache. */
export async function storeBucketArtifact(obj: Bucket, downloaded: DownloadedObjects, deps: BucketSourceDeps): Promise<StoredBucketArtifact> {
  const ns = obj.metadata.namespace ?? 'default';
  const { bytes } = tarGz(downloaded.files);
  let artifact: Artifact;
  try {
    artifact = await deps.storage.store('Bucket', ns, obj.metadata.name, `${downloaded.revision.replace(/^sha256:/, '')}.tar.gz`, bytes, downloaded.revision);
  } catch (err) {
    throw new TransientError(SourceReasons.ArchiveOperationFailed, `unable to archive artifact to storage: ${(err as Error).message}`, { cause: err });
  }
  deps.artifacts?.put(artifact, downloaded.files);
  return { artifact, files: downloaded.files.length };
}
