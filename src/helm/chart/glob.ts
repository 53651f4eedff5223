/**
 * The two glob dialects Helm uses: Go's `path/filepath.Match` (for .helmignore and
 * `--show-only`) and gobwas/glob with `/` as separator (for `.Files.Glob`, which adds `**` and
 * `{a,b}`). Both compile to anchored regular expressions.
 */

function escapeRe(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? `\\${c}` : c;
}

/** Reads a `[...]` class starting after `[`; returns its regex and the index after `]`. */
function charClass(p: string, i: number, negChars: string, what: string): [string, number] {
  let out = '[';
  if (negChars.includes(p[i] ?? '')) {
    out += '^';
    i++;
  }
  let first = true;
  for (;;) {
    if (i >= p.length) throw new Error(`syntax error in pattern: ${what}`);
    let c = p[i]!;
    if (c === ']' && !first) return [`${out}]`, i + 1];
    first = false;
    if (c === '\\') {
      i++;
      if (i >= p.length) throw new Error(`syntax error in pattern: ${what}`);
      c = p[i]!;
    }
    out += escapeRe(c);
    i++;
    if (p[i] === '-' && p[i + 1] !== undefined && p[i + 1] !== ']') {
      i++;
      let hi = p[i]!;
      if (hi === '\\') {
        i++;
        hi = p[i] ?? '';
      }
      out += `-${escapeRe(hi)}`;
      i++;
    }
  }
}

const goCache = new Map<string, RegExp>();

/** Go's `filepath.Match` compiled to a RegExp; throws on a malformed pattern (ErrBadPattern). */
export function goMatchRegExp(pattern: string): RegExp {
  const hit = goCache.get(pattern);
  if (hit) return hit;
  let re = '^';
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i]!;
    if (c === '*') {
      re += '[^/]*';
      i++;
    } else if (c === '?') {
      re += '[^/]';
      i++;
    } else if (c === '[') {
      const [cls, next] = charClass(pattern, i + 1, '^', pattern);
      // A class never matches the separator.
      re += `(?!/)${cls}`;
      i = next;
    } else if (c === '\\') {
      if (i + 1 >= pattern.length) throw new Error(`syntax error in pattern: ${pattern}`);
      re += escapeRe(pattern[i + 1]!);
      i += 2;
    } else {
      re += escapeRe(c);
      i++;
    }
  }
  const r = new RegExp(`${re}$`, 'su');
  goCache.set(pattern, r);
  return r;
}

/** `filepath.Match(pattern, name)`; false for a malformed pattern. */
export function goMatch(pattern: string, name: string): boolean {
  try {
    return goMatchRegExp(pattern).test(name);
  } catch {
    return false;
  }
}

const gobwasCache = new Map<string, RegExp>();

/** gobwas/glob with separator `/`; a pattern that does not compile matches everything, as in Helm. */
export function gobwasGlob(pattern: string): RegExp {
  const hit = gobwasCache.get(pattern);
  if (hit) return hit;
  let r: RegExp;
  try {
    r = new RegExp(`^${compileGobwas(pattern, 0, false)[0]}$`, 'su');
  } catch {
    r = /^[\s\S]*$/;
  }
  gobwasCache.set(pattern, r);
  return r;
}

function compileGobwas(p: string, start: number, inAlt: boolean): [string, number] {
  let re = '';
  let i = start;
  while (i < p.length) {
    const c = p[i]!;
    if (inAlt && (c === ',' || c === '}')) return [re, i];
    if (c === '*') {
      if (p[i + 1] === '*') {
        re += '.*';
        i += 2;
      } else {
        re += '[^/]*';
        i++;
      }
    } else if (c === '?') {
      re += '[^/]';
      i++;
    } else if (c === '[') {
      const [cls, next] = charClass(p, i + 1, '!', p);
      re += cls;
      i = next;
    } else if (c === '{') {
      const alts: string[] = [];
      i++;
      for (;;) {
        const [alt, next] = compileGobwas(p, i, true);
        alts.push(alt);
        if (next >= p.length) throw new Error('unclosed {');
        i = next + 1;
        if (p[next] === '}') break;
      }
      re += `(?:${alts.join('|')})`;
    } else if (c === '\\') {
      if (i + 1 >= p.length) throw new Error('bad escape');
      re += escapeRe(p[i + 1]!);
      i += 2;
    } else {
      re += escapeRe(c);
      i++;
    }
  }
  if (inAlt) throw new Error('unclosed {');
  return [re, i];
}
