/**
 * source-controller's HelmRepository (`type: default`), as the two steps its machine runs:
 *
 * 1. `fetchIndex` downloads `index.yaml` (basic auth, TLS, timeout), checks it loads as Helm
 *    loads it, and computes its digest; when the digest is the stored artifact's revision the
 *    run ends there.
 * 2. `storeArtifact` stores the index as `helmrepository/<ns>/<name>/index-<hex>.yaml`.
 *
 * Credentials arrive as values; this module never sees the cluster.
 */
import { createHash } from 'node:crypto';
import { TransientError } from '../api/errors.js';
import type { Artifact } from '../api/kinds/common.js';
import type { HelmRepository } from '../api/kinds/helm-repository.js';
import { parseDuration } from '../api/duration.js';
import { SourceReasons } from '../api/reasons.js';
import type { ArtifactStorage } from './artifact/storage.js';
import { HttpStatusError, httpGet } from './helm/http.js';
import type { HttpCredentials } from './helm/http.js';
import { IndexError, parseIndex } from './helm/index-file.js';
import type { HelmIndex } from './helm/index-file.js';

export interface FetchedIndex {
  bytes: Buffer;
  index: HelmIndex;
  /** `sha256:<hex>` of the index as fetched. */
  revision: string;
}

/** The repository's index URL: `<url>/index.yaml`. */
export const indexUrl = (url: string): string => `${url.replace(/\/+$/, '')}/index.yaml`;

/**
 * Where the repository is fetched from: `spec.url`, unless an override names it (by
 * `namespace/name` or by URL) — how the simulator serves internet repositories from local copies.
 */
export function effectiveHelmUrl(repo: HelmRepository, overrides: Record<string, string> | undefined): string {
  return overrides?.[`${repo.metadata.namespace ?? 'default'}/${repo.metadata.name}`] ?? overrides?.[repo.spec.url] ?? overrides?.[repo.spec.url.replace(/\/+$/, '')] ?? repo.spec.url;
}

export async function fetchHelmIndex(repo: HelmRepository, credentials: HttpCredentials | undefined, overrides?: Record<string, string>): Promise<FetchedIndex> {
  const url = indexUrl(effectiveHelmUrl(repo, overrides));
  let bytes: Buffer;
  try {
    bytes = await httpGet(url, { ...(credentials ? { credentials } : {}), timeoutMs: parseDuration(repo.spec.timeout ?? '60s'), maxBytes: 50 * 1024 * 1024 });
  } catch (err) {
    const reason = err instanceof HttpStatusError && (err.status === 401 || err.status === 403) ? SourceReasons.AuthenticationFailed : SourceReasons.IndexationFailed;
    throw new TransientError(reason, `failed to fetch Helm repository index: ${(err as Error).message}`, { cause: err });
  }
  let index: HelmIndex;
  try {
    index = parseIndex(bytes);
  } catch (err) {
    throw new TransientError(SourceReasons.IndexationFailed, `failed to load Helm repository index ${url}: ${err instanceof IndexError ? err.message : String(err)}`, { cause: err });
  }
  return { bytes, index, revision: `sha256:${createHash('sha256').update(bytes).digest('hex')}` };
}

export async function storeHelmIndex(repo: HelmRepository, fetched: FetchedIndex, storage: ArtifactStorage): Promise<Artifact> {
  const hex = fetched.revision.slice('sha256:'.length);
  try {
    return await storage.store('HelmRepository', repo.metadata.namespace ?? 'default', repo.metadata.name, `index-${hex}.yaml`, fetched.bytes, fetched.revision);
  } catch (err) {
    throw new TransientError(SourceReasons.StorageOperationFailed, `unable to store the Helm repository index: ${(err as Error).message}`, { cause: err });
  }
}
