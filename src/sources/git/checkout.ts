/**
 * Gets a commit's tree: from a per-source cache of fetched objects (a bare repository reused
 * between reconciles, fetched shallowly and incrementally), or straight from a repository on
 * local disk. Files are read from Git's object store without a checkout.
 */
import fs from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import git from 'isomorphic-git';
import type { HttpClient } from 'isomorphic-git';
import type { Credentials, ResolvedRef } from './refs.js';
import { authOptions } from './refs.js';

export interface TreeFile {
  path: string;
  oid: string;
  executable: boolean;
}

async function hasCommit(gitdir: string, oid: string, cache: object): Promise<boolean> {
  try {
    await git.readCommit({ fs, gitdir, oid, cache });
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes sure `ref.commit` is in the cache at `gitdir`, fetching only what is missing. Returns
 * whether a fetch happened.
 */
export async function fetchIntoCache(options: { gitdir: string; url: string; ref: ResolvedRef; http: HttpClient; creds?: Credentials; cache: object }): Promise<boolean> {
  const { gitdir, url, ref, http, cache } = options;
  const initialised = await stat(path.join(gitdir, 'HEAD')).then(
    () => true,
    () => false,
  );
  if (initialised && (await hasCommit(gitdir, ref.commit, cache))) return false;
  if (!initialised) {
    await rm(gitdir, { recursive: true, force: true });
    await mkdir(gitdir, { recursive: true });
    await git.init({ fs, gitdir, bare: true, defaultBranch: 'main' });
    await git.addRemote({ fs, gitdir, remote: 'origin', url });
    await git.setConfig({ fs, gitdir, path: 'remote.origin.fetch', value: '+refs/tags/*:refs/tags/*', append: true });
  } else {
    // The URL may have changed in the spec: always fetch from the current one.
    await git.setConfig({ fs, gitdir, path: 'remote.origin.url', value: url });
  }
  const auth = authOptions(options.creds);
  const remoteRef = ref.fetchRef && ref.fetchRef !== 'HEAD' ? ref.fetchRef : undefined;
  await git.fetch({
    fs,
    http,
    gitdir,
    remote: 'origin',
    ...(remoteRef ? { ref: remoteRef, remoteRef } : {}),
    singleBranch: true,
    tags: false,
    // A first fetch is shallow; later ones name what we have and bring only what is new (a
    // shallow client fetching without deepen keeps its boundary and gets just the new commits).
    ...(ref.needsHistory || initialised ? {} : { depth: 1 }),
    headers: auth.headers,
    ...(auth.onAuth ? { onAuth: auth.onAuth } : {}),
    cache,
  });
  if (!(await hasCommit(gitdir, ref.commit, cache))) throw new Error(`commit '${ref.commit}' not found after fetching ${ref.fetchRef ?? 'the default branch'}`);
  // isomorphic-git tells the server what we have from the local ref of the same name: keep it
  // pointing at what we fetched, so the next fetch transfers only new objects.
  if (remoteRef?.startsWith('refs/heads/')) await git.writeRef({ fs, gitdir, ref: remoteRef, value: ref.commit, force: true });
  return true;
}

/** Every regular file of a commit's tree (symlinks and submodules are left out). */
export async function listTree(gitdir: string, commit: string, cache: object): Promise<TreeFile[]> {
  const { commit: c } = await git.readCommit({ fs, gitdir, oid: commit, cache });
  const out: TreeFile[] = [];
  const walk = async (treeOid: string, prefix: string): Promise<void> => {
    const { tree } = await git.readTree({ fs, gitdir, oid: treeOid, cache });
    for (const entry of tree) {
      const p = prefix ? `${prefix}/${entry.path}` : entry.path;
      if (entry.type === 'tree') await walk(entry.oid, p);
      else if (entry.type === 'blob' && (entry.mode === '100644' || entry.mode === '100755')) out.push({ path: p, oid: entry.oid, executable: entry.mode === '100755' });
    }
  };
  await walk(c.tree, '');
  return out;
}

export async function readBlob(gitdir: string, oid: string, cache: object): Promise<Uint8Array> {
  return (await git.readBlob({ fs, gitdir, oid, cache })).blob;
}

/** The git directory of a local repository path (a working tree's `.git`, or a bare repository). */
export async function localGitdir(dir: string): Promise<string | undefined> {
  for (const candidate of [path.join(dir, '.git'), dir]) {
    const ok = await stat(path.join(candidate, 'HEAD')).then(
      (s) => s.isFile(),
      () => false,
    );
    const objects = await stat(path.join(candidate, 'objects')).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (ok && objects) return candidate;
  }
  return undefined;
}

/** Refs of a local repository in the same shape as a remote's advertisement. */
export async function listLocalRefs(gitdir: string): Promise<{ ref: string; oid: string; peeled?: string }[]> {
  const out: { ref: string; oid: string; peeled?: string }[] = [];
  for (const branch of await git.listBranches({ fs, gitdir })) out.push({ ref: `refs/heads/${branch}`, oid: await git.resolveRef({ fs, gitdir, ref: `refs/heads/${branch}` }) });
  for (const tag of await git.listTags({ fs, gitdir })) {
    const oid = await git.resolveRef({ fs, gitdir, ref: `refs/tags/${tag}` });
    let peeled: string | undefined;
    try {
      const t = await git.readTag({ fs, gitdir, oid });
      peeled = t.tag.object;
    } catch {
      peeled = undefined;
    }
    out.push({ ref: `refs/tags/${tag}`, oid, ...(peeled ? { peeled } : {}) });
  }
  try {
    out.push({ ref: 'HEAD', oid: await git.resolveRef({ fs, gitdir, ref: 'HEAD' }) });
  } catch {
    // an empty repository has no HEAD commit
  }
  return out;
}
