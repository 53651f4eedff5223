/**
 * source-controller's OCIRepository pipeline, in three steps the machine can see:
 *
 * 1. `checkOciRemote`: pick the reference (digest > semver > tag, default `latest`) and ask the
 *    registry for its digest with one HEAD — nothing is pulled when the digest, the ignore rules
 *    and the layer selector are what the stored artifact was made from.
 * 2. `pullOciArtifact`: the manifest by digest, the selected layer (first one, or the first of
 *    `layerSelector.mediaType`), digests checked.
 * 3. `storeOciArtifact`: `extract` unpacks the layer (links skipped, unsafe paths refused),
 *    applies `.sourceignore` and `spec.ignore`, and archives it deterministically; `copy` stores
 *    the layer as it came. Revision `<tag>@sha256:<hex>` (or the bare digest for a digest
 *    reference), path `ocirepository/<ns>/<name>/<hex>.tar.gz`, the manifest's annotations as
 *    the artifact's metadata.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tarLib from 'tar';
import semver from 'semver';
import { StalledError, TransientError } from '../api/errors.js';
import type { Artifact } from '../api/kinds/common.js';
import type { OCILayerSelector, OCIRepository } from '../api/kinds/oci-repository.js';
import { parseDuration } from '../api/duration.js';
import { SourceReasons } from '../api/reasons.js';
import { isCompatibleRange } from '../helm/chart/semver.js';
import type { ArtifactCache } from './artifact/cache.js';
import type { ArtifactStorage } from './artifact/storage.js';
import { unsafeEntry } from './artifact/extract.js';
import type { TarFile } from './artifact/tarball.js';
import { tarGz } from './artifact/tarball.js';
import type { HttpCredentials } from './helm/http.js';
import { HELM_CHART_LAYER, tagToVersion } from './helm/oci.js';
import { ignoreRules } from './ignore.js';
import type { Manifest, OciRepositoryRef } from './oci/registry.js';
import { OciError, RegistryClient, parseOciUrl } from './oci/registry.js';

export interface OciSourceDeps {
  storage: ArtifactStorage;
  /** Unpacked artifacts shared with consumers: the source seeds it with what it archived. */
  artifacts?: ArtifactCache;
  /** URL overrides keyed by `namespace/name` or by URL (`fluxion sim --source`). */
  overrides?: Record<string, string>;
}

export interface OciCheck {
  ref: OciRepositoryRef;
  /** The tag resolved (absent for a digest reference). */
  tag?: string;
  digest: string;
  revision: string;
  /** The stored artifact is this revision, made with the same ignore rules and layer selector. */
  unchanged: boolean;
}

export const OCI_LAYER_OPERATIONS = ['extract', 'copy'] as const;

/** The URL the object is fetched from: `spec.url`, unless the simulator overrides it. */
export function effectiveOciUrl(obj: OCIRepository, overrides: Record<string, string> | undefined): string {
  const url = obj.spec.url;
  return overrides?.[`${obj.metadata.namespace ?? 'default'}/${obj.metadata.name}`] ?? overrides?.[url] ?? overrides?.[url.replace(/\/+$/, '')] ?? url;
}

/** A reconcile's registry client for the object (URL checked: a bad one stalls, it will not fix itself). */
export function ociClient(obj: OCIRepository, credentials: HttpCredentials | undefined, deps: Pick<OciSourceDeps, 'overrides'>): RegistryClient {
  const url = effectiveOciUrl(obj, deps.overrides);
  let ref: OciRepositoryRef;
  try {
    ref = parseOciUrl(url, { plainHttp: obj.spec.insecure === true });
  } catch (err) {
    throw new StalledError(SourceReasons.URLInvalid, `URL validation failed for '${obj.spec.url}': ${(err as Error).message}`);
  }
  return new RegistryClient(ref, { ...(credentials ? { credentials } : {}), timeoutMs: parseDuration(obj.spec.timeout ?? '60s') });
}

