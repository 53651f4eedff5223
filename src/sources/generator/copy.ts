/**
 * An ArtifactGenerator's copy operations, as source-watcher applies them (`cp`-like), over
 * in-memory files: sources are trees by alias, the result is the artifact's files.
 *
 * - `from: "@alias/path"` without glob characters: a file is copied to `to` (into it when `to`
 *   ends with `/` or names a directory already staged); a directory is copied as a
 *   subdirectory of `to` (`@src/dir/` → `to/dir/…`; `@src/` copies the whole source into `to`).
 * - `from` with a glob (Go's `fs.Glob`, see glob.ts): each match goes under `to`, keeping its
 *   path — except for `prefix/**`, whose matches lose `prefix/`; a matched directory is copied
 *   whole. No match, or every match excluded, is an error.
 * - `exclude` (doublestar) is tried on paths relative to the source root and relative to the
 *   literal prefix of `from`; a pattern without `/` also matches the base name at any depth.
 * - `strategy: Merge` deep-merges a YAML file into one already staged (maps merged, lists
 *   replaced, as Helm merges values files); `Extract` unpacks `.tar.gz`/`.tgz` files into `to`.
 * - Operations run in order; a later one overwrites what an earlier one staged.
 */
import { parseAllDocuments, stringify } from 'yaml';
import { readArchive } from '../git-repository.js';
import { FileTree, GlobSyntaxError, byteOrder, checkStarPattern, goGlob, starGlobFiles, starMatch } from './glob.js';

export interface CopyOperation {
  from: string;
  to: string;
  exclude?: string[];
  strategy?: 'Overwrite' | 'Merge' | 'Extract';
}

/** A copy operation that cannot be applied; `message` reads as source-watcher's error. */
export class CopyError extends Error {
  /** Index of the failing operation in the list, once known. */
  index: number | undefined;
  constructor(message: string, index?: number) {
    super(message);
    this.name = 'CopyError';
    this.index = index;
  }
}

const GLOB_CHARS = /[*?[\]]/;

/** Go's `path.Clean` for relative paths; throws when the path climbs out of its root. */
export function cleanPath(p: string, what: string): string {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (!out.length) throw new CopyError(`${what} '${p}' escapes its root`);
      out.pop();
    } else out.push(seg);
  }
  return out.length ? out.join('/') : '.';
}

const join = (...parts: string[]): string => cleanPath(parts.filter((p) => p !== '').join('/'), 'path');
const base = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

/** `@alias/pattern` → its parts. */
export function parseFrom(from: string): { alias: string; pattern: string } {
  if (!from.startsWith('@')) throw new CopyError(`invalid copy source '${from}': source must start with '@'`);
  const slash = from.indexOf('/');
  if (slash < 0) throw new CopyError(`invalid copy source '${from}': source format must be '@alias/pattern'`);
  return { alias: from.slice(1, slash), pattern: from.slice(slash + 1) };
}

/** `@artifact/path` → the path inside the artifact (may be empty). */
export function parseTo(to: string): string {
  if (!to.startsWith('@artifact/')) throw new CopyError(`invalid copy destination '${to}': destination must start with '@artifact/'`);
  return to.slice('@artifact/'.length);
}

/** The literal directory prefix of a glob, before its first segment with glob characters. */
export function selectionRoot(pattern: string): string {
  const parts: string[] = [];
  for (const seg of cleanPath(pattern, 'pattern').split('/')) {
    if (GLOB_CHARS.test(seg)) break;
    parts.push(seg);
  }
  return parts.length ? cleanPath(parts.join('/'), 'pattern') : '.';
}

function excludedBy(p: string, patterns: readonly string[]): boolean {
  const name = base(p);
  return patterns.some((pat) => starMatch(pat, p) || (!pat.includes('/') && starMatch(pat, name)));
}

/** Whether `p` (source-root relative) is excluded, trying it also relative to `root`. */
export function isExcluded(p: string, root: string, patterns: readonly string[]): boolean {
  if (!patterns.length) return false;
  if (excludedBy(p, patterns)) return true;
  if (root === '.' || root === '') return false;
  if (!p.startsWith(`${root}/`)) return false;
  const rel = p.slice(root.length + 1);
  return rel !== p && excludedBy(rel, patterns);
}

const isTarball = (p: string): boolean => /\.(tar\.gz|tgz)$/i.test(p);

/** The artifact being staged: files, and the directories they imply. */
class Staging {
  readonly files = new Map<string, Buffer>();
  private readonly dirs = new Map<string, number>();

  isDir(p: string): boolean {
    return p === '.' || (this.dirs.get(p) ?? 0) > 0;
  }

  write(p: string, content: Buffer): void {
    if (this.isDir(p)) throw new CopyError(`'${p}' is a directory in the artifact`);
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (this.files.has(dir)) throw new CopyError(`'${dir}' is a file in the artifact, not a directory`);
    }
    if (!this.files.has(p)) for (let i = 1; i < parts.length; i++) this.dirs.set(parts.slice(0, i).join('/'), (this.dirs.get(parts.slice(0, i).join('/')) ?? 0) + 1);
    this.files.set(p, content);
  }
}

/** Merges YAML documents into one map; a non-map document is an error. */
function loadYaml(content: Buffer, what: string): Record<string, unknown> {
  let out: Record<string, unknown> = {};
  for (const doc of parseAllDocuments(content.toString('utf8'))) {
    if (doc.errors.length) throw new CopyError(`cannot unmarshal YAML document ${what}: ${doc.errors[0]?.message ?? ''}`);
    const value = doc.toJS() as unknown;
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) throw new CopyError(`cannot unmarshal YAML document ${what}: not a map`);
    out = mergeMaps(out, value as Record<string, unknown>);
  }
  return out;
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep merge: `overlay` wins, maps merge recursively, lists are replaced whole. */
export function mergeMaps(base: Record<string, unknown>, overlay: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(overlay)) {
    const b = out[k];
    out[k] = isMap(v) && isMap(b) ? mergeMaps(b, v) : v;
  }
  return out;
}

