/**
 * Resolves a GitRepository `spec.ref` to a commit, asking the remote only for its refs (no
 * clone): that is what makes the no-change reconcile cheap. Precedence as Flux: commit > name >
 * semver > tag > branch. Revisions are written as Flux writes them: `main@sha1:<hex>`,
 * `v1.2.3@sha1:<hex>`, `refs/heads/main@sha1:<hex>`, `sha1:<hex>`.
 */
import git from 'isomorphic-git';
import type { HttpClient } from 'isomorphic-git';
import semver from 'semver';
import { StalledError, TransientError } from '../../api/errors.js';
import { SourceReasons } from '../../api/reasons.js';
import type { GitRepositoryRef } from '../../api/kinds/git-repository.js';

export interface RemoteRef {
  ref: string;
  oid: string;
  peeled?: string;
}

export interface ResolvedRef {
  commit: string;
  revision: string;
  /** The full ref to fetch (`refs/heads/main`, `refs/tags/v1`), or undefined for a bare commit. */
  fetchRef: string | undefined;
  /** A bare commit must be fetched with history (servers refuse unadvertised SHA-1 wants). */
  needsHistory: boolean;
}

export interface Credentials {
  username?: string;
  password?: string;
  bearerToken?: string;
}

export function authOptions(creds: Credentials | undefined): { headers: Record<string, string>; onAuth?: () => { username: string; password: string } } {
  if (creds?.bearerToken) return { headers: { Authorization: `Bearer ${creds.bearerToken}`, 'User-Agent': 'git/fluxion' } };
  if (creds?.username !== undefined || creds?.password !== undefined) {
    const username = creds.username ?? '';
    const password = creds.password ?? '';
    return { headers: { 'User-Agent': 'git/fluxion' }, onAuth: () => ({ username, password }) };
  }
  return { headers: { 'User-Agent': 'git/fluxion' } };
}

export async function listRemoteRefs(url: string, http: HttpClient, creds: Credentials | undefined): Promise<RemoteRef[]> {
  const auth = authOptions(creds);
  const refs = await git.listServerRefs({ http, url, protocolVersion: 2, peelTags: true, headers: auth.headers, ...(auth.onAuth ? { onAuth: auth.onAuth } : {}) });
  return refs.map((r) => ({ ref: r.ref, oid: r.oid, ...(r.peeled ? { peeled: r.peeled } : {}) }));
}

const short = (ref: string): string => ref.replace(/^refs\/(heads|tags)\//, '');

/** Picks the commit a ref spec names out of the refs a repository advertises. */
export function resolveRef(spec: GitRepositoryRef, refs: readonly RemoteRef[]): ResolvedRef {
  const byName = new Map(refs.map((r) => [r.ref, r]));
  const commitOf = (r: RemoteRef): string => r.peeled ?? r.oid;
  if (spec.commit) {
    const commit = spec.commit;
    if (spec.branch) {
      if (!byName.has(`refs/heads/${spec.branch}`)) throw notFound(`branch '${spec.branch}'`);
      return { commit, revision: `${spec.branch}@sha1:${commit}`, fetchRef: `refs/heads/${spec.branch}`, needsHistory: true };
    }
    const head = refs.find((r) => r.ref === 'HEAD');
    return { commit, revision: `sha1:${commit}`, fetchRef: head ? 'HEAD' : undefined, needsHistory: true };
  }
  if (spec.name) {
    const r = byName.get(spec.name);
    if (!r) throw notFound(`reference '${spec.name}'`);
    return { commit: commitOf(r), revision: `${spec.name}@sha1:${commitOf(r)}`, fetchRef: spec.name, needsHistory: false };
  }
  if (spec.semver) {
    const range = semver.validRange(spec.semver);
    if (!range) throw new StalledError(SourceReasons.GitOperationFailed, `spec.ref.semver: '${spec.semver}' is not a valid semver range`);
    let best: { version: string; ref: RemoteRef } | undefined;
    for (const r of refs) {
      if (!r.ref.startsWith('refs/tags/') || r.ref.endsWith('^{}')) continue;
      const v = semver.valid(short(r.ref));
      if (!v || !semver.satisfies(v, range)) continue;
      if (!best || semver.gt(v, best.version)) best = { version: v, ref: r };
    }
    if (!best) throw notFound(`no tag matching semver range '${spec.semver}'`, true);
    const tag = short(best.ref.ref);
    return { commit: commitOf(best.ref), revision: `${tag}@sha1:${commitOf(best.ref)}`, fetchRef: best.ref.ref, needsHistory: false };
  }
  if (spec.tag) {
    const r = byName.get(`refs/tags/${spec.tag}`);
    if (!r) throw notFound(`tag '${spec.tag}'`);
    return { commit: commitOf(r), revision: `${spec.tag}@sha1:${commitOf(r)}`, fetchRef: r.ref, needsHistory: false };
  }
  const branch = spec.branch ?? 'master';
  const r = byName.get(`refs/heads/${branch}`);
  if (!r) throw notFound(`branch '${branch}'`);
  return { commit: r.oid, revision: `${branch}@sha1:${r.oid}`, fetchRef: r.ref, needsHistory: false };
}

function notFound(what: string, plain = false): TransientError {
  return new TransientError(SourceReasons.GitOperationFailed, plain ? `${what} in the remote repository` : `${what} not found in the remote repository`);
}
