/**
 * The filesystem a build reads from. Every path is absolute and POSIX-style; an implementation
 * refuses anything outside its root (symlinks included), which is how Flux confines a build to
 * the artifact it extracted.
 */
import { readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { KustomizeError } from './errors.js';

export interface KFileSystem {
  /** The directory nothing outside of which may be read. */
  readonly root: string;
  readFile(p: string): Buffer;
  /** Entry names of a directory, sorted. */
  readDir(p: string): string[];
  /** `undefined` when the path does not exist. */
  stat(p: string): 'file' | 'dir' | undefined;
}

/** True when `p` is `root` or lies under it. */
export function isWithin(root: string, p: string): boolean {
  const rel = path.posix.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.posix.isAbsolute(rel));
}

function confine(root: string, p: string): void {
  if (!isWithin(root, p)) {
    throw new KustomizeError(`path ${p} is outside the root ${root}`, p);
  }
}

/** On-disk filesystem confined to `root`; symlinks are resolved before the check. */
export function diskFs(root: string): KFileSystem {
  const realRoot = realpathSync(path.resolve(root));
  const resolve = (p: string): string => {
    confine(path.resolve(root), path.resolve(p));
    let real: string;
    try {
      real = realpathSync(p);
    } catch {
      return p;
    }
    confine(realRoot, real);
    return real;
  };
  return {
    root: path.resolve(root),
    readFile: (p) => readFileSync(resolve(p)),
    readDir: (p) => readdirSync(resolve(p)).sort(),
    stat: (p) => {
      let s;
      try {
        s = statSync(resolve(p));
      } catch (e) {
        if (e instanceof KustomizeError) throw e;
        return undefined;
      }
      return s.isDirectory() ? 'dir' : 'file';
    },
  };
}

/** In-memory filesystem: a map from absolute path to content; directories are implied. */
export function memoryFs(files: Record<string, string | Buffer> | Map<string, string | Buffer>, root = '/'): KFileSystem {
  const data = new Map<string, Buffer>();
  // Children of every directory, so listing a directory costs its size, not the tree's.
  const children = new Map<string, Set<string>>([['/', new Set()]]);
  const entries = files instanceof Map ? files.entries() : Object.entries(files);
  for (const [p, c] of entries) {
    const abs = path.posix.resolve('/', p);
    data.set(abs, typeof c === 'string' ? Buffer.from(c) : c);
    let child = abs;
    let d = path.posix.dirname(abs);
    for (;;) {
      let set = children.get(d);
      const known = set !== undefined;
      if (!set) children.set(d, (set = new Set()));
      set.add(path.posix.basename(child));
      if (known || d === '/') break;
      child = d;
      d = path.posix.dirname(d);
    }
  }
  const norm = (p: string): string => {
    const abs = path.posix.resolve('/', p);
    confine(root, abs);
    return abs;
  };
  return {
    root,
    readFile: (p) => {
      const c = data.get(norm(p));
      if (!c) throw new KustomizeError('no such file', p);
      return c;
    },
    readDir: (p) => [...(children.get(norm(p)) ?? [])].sort(),
    stat: (p) => {
      const d = norm(p);
      return data.has(d) ? 'file' : children.has(d) ? 'dir' : undefined;
    },
  };
}

/** `base` with extra files laid over it (the overlay kustomization a controller generates). */
export function layeredFs(base: KFileSystem, extra: Record<string, string | Buffer>): KFileSystem {
  const top = memoryFs(extra, base.root);
  return {
    root: base.root,
    readFile: (p) => (top.stat(p) === 'file' ? top.readFile(p) : base.readFile(p)),
    readDir: (p) => [...new Set([...(base.stat(p) === 'dir' ? base.readDir(p) : []), ...(top.stat(p) === 'dir' ? top.readDir(p) : [])])].sort(),
    stat: (p) => top.stat(p) ?? base.stat(p),
  };
}
