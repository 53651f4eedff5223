/**
 * source-controller's GitRepository, as three steps the GitRepository machine runs:
 *
 * 1. `checkRemote` asks the remote (or the local repository) which commit the ref names; when
 *    that commit, the ignore rules and the includes are what the stored artifact was made from,
 *    the run ends there — no clone, no tarball.
 * 2. `fetch` brings the commit into a per-object cache of Git objects, fetching only what is
 *    missing (shallow where the ref allows).
 * 3. `storeArtifact` reads the commit's tree from the object store, applies `.sourceignore` /
 *    `spec.ignore`, merges included repositories' artifacts, writes a deterministic tar.gz and
 *    garbage-collects older ones.
 *
 * Credentials arrive as values; this module never sees the cluster.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tarLib from 'tar';
import type { Clock } from '../api/clock.js';
import { StalledError, TransientError, WaitingError } from '../api/errors.js';
import type { Artifact } from '../api/kinds/common.js';
import type { GitRepository, GitRepositoryInclude } from '../api/kinds/git-repository.js';
import { effectiveGitRef } from '../api/kinds/git-repository.js';
import { parseDuration } from '../api/duration.js';
import { SourceReasons } from '../api/reasons.js';
import type { ArtifactCache } from './artifact/cache.js';
import type { ArtifactStorage } from './artifact/storage.js';
import type { TarFile } from './artifact/tarball.js';
import { tarGz } from './artifact/tarball.js';
import { unsafeEntry } from './artifact/extract.js';
import { fetchIntoCache, listLocalRefs, localGitdir } from './git/checkout.js';
import { ObjectStore } from './git/object-store.js';
import type { PackCache } from './git/object-store.js';
import { gitError, redact } from './git/errors.js';
import { httpClient } from './git/http-client.js';
import type { Credentials, ResolvedRef } from './git/refs.js';
import { listRemoteRefs, resolveRef } from './git/refs.js';
import { ignoreRules } from './ignore.js';

export interface GitSourceDeps {
  storage: ArtifactStorage;
  /**
   * Fetch from somewhere else than spec.url: keyed by `namespace/name` or by the URL; values are
   * URLs, `file://` URLs or local paths (the simulator maps internet remotes to local copies).
   */
  overrides?: Record<string, string>;
  /** Where per-object caches of fetched Git objects live. */
  cacheRoot: string;
  clock: Clock;
  /** Seeded with every artifact made, so its consumers never extract it. */
  artifacts?: ArtifactCache;
  /** Parsed packfiles kept across reconciles: a fetch adds one pack, and only that one is read. */
  packs?: PackCache;
}


/** An included GitRepository's artifact, as its status has it. */
export interface IncludeSource {
  include: GitRepositoryInclude;
  artifact: Artifact | undefined;
}

export interface Location {
  kind: 'remote' | 'local-git' | 'local-dir';
  url: string;
  /** For local sources: the directory or git dir on disk. */
  path?: string;
}

export interface CheckResult {
  location: Location;
  resolved: ResolvedRef | undefined;
  revision: string;
  unchanged: boolean;
}

const SSH_MESSAGE =
  'SSH URLs are not supported: fluxion fetches with isomorphic-git, which has no SSH transport; use the https:// URL of the repository with spec.secretRef holding username/password or bearerToken';

export function locate(url: string): Location {
  if (url.startsWith('ssh://')) throw new StalledError(SourceReasons.URLInvalid, SSH_MESSAGE);
  if (url.startsWith('file://')) return { kind: 'local-dir', url, path: decodeURIComponent(new URL(url).pathname) };
  if (url.startsWith('/')) return { kind: 'local-dir', url, path: url };
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`unsupported scheme ${u.protocol}`);
  } catch (err) {
    throw new StalledError(SourceReasons.URLInvalid, `invalid repository URL '${redact(url)}': ${(err as Error).message}`);
  }
  return { kind: 'remote', url };
}

function deadlineOf(obj: GitRepository): { deadline: number; timeoutMs: number } {
  const timeoutMs = parseDuration(obj.spec.timeout ?? '60s');
  return { deadline: Date.now() + timeoutMs, timeoutMs };
}

const sameIncludes = (a: GitRepositoryInclude[] | undefined, b: GitRepositoryInclude[] | undefined): boolean => JSON.stringify(a ?? []) === JSON.stringify(b ?? []);

