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
export function memoryFs(files: Record<string, string | Buffer>, root = '/'): KFileSystem {
  const data = new Map<string, Buffer>();
  const dirs = new Set<string>(['/']);
  for (const [p, c] of Object.entries(files)) {
    const abs = path.posix.resolve('/', p);
    data.set(abs, typeof c === 'string' ? Buffer.from(c) : c);
    let d = path.posix.dirname(abs);
    while (!dirs.has(d)) {
      dirs.add(d);
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
    readDir: (p) => {
      const d = norm(p);
      const prefix = d === '/' ? '/' : `${d}/`;
      const out = new Set<string>();
      for (const k of [...data.keys(), ...dirs]) {
        if (k !== d && k.startsWith(prefix)) out.add(k.slice(prefix.length).split('/')[0]!);
      }
      return [...out].sort();
    },
    stat: (p) => {
      const d = norm(p);
      return data.has(d) ? 'file' : dirs.has(d) ? 'dir' : undefined;
    },
  };
}