/** Keys sorted, as sigs.k8s.io/yaml writes them. */
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isMap(v)) return v;
  return Object.fromEntries(Object.keys(v).sort(byteOrder).map((k) => [k, sortKeys(v[k])]));
}

/** Applies one operation; errors read as source-watcher's. */
async function applyOne(op: CopyOperation, sources: ReadonlyMap<string, FileTree>, staging: Staging): Promise<void> {
  const { alias, pattern } = parseFrom(op.from);
  const dest = parseTo(op.to);
  const tree = sources.get(alias);
  if (!tree) throw new CopyError(`source alias '${alias}' not found`);
  const exclude = op.exclude ?? [];
  for (const p of exclude) {
    try {
      checkStarPattern(p);
    } catch {
      throw new CopyError(`invalid exclude pattern '${p}'`);
    }
  }
  const destDir = dest === '' ? '.' : cleanPath(dest, 'destination');
  const strategy = op.strategy ?? 'Overwrite';

  const extract = async (src: string, to: string): Promise<void> => {
    let entries;
    try {
      entries = await readArchive(tree.files.get(src) as Buffer);
    } catch (err) {
      throw new CopyError(`failed to extract tarball '${src}' to '${to}': ${(err as Error).message}`);
    }
    for (const e of entries) {
      const rel = cleanPath(e.path.replace(/^\.\//, ''), 'tarball entry');
      if (rel !== '.') staging.write(join(to, rel), Buffer.from(e.content));
    }
  };

  /** A file to a destination path: merged into a staged YAML file with `Merge`, else written. */
  const copyFile = (src: string, to: string): void => {
    const content = tree.files.get(src) as Buffer;
    if (strategy === 'Merge' && staging.files.has(to)) {
      const merged = mergeMaps(loadYaml(staging.files.get(to) as Buffer, `'${to}'`), loadYaml(content, `'${src}'`));
      staging.write(to, Buffer.from(stringify(sortKeys(merged), { lineWidth: 0 })));
      return;
    }
    staging.write(to, content);
  };

  /** A directory's files under `to`, skipping excluded files and those under excluded directories. */
  const copyDir = (src: string, to: string, excludeRoot: string): void => {
    for (const file of tree.filesUnder(src)) {
      const rel = src === '.' ? file : file.slice(src.length + 1);
      const parts = rel.split('/');
      let skip = false;
      for (let i = 1; i <= parts.length && !skip; i++) skip = isExcluded(src === '.' ? parts.slice(0, i).join('/') : `${src}/${parts.slice(0, i).join('/')}`, excludeRoot, exclude);
      if (!skip) staging.write(join(to, rel), tree.files.get(file) as Buffer);
    }
  };

  if (!GLOB_CHARS.test(pattern)) {
    const src = cleanPath(pattern, 'source');
    if (!tree.isFile(src) && !tree.isDir(src)) throw new CopyError(`source '${src}' does not exist`);
    if (tree.isDir(src)) {
      if (strategy === 'Extract') throw new CopyError(`extract strategy is not supported for directories, got '${src}'`);
      copyDir(src, join(destDir, src === '.' ? '' : base(src)), src);
      return;
    }
    if (isExcluded(src, '.', exclude)) return;
    if (strategy === 'Extract') {
      if (!isTarball(src)) throw new CopyError(`extract strategy requires tarball file (.tar.gz or .tgz), got '${src}'`);
      await extract(src, destDir);
      return;
    }
    const to = op.to.endsWith('/') || staging.isDir(destDir) ? join(destDir, base(src)) : destDir;
    copyFile(src, to);
    return;
  }

  let matches: string[];
  try {
    matches = strategy === 'Extract' ? starGlobFiles(tree, pattern) : goGlob(tree, pattern);
  } catch (err) {
    if (err instanceof GlobSyntaxError) throw new CopyError(`invalid glob pattern '${pattern}': ${err.message}`);
    throw err;
  }
  if (!matches.length) throw new CopyError(`no files match pattern '${pattern}' in source '${alias}'`);
  const root = selectionRoot(pattern);
  const kept = matches.filter((m) => m !== '.' && m !== '..' && !isExcluded(m, root, exclude));
  if (!kept.length) throw new CopyError(`all files matching pattern '${pattern}' in source '${alias}' were excluded`);
  const prefix = pattern.endsWith('/**') ? `${pattern.slice(0, -3)}/` : undefined;
  for (const m of kept) {
    if (strategy === 'Extract') {
      if (tree.isFile(m) && isTarball(m)) await extract(m, destDir);
      continue;
    }
    const to = prefix && m.startsWith(prefix) ? join(destDir, m.slice(prefix.length)) : join(destDir, m);
    if (tree.isDir(m)) copyDir(m, to, root);
    else copyFile(m, to);
  }
}

/**
 * Runs the operations in order over the sources (alias → files) and returns the artifact's
 * files. Throws `CopyError` naming the operation (`from '…' to '…'`) that failed.
 */
export async function applyCopyOperations(operations: readonly CopyOperation[], sources: ReadonlyMap<string, FileTree>): Promise<Map<string, Buffer>> {
  const staging = new Staging();
  for (const [i, op] of operations.entries()) {
    try {
      await applyOne(op, sources, staging);
    } catch (err) {
      if (err instanceof CopyError) throw new CopyError(`failed to apply copy operation from '${op.from}' to '${op.to}': ${err.message}`, i);
      throw err;
    }
  }
  return staging.files;
}