/** Step 1: which revision does the ref name now, and is the stored artifact already made from it? */
/** The URL to fetch from: an override for this object or its URL, else spec.url. */
export function effectiveUrl(obj: GitRepository, overrides: Record<string, string> | undefined): string {
  if (!overrides) return obj.spec.url;
  return overrides[`${obj.metadata.namespace ?? 'default'}/${obj.metadata.name}`] ?? overrides[obj.spec.url] ?? obj.spec.url;
}

export async function checkGitRemote(obj: GitRepository, creds: Credentials | undefined, includes: IncludeSource[], deps: GitSourceDeps): Promise<CheckResult> {
  let location = locate(effectiveUrl(obj, deps.overrides));
  let resolved: ResolvedRef | undefined;
  const ref = effectiveGitRef(obj.spec);
  if (location.kind === 'remote') {
    const { deadline, timeoutMs } = deadlineOf(obj);
    try {
      const refs = await listRemoteRefs(location.url, httpClient(deadline, timeoutMs), creds);
      resolved = resolveRef(ref, refs);
    } catch (err) {
      if (err instanceof TransientError || err instanceof StalledError) throw err;
      throw gitError(err, location.url, 'list references of');
    }
  } else {
    const dir = location.path as string;
    const exists = await stat(dir).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!exists) throw new TransientError(SourceReasons.GitOperationFailed, `local repository path '${dir}' does not exist`);
    // file:// reads a repository's commits; a plain path reads the files as they are on disk
    // (a working tree with uncommitted changes, or any directory).
    const gitdir = location.url.startsWith('file://') ? await localGitdir(dir) : undefined;
    if (gitdir) {
      location = { kind: 'local-git', url: location.url, path: gitdir };
      resolved = resolveRef(ref, await listLocalRefs(gitdir));
    }
  }
  for (const inc of includes) {
    if (!inc.artifact) {
      throw new WaitingError('IncludeUnavailable', `included GitRepository '${inc.include.repository.name}' has no artifact yet`, 30_000);
    }
  }
  const stored = obj.status?.artifact;
  const includedBefore = (obj.status?.includedArtifacts ?? []).map((a) => a.revision);
  const includedNow = includes.map((i) => i.artifact?.revision);
  const unchanged =
    resolved !== undefined &&
    stored !== undefined &&
    stored.revision === resolved.revision &&
    (obj.status?.observedIgnore ?? undefined) === (obj.spec.ignore ?? undefined) &&
    sameIncludes(obj.status?.observedInclude, obj.spec.include) &&
    JSON.stringify(includedBefore) === JSON.stringify(includedNow) &&
    (await deps.storage.exists(stored));
  return { location, resolved, revision: resolved?.revision ?? '', unchanged };
}

/** Step 2: the commit's objects are in the local cache (fetched incrementally when needed). */
export async function fetchGitSource(obj: GitRepository, check: CheckResult, creds: Credentials | undefined, deps: GitSourceDeps): Promise<{ gitdir: string | undefined; fetched: boolean }> {
  if (check.location.kind === 'local-git') return { gitdir: check.location.path, fetched: false };
  if (check.location.kind === 'local-dir') return { gitdir: undefined, fetched: false };
  const gitdir = path.join(deps.cacheRoot, obj.metadata.namespace ?? 'default', obj.metadata.name);
  const { deadline, timeoutMs } = deadlineOf(obj);
  try {
    const fetched = await fetchIntoCache({ gitdir, url: check.location.url, ref: check.resolved as ResolvedRef, http: httpClient(deadline, timeoutMs), ...(creds ? { creds } : {}), cache: {} });
    return { gitdir, fetched };
  } catch (err) {
    throw gitError(err, check.location.url, 'fetch');
  }
}

async function walkDir(root: string): Promise<{ path: string; abs: string; executable: boolean }[]> {
  const out: { path: string; abs: string; executable: boolean }[] = [];
  const visit = async (dir: string, prefix: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (e.name !== '.git') await visit(path.join(dir, e.name), rel);
      } else if (e.isFile()) {
        const st = await stat(path.join(dir, e.name));
        out.push({ path: rel, abs: path.join(dir, e.name), executable: (st.mode & 0o111) !== 0 });
      }
    }
  };
  await visit(root, '');
  return out;
}

