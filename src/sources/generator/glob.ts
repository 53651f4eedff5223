/**
 * The two glob dialects source-watcher uses, over an in-memory tree of files:
 *
 * - Go's `path.Match`/`fs.Glob` for `copy[].from`: `*`, `?` and `[...]` never cross a `/`, and
 *   `**` is just two stars (one path segment), so `dir/**` selects dir's direct entries — each
 *   directory among them is then copied whole.
 * - doublestar for `copy[].exclude` and the `Extract` strategy: a `**` segment spans any number
 *   of directories (zero included, so `dir/**` also matches `dir`), plus `{a,b}` alternatives.
 *
 * Neither treats a leading dot specially. A malformed pattern throws `GlobSyntaxError`.
 */

/** A pattern Go or doublestar would reject (`ErrBadPattern`). */
export class GlobSyntaxError extends Error {
  constructor(readonly pattern: string) {
    super('syntax error in pattern');
    this.name = 'GlobSyntaxError';
  }
}

const escapeRe = (c: string): string => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const escapeClass = (c: string): string => c.replace(/[\\\]^[-]/g, '\\$&');

/**
 * A character class starting at `pattern[i] === '['`: its regex and the index after `]`.
 * `negations` are the characters that negate it (`^` in Go, `^` and `!` in doublestar).
 */
function charClass(pattern: string[], i: number, negations: string, go: boolean): { re: string; next: number } {
  let j = i + 1;
  let negated = false;
  if (j < pattern.length && negations.includes(pattern[j] as string)) {
    negated = true;
    j++;
  }
  const parts: string[] = [];
  // Go's getEsc: a class item may not start with '-' or ']' (so `[]` and `[^]` are malformed).
  const item = (): string => {
    const c = pattern[j];
    if (c === undefined) throw new GlobSyntaxError(pattern.join(''));
    if (go && (c === '-' || c === ']')) throw new GlobSyntaxError(pattern.join(''));
    if (c === '\\') {
      const e = pattern[j + 1];
      if (e === undefined) throw new GlobSyntaxError(pattern.join(''));
      j += 2;
      return e;
    }
    j++;
    return c;
  };
  let first = true;
  for (;;) {
    const c = pattern[j];
    if (c === undefined) throw new GlobSyntaxError(pattern.join(''));
    if (c === ']' && (go || !first)) {
      if (parts.length === 0) throw new GlobSyntaxError(pattern.join(''));
      j++;
      break;
    }
    first = false;
    const lo = go ? item() : c === '\\' ? item() : (j++, c);
    if (pattern[j] === '-' && pattern[j + 1] !== ']' && pattern[j + 1] !== undefined) {
      j++;
      const hi = item();
      parts.push(`${escapeClass(lo)}-${escapeClass(hi)}`);
      // An inverted range matches nothing, as in Go (and is not a syntax error there).
      if (lo > hi) parts[parts.length - 1] = '(?!)';
    } else if (go && pattern[j] === '-') {
      throw new GlobSyntaxError(pattern.join(''));
    } else {
      parts.push(escapeClass(lo));
    }
  }
  const body = parts.map((p) => (p === '(?!)' ? '' : p)).join('');
  if (!body) return { re: negated ? '[^/]' : '(?!)', next: j };
  return { re: negated ? `[^/${body}]` : `[${body}]`, next: j };
}

const goCache = new Map<string, RegExp>();

/** Go's `path.Match(pattern, name)`; throws `GlobSyntaxError` for a malformed pattern. */
export function goMatch(pattern: string, name: string): boolean {
  return goRegExp(pattern).test(name);
}

/** Throws `GlobSyntaxError` when Go's `path.Match` would return `ErrBadPattern` for `pattern`. */
export function checkGoPattern(pattern: string): void {
  goRegExp(pattern);
}