/** fluxcd/pkg/version: a tag is a version when it is strict semver after an optional `v`. */
function tagVersion(tag: string, mediaType: string | undefined): string | undefined {
  const candidate = mediaType === HELM_CHART_LAYER ? tagToVersion(tag) : tag;
  return semver.valid(candidate.replace(/^v/, '')) ?? undefined;
}

/**
 * The tag a semver range picks among `tags`: only tags the filter (a regular expression) matches
 * are considered; the highest version satisfying the range wins; pre-releases only when the
 * range names one (Masterminds' rule).
 */
export function selectSemverTag(tags: readonly string[], range: string, filter: string | undefined, mediaType?: string): string | undefined {
  const re = filter ? new RegExp(filter) : undefined;
  let best: { tag: string; version: string } | undefined;
  for (const tag of tags) {
    if (re && !re.test(tag)) continue;
    const version = tagVersion(tag, mediaType);
    if (!version || !isCompatibleRange(range, version)) continue;
    if (!best || semver.compare(version, best.version) > 0) best = { tag, version };
  }
  return best?.tag;
}

function sameSelector(a: OCILayerSelector | undefined, b: OCILayerSelector | undefined): boolean {
  return (a?.mediaType ?? '') === (b?.mediaType ?? '') && (a?.operation ?? 'extract') === (b?.operation ?? 'extract');
}

/** The content settings the stored artifact was made with still hold (ignore rules, layer selector). */
export function contentConfigUnchanged(obj: OCIRepository): boolean {
  const st = obj.status ?? {};
  return (st.observedIgnore ?? undefined) === (obj.spec.ignore ?? undefined) && sameSelector(st.observedLayerSelector, obj.spec.layerSelector);
}