/** The files of an artifact tarball, in memory (for `include`). */
export async function readArchive(bytes: Buffer): Promise<TarFile[]> {
  const files: TarFile[] = [];
  // A throw inside the parser's callback would escape the pipeline: keep the first refusal.
  let refusal: string | undefined;
  await pipeline(
    Readable.from(bytes),
    new tarLib.Parser({
      onReadEntry: (entry) => {
        refusal ??= unsafeEntry(entry.path, entry.type);
        if (refusal || (entry.type !== 'File' && entry.type !== 'OldFile')) {
          entry.resume();
          return;
        }
        const chunks: Buffer[] = [];
        entry.on('data', (c: Buffer) => chunks.push(c));
        entry.on('end', () => files.push({ path: entry.path, content: Buffer.concat(chunks), executable: ((entry.mode ?? 0) & 0o111) !== 0 }));
      },
    }),
  );
  if (refusal) throw new TransientError(SourceReasons.ArchiveOperationFailed, refusal);
  return files;
}

export interface StoredSource {
  artifact: Artifact;
  includedArtifacts: Artifact[];
  files: number;
}

/** Step 3: tree → ignore rules → includes → deterministic tar.gz → storage (+ garbage collection). */
export async function storeGitArtifact(obj: GitRepository, check: CheckResult, gitdir: string | undefined, includes: IncludeSource[], deps: GitSourceDeps): Promise<StoredSource> {
  let entries: { path: string; executable: boolean; read: () => Promise<Uint8Array> }[];
  if (gitdir && check.resolved) {
    const store = await ObjectStore.open(gitdir, deps.packs);
    const tree = await store.listTree(check.resolved.commit);
    entries = tree.map((f) => ({ path: f.path, executable: f.executable, read: async () => (await store.read(f.oid)).data }));
  } else {
    const dir = check.location.path as string;
    entries = (await walkDir(dir)).map((f) => ({ path: f.path, executable: f.executable, read: () => readFile(f.abs) }));
  }
  const sourceignores = new Map<string, string>();
  for (const e of entries) {
    if (e.path === '.sourceignore' || e.path.endsWith('/.sourceignore')) {
      sourceignores.set(e.path.includes('/') ? e.path.slice(0, e.path.lastIndexOf('/')) : '', Buffer.from(await e.read()).toString('utf8'));
    }
  }
  const rules = ignoreRules(sourceignores, obj.spec.ignore);
  const files: TarFile[] = [];
  for (const e of entries) {
    if (rules.ignores(e.path)) continue;
    files.push({ path: e.path, content: await e.read(), executable: e.executable });
  }
  // Included repositories land under toPath (default: their name), replacing what was there.
  for (const inc of includes) {
    const art = inc.artifact as Artifact;
    const from = (inc.include.fromPath ?? '').replace(/^\.?\/+|\/+$/g, '');
    const to = (inc.include.toPath ?? inc.include.repository.name).replace(/^\.?\/+|\/+$/g, '');
    if (to.split('/').includes('..') || from.split('/').includes('..')) throw new StalledError('IncludeUnavailable', `include of '${inc.include.repository.name}': fromPath and toPath must stay inside the repository`);
    const incoming = await readArchive(await deps.storage.read(art));
    const kept = files.filter((f) => !(to === '' || f.path === to || f.path.startsWith(`${to}/`)));
    files.length = 0;
    files.push(...kept);
    for (const f of incoming) {
      if (from && f.path !== from && !f.path.startsWith(`${from}/`)) continue;
      const rel = from ? f.path.slice(from.length).replace(/^\//, '') : f.path;
      files.push({ ...f, path: to ? `${to}/${rel}` : rel });
    }
  }
  const archive = tarGz(files);
  const commit = check.resolved?.commit;
  const revision = check.resolved ? check.resolved.revision : `sha256:${archive.digest.slice('sha256:'.length)}`;
  const name = commit ?? createHash('sha256').update(archive.bytes).digest('hex');
  let artifact: Artifact;
  try {
    artifact = await deps.storage.store('GitRepository', obj.metadata.namespace ?? 'default', obj.metadata.name, `${name}.tar.gz`, archive.bytes, revision);
  } catch (err) {
    throw new TransientError(SourceReasons.StorageOperationFailed, `failed to store the artifact: ${(err as Error).message}`, { cause: err });
  }
  deps.artifacts?.put(artifact, files);
  return { artifact, includedArtifacts: includes.map((i) => i.artifact as Artifact), files: files.length };
}