function goRegExp(pattern: string): RegExp {
  let re = goCache.get(pattern);
  if (re) return re;
  const p = [...pattern];
  let out = '';
  for (let i = 0; i < p.length; ) {
    const c = p[i] as string;
    if (c === '*') {
      out += '[^/]*';
      i++;
    } else if (c === '?') {
      out += '[^/]';
      i++;
    } else if (c === '[') {
      const cls = charClass(p, i, '^', true);
      out += cls.re;
      i = cls.next;
    } else if (c === '\\') {
      if (i + 1 >= p.length) throw new GlobSyntaxError(pattern);
      out += escapeRe(p[i + 1] as string);
      i += 2;
    } else {
      out += escapeRe(c);
      i++;
    }
  }
  re = new RegExp(`^${out}$`, 'su');
  goCache.set(pattern, re);
  return re;
}

/** Go's `hasMeta`: whether `fs.Glob` treats the path as a pattern. */
const hasGoMeta = (p: string): boolean => /[*?[\\]/.test(p);

const starCache = new Map<string, RegExp>();

/** doublestar's `Match(pattern, path)`; throws `GlobSyntaxError` for a malformed pattern. */
export function starMatch(pattern: string, path: string): boolean {
  return starRegExp(pattern).test(path);
}

/** Throws `GlobSyntaxError` when doublestar would reject `pattern`. */
export function checkStarPattern(pattern: string): void {
  starRegExp(pattern);
}

/** Splits on `/` outside `[...]` and `{...}`. */
function segments(p: string[], pattern: string): string[][] {
  const out: string[][] = [[]];
  let braces = 0;
  for (let i = 0; i < p.length; i++) {
    const c = p[i] as string;
    const seg = out[out.length - 1] as string[];
    if (c === '\\') {
      if (i + 1 >= p.length) throw new GlobSyntaxError(pattern);
      seg.push(c, p[++i] as string);
    } else if (c === '[') {
      // Copied through whole; the class is parsed per segment.
      let j = i + 1;
      if (p[j] === '^' || p[j] === '!') j++;
      if (p[j] === ']') j++;
      while (j < p.length && p[j] !== ']') j += p[j] === '\\' ? 2 : 1;
      if (j >= p.length) throw new GlobSyntaxError(pattern);
      seg.push(...p.slice(i, j + 1));
      i = j;
    } else if (c === '{') {
      braces++;
      seg.push(c);
    } else if (c === '}') {
      braces--;
      seg.push(c);
    } else if (c === '/' && braces === 0) out.push([]);
    else seg.push(c);
  }
  if (braces !== 0) throw new GlobSyntaxError(pattern);
  return out;
}

/** One doublestar segment (no `/` outside braces) as a regex. */
function starSegment(p: string[], pattern: string): string {
  let out = '';
  for (let i = 0; i < p.length; ) {
    const c = p[i] as string;
    if (c === '*') {
      while (p[i] === '*') i++;
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
      i++;
    } else if (c === '[') {
      const cls = charClass(p, i, '^!', false);
      out += cls.re;
      i = cls.next;
    } else if (c === '\\') {
      if (i + 1 >= p.length) throw new GlobSyntaxError(pattern);
      out += escapeRe(p[i + 1] as string);
      i += 2;
    } else if (c === '{') {
      // Alternatives, each a pattern of its own (they may hold `/`).
      let depth = 0;
      let j = i;
      const alts: string[][] = [[]];
      for (j = i + 1; j < p.length; j++) {
        const d = p[j] as string;
        if (d === '\\') {
          (alts[alts.length - 1] as string[]).push(d, p[++j] as string);
          continue;
        }
        if (d === '{') depth++;
        if (d === '}') {
          if (depth === 0) break;
          depth--;
        }
        if (d === ',' && depth === 0) alts.push([]);
        else (alts[alts.length - 1] as string[]).push(d);
      }
      if (j >= p.length) throw new GlobSyntaxError(pattern);
      out += `(?:${alts.map((a) => starBody(a, pattern)).join('|')})`;
      i = j + 1;
    } else {
      out += escapeRe(c);
      i++;
    }
  }
  return out;
}

function starBody(p: string[], pattern: string): string {
  const segs = segments(p, pattern);
  let out = '';
  segs.forEach((seg, k) => {
    const globstar = seg.length === 2 && seg[0] === '*' && seg[1] === '*';
    const last = k === segs.length - 1;
    if (globstar) {
      if (segs.length === 1) out += '.*';
      else if (last) out += '(?:/.*)?';
      else out += k === 0 ? '(?:.*/)?' : '/(?:.*/)?';
      return;
    }
    const prevGlobstar = k > 0 && (segs[k - 1] as string[]).join('') === '**';
    if (k > 0 && !prevGlobstar) out += '/';
    out += starSegment(seg, pattern);
  });
  return out;
}

function starRegExp(pattern: string): RegExp {
  let re = starCache.get(pattern);
  if (re) return re;
  re = new RegExp(`^${starBody([...pattern], pattern)}$`, 'su');
  starCache.set(pattern, re);
  return re;
}

/** Files by relative `/`-separated path, with the directories they imply. */
export class FileTree {
  readonly files: ReadonlyMap<string, Buffer>;
  /** Directory → names of its entries (files and directories), sorted; the root is `.`. */
  private readonly children = new Map<string, Set<string>>();
  /** Every file path in byte order: the files under a directory are one contiguous run. */
  private readonly sorted: string[];

  constructor(files: ReadonlyMap<string, Buffer>) {
    this.files = files;
    this.sorted = [...files.keys()].sort(byteOrder);
    this.children.set('.', new Set());
    for (const file of files.keys()) {
      const parts = file.split('/');
      let dir = '.';
      for (const part of parts) {
        let entries = this.children.get(dir);
        if (!entries) this.children.set(dir, (entries = new Set()));
        entries.add(part);
        dir = dir === '.' ? part : `${dir}/${part}`;
      }
    }
  }

  isDir(p: string): boolean {
    return this.children.has(p);
  }

  isFile(p: string): boolean {
    return this.files.has(p);
  }

  /** Entries of a directory, sorted as Go's ReadDir sorts them; empty when `p` is no directory. */
  readDir(p: string): string[] {
    return [...(this.children.get(p) ?? [])].sort(byteOrder);
  }

  /** The files under a directory (recursively), sorted. */
  filesUnder(dir: string): string[] {
    if (dir === '.') return [...this.sorted];
    const prefix = `${dir}/`;
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (byteOrder(this.sorted[mid] as string, prefix) < 0) lo = mid + 1;
      else hi = mid;
    }
    const out: string[] = [];
    for (let i = lo; i < this.sorted.length && (this.sorted[i] as string).startsWith(prefix); i++) out.push(this.sorted[i] as string);
    return out;
  }
}

const isSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdfff;

/**
 * Go orders strings by their UTF-8 bytes. UTF-16 code units agree except where a surrogate meets
 * a code unit above it; only then are the bytes compared.
 */
export const byteOrder = (a: string, b: string): number => {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (isSurrogate(x) || isSurrogate(y)) return Buffer.compare(Buffer.from(a.slice(i)), Buffer.from(b.slice(i)));
    return x - y;
  }
  return a.length - b.length;
};

const joinPath = (dir: string, name: string): string => (dir === '.' ? name : `${dir}/${name}`);

/**
 * Go's `fs.Glob(fsys, pattern)` over the tree: matches in directory order; a pattern without
 * meta characters is returned when the path exists; a malformed pattern throws.
 */
export function goGlob(tree: FileTree, pattern: string): string[] {
  checkGoPattern(pattern);
  const walk = (pat: string): string[] => {
    if (!hasGoMeta(pat)) return tree.isFile(pat) || tree.isDir(pat) || pat === '.' ? [pat] : [];
    const slash = pat.lastIndexOf('/');
    const file = pat.slice(slash + 1);
    let dir = slash < 0 ? '' : pat.slice(0, slash + 1);
    dir = dir === '' ? '.' : dir.replace(/\/$/, '') || '/';
    const inDir = (d: string): string[] => tree.readDir(d).filter((n) => goMatch(file, n)).map((n) => joinPath(d, n));
    if (!hasGoMeta(dir)) return inDir(dir);
    if (dir === pat) throw new GlobSyntaxError(pattern);
    return walk(dir).flatMap(inDir);
  };
  return walk(pattern);
}

/** doublestar's `Glob` restricted to files: every file of the tree matching `pattern`, sorted. */
export function starGlobFiles(tree: FileTree, pattern: string): string[] {
  checkStarPattern(pattern);
  return [...tree.files.keys()].filter((f) => starMatch(pattern, f)).sort(byteOrder);
}