const registryFailure = (what: string, err: unknown, reason: string): TransientError =>
  new TransientError(reason, `${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });

/** Step 1: which digest the reference names now, and whether the stored artifact already is it. */
export async function checkOciRemote(obj: OCIRepository, client: RegistryClient, storage: ArtifactStorage): Promise<OciCheck> {
  const ref = obj.spec.ref ?? {};
  const mediaType = obj.spec.layerSelector?.mediaType;
  let tag: string | undefined;
  let digest: string;
  if (ref.digest) {
    digest = ref.digest;
  } else {
    if (ref.semver) {
      let tags: string[];
      try {
        tags = await client.listTags();
      } catch (err) {
        throw registryFailure(`failed to determine the artifact tag for '${obj.spec.url}'`, err, SourceReasons.ReadOperationFailed);
      }
      tag = selectSemverTag(tags, ref.semver, ref.semverFilter, mediaType);
      if (!tag) throw new TransientError(SourceReasons.ReadOperationFailed, `failed to determine the artifact tag for '${obj.spec.url}': no match found for semver: ${ref.semver}`);
    } else {
      tag = ref.tag || 'latest';
    }
    try {
      digest = await client.resolve(tag);
    } catch (err) {
      throw registryFailure('failed to determine artifact digest', err, SourceReasons.OCIArtifactPullFailed);
    }
  }
  const revision = tag ? `${tag}@${digest}` : digest;
  const stored = obj.status?.artifact;
  const unchanged = stored?.revision === revision && contentConfigUnchanged(obj) && (await storage.exists(stored));
  return { ref: client.ref, ...(tag ? { tag } : {}), digest, revision, unchanged };
}

export interface PulledLayer {
  manifest: Manifest;
  layer: Buffer;
  mediaType: string;
}

/** Step 2: the manifest by digest and the selected layer. */
export async function pullOciArtifact(obj: OCIRepository, check: OciCheck, client: RegistryClient): Promise<PulledLayer> {
  let manifest: Manifest;
  try {
    manifest = await client.manifest(check.digest);
  } catch (err) {
    throw registryFailure(`failed to pull artifact from '${obj.spec.url}'`, err, SourceReasons.OCIArtifactPullFailed);
  }
  if (!manifest.layers.length) throw new TransientError(SourceReasons.OCIArtifactLayerOperationFailed, `no layers found in artifact ${check.revision}`);
  const wanted = obj.spec.layerSelector?.mediaType;
  const layer = wanted ? manifest.layers.find((l) => l.mediaType === wanted) : manifest.layers[0];
  if (!layer) throw new TransientError(SourceReasons.OCIArtifactLayerOperationFailed, `failed to find layer with media type '${wanted}' in artifact`);
  try {
    return { manifest, layer: await client.blob(layer.digest), mediaType: layer.mediaType };
  } catch (err) {
    throw registryFailure(`failed to pull artifact from '${obj.spec.url}'`, err, SourceReasons.OCIArtifactPullFailed);
  }
}

/**
 * The regular files of a gzipped tar layer. Links are skipped (as Flux's untar skips them),
 * entries reaching outside the root are refused, `./` prefixes dropped; a later entry of the
 * same path replaces an earlier one, as extraction over a directory would.
 */
export async function layerFiles(layer: Buffer): Promise<TarFile[]> {
  const files = new Map<string, TarFile>();
  // A throw inside the parser's callback would escape the pipeline: the first refusal is kept
  // and reported once the archive has been read.
  let refusal: string | undefined;
  try {
    await pipeline(
      Readable.from(layer),
      new tarLib.Parser({
        strict: true,
        onReadEntry: (entry) => {
          if (entry.type === 'SymbolicLink' || entry.type === 'Link' || entry.type === 'Directory' || refusal) {
            entry.resume();
            return;
          }
          refusal = unsafeEntry(entry.path, entry.type);
          if (refusal) {
            entry.resume();
            return;
          }
          const path = entry.path.replace(/^(\.\/)+/, '');
          const chunks: Buffer[] = [];
          entry.on('data', (c: Buffer) => chunks.push(c));
          entry.on('end', () => files.set(path, { path, content: Buffer.concat(chunks), executable: ((entry.mode ?? 0) & 0o111) !== 0 }));
        },
      }),
    );
    if (refusal) throw new OciError(refusal);
  } catch (err) {
    throw new TransientError(SourceReasons.OCIArtifactLayerOperationFailed, `failed to extract layer contents from artifact: ${(err as Error).message}`, { cause: err });
  }
  return [...files.values()];
}

export interface StoredOciArtifact {
  artifact: Artifact;
  files: number;
}

/** Step 3: extract and archive (or copy) the layer into storage; seed the consumers' cache. */
export async function storeOciArtifact(obj: OCIRepository, check: OciCheck, pulled: PulledLayer, deps: OciSourceDeps): Promise<StoredOciArtifact> {
  const ns = obj.metadata.namespace ?? 'default';
  const file = `${check.digest.replace(/^sha256:/, '')}.tar.gz`;
  const operation = obj.spec.layerSelector?.operation ?? 'extract';
  let bytes: Buffer;
  let files: TarFile[] | undefined;
  if (operation === 'copy') {
    bytes = pulled.layer;
  } else {
    const all = await layerFiles(pulled.layer);
    const sourceignores = new Map<string, string>();
    for (const f of all) if (f.path === '.sourceignore' || f.path.endsWith('/.sourceignore')) sourceignores.set(f.path.includes('/') ? f.path.slice(0, f.path.lastIndexOf('/')) : '', Buffer.from(f.content).toString('utf8'));
    const rules = ignoreRules(sourceignores, obj.spec.ignore);
    files = all.filter((f) => !rules.ignores(f.path));
    bytes = tarGz(files).bytes;
  }
  let artifact: Artifact;
  try {
    artifact = await deps.storage.store('OCIRepository', ns, obj.metadata.name, file, bytes, check.revision);
  } catch (err) {
    throw new TransientError(SourceReasons.StorageOperationFailed, `unable to archive artifact to storage: ${(err as Error).message}`, { cause: err });
  }
  if (Object.keys(pulled.manifest.annotations).length) artifact.metadata = { ...pulled.manifest.annotations };
  if (files) deps.artifacts?.put(artifact, files);
  return { artifact, files: files?.length ?? -1 };
}
