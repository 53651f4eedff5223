/**
 * Go's regexp (RE2 syntax) on top of JavaScript RegExp: the pattern is translated (flags, \A \z,
 * \Q…\E, POSIX classes, (?P<name>), Go's \s, literal braces), Perl-only syntax is rejected as RE2
 * rejects it, and FindAll/ReplaceAll/Split follow Go's empty-match rules and `$name` expansion.
 * Limitations: flag groups are applied to the whole pattern (JS on Node 20 has no scoped
 * modifiers), and matching is backtracking, so leftmost-first semantics match but not RE2's
 * linear-time guarantee.
 */
import type { FuncMap, GoValue } from '../template/values.js';
import { nilSlice, typedSlice } from '../template/fmt.js';

/** A `[]string` result of Go's regexp: nil when nothing matched. */
const stringSlice = (xs: string[]): string[] => (xs.length === 0 ? nilSlice('[]string') : typedSlice(xs, '[]string'));
import { argInt, argString, arity } from './go.js';

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

const GO_SPACE = '\\t\\n\\f\\r ';

function syntaxError(code: string, expr: string): Error {
  return new Error(`error parsing regexp: ${code}: \`${expr}\``);
}

function escapeLiteral(ch: string): string {
  return /[!-/:-@[-`{-~]/.test(ch) ? `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}` : ch;
}

function unicodeClass(name: string, negate: boolean): string {
  const n = name.length <= 2 ? name : name === 'Any' ? 'Any' : `Script=${name}`;
  if (n === 'Any') return negate ? '[^\\s\\S]' : '[\\s\\S]';
  return `\\${negate ? 'P' : 'p'}{${n}}`;
}

/** Translates an RE2 pattern to a JS (u-mode) source and flags. */
export function translateRegex(expr: string): { source: string; flags: string } {
  let flags = '';
  let out = '';
  let i = 0;
  const n = expr.length;
  const addFlags = (f: string): void => {
    for (const c of f) {
      if (c === 'i' && !flags.includes('i')) flags += 'i';
      else if (c === 's' && !flags.includes('s')) flags += 's';
      else if (c === 'm' && !flags.includes('m')) flags += 'm';
      else if (c === 'U') throw syntaxError('invalid or unsupported Perl syntax', '(?U');
    }
  };
  const escapeInClass = (): string => {
    // at expr[i] === '\\'
    const c = expr[i + 1];
    if (c === undefined) throw syntaxError('trailing backslash at end of expression', '');
    i += 2;
    if (c === 'd' || c === 'w') return `\\${c}`;
    if (c === 'D') return '\\x00-\\x2F\\x3A-\\u{10FFFF}';
    if (c === 's') return GO_SPACE;
    if (c === 'p' || c === 'P') return unicodeEscape(c === 'P');
    return simpleEscape(c);
  };
  const unicodeEscape = (negate: boolean): string => {
    let name: string;
    if (expr[i] === '{') {
      const end = expr.indexOf('}', i);
      if (end < 0) throw syntaxError('invalid character class range', expr.slice(i - 2));
      name = expr.slice(i + 1, end);
      i = end + 1;
    } else {
      name = expr[i] ?? '';
      i += 1;
    }
    if (name.startsWith('^')) {
      negate = !negate;
      name = name.slice(1);
    }
    return unicodeClass(name, negate);
  };
  const simpleEscape = (c: string): string => {
    switch (c) {
      case 'a':
        return '\\x07';
      case 'f':
        return '\\f';
      case 't':
        return '\\t';
      case 'n':
        return '\\n';
      case 'r':
        return '\\r';
      case 'v':
        return '\\v';
      case 'x': {
        if (expr[i] === '{') {
          const end = expr.indexOf('}', i);
          const hex = expr.slice(i + 1, end);
          if (end < 0 || !/^[0-9a-fA-F]+$/.test(hex)) throw syntaxError('invalid escape sequence', `\\x${expr.slice(i, end + 1)}`);
          i = end + 1;
          return `\\u{${hex}}`;
        }
        const hex = expr.slice(i, i + 2);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw syntaxError('invalid escape sequence', `\\x${hex}`);
        i += 2;
        return `\\x${hex}`;
      }
      default:
        break;
    }
    if (/[0-7]/.test(c)) {
      // Octal: \0, or \1-\7 followed by another octal digit (a lone \1 is a backreference).
      let digits = c;
      if (c !== '0' && !/[0-7]/.test(expr[i] ?? '')) throw syntaxError('invalid escape sequence', `\\${c}`);
      while (digits.length < 3 && /[0-7]/.test(expr[i] ?? '')) digits += expr[i++];
      return `\\u{${parseInt(digits, 8).toString(16)}}`;
    }
    if (/[!-/:-@[-`{-~]/.test(c)) return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
    throw syntaxError('invalid escape sequence', `\\${c}`);
  };
  while (i < n) {
    const c = expr[i]!;
    if (c === '\\') {
      const d = expr[i + 1];
      if (d === undefined) throw syntaxError('trailing backslash at end of expression', '');
      if (d === 'Q') {
        const end = expr.indexOf('\\E', i + 2);
        const lit = end < 0 ? expr.slice(i + 2) : expr.slice(i + 2, end);
        out += [...lit].map(escapeLiteral).join('');
        i = end < 0 ? n : end + 2;
        continue;
      }
      if (d === 'A') {
        out += '(?<![\\s\\S])';
        i += 2;
        continue;
      }
      if (d === 'z') {
        out += '(?![\\s\\S])';
        i += 2;
        continue;
      }
      if (d === 'b' || d === 'B' || d === 'd' || d === 'D' || d === 'w' || d === 'W') {
        out += `\\${d}`;
        i += 2;
        continue;
      }
      if (d === 's') {
        out += `[${GO_SPACE}]`;
        i += 2;
        continue;
      }
      if (d === 'S') {
        out += `[^${GO_SPACE}]`;
        i += 2;
        continue;
      }
      if (d === 'p' || d === 'P') {
        i += 2;
        out += unicodeEscape(d === 'P');
        continue;
      }
      if (d === 'C') {
        out += '[\\s\\S]';
        i += 2;
        continue;
      }
      if (d === 'Z') throw syntaxError('invalid escape sequence', '\\Z');
      i += 2;
      out += simpleEscape(d);
      continue;
    }
    if (c === '[') {
      let cls = '[';
      i++;
      if (expr[i] === '^') {
        cls += '^';
        i++;
      }
      let first = true;
      for (;;) {
        if (i >= n) throw syntaxError('missing closing ]', expr.slice(expr.lastIndexOf('[')));
        const e = expr[i]!;
        if (e === ']' && !first) {
          i++;
          break;
        }
        first = false;
        if (e === '[' && expr[i + 1] === ':') {
          const end = expr.indexOf(':]', i + 2);
          if (end > 0) {
            let name = expr.slice(i + 2, end);
            const neg = name.startsWith('^');
            if (neg) name = name.slice(1);
            const set = POSIX[name];
            if (!set) throw syntaxError('invalid character class range', expr.slice(i, end + 2));
            if (neg) throw syntaxError('invalid or unsupported Perl syntax', `[:^${name}:]`);
            cls += set;
            i = end + 2;
            continue;
          }
        }
        if (e === '\\') {
          cls += escapeInClass();
          continue;
        }
        cls += e === '[' || e === ']' || e === '/' || e === '{' || e === '}' || e === '(' || e === ')' || e === '|' ? `\\${e}` : e;
        i++;
      }
      out += `${cls}]`;
      continue;
    }
    if (c === '(') {
      if (expr[i + 1] === '?') {
        const rest = expr.slice(i + 2);
        const named = /^P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
        if (named) {
          out += `(?<${named[1]}>`;
          i += 2 + named[0].length;
          continue;
        }
        const fl = /^(-?[imsU]*(?:-[imsU]*)?)(:|\))/.exec(rest);
        if (fl && fl[1] !== '') {
          const [on = '', off] = fl[1]!.split('-');
          if (off !== undefined && off.includes('s') && flags.includes('s')) flags = flags.replace('s', '');
          addFlags(on);
          i += 2 + fl[0].length;
          out += fl[2] === ':' ? '(?:' : '';
          continue;
        }
        if (rest.startsWith(':')) {
          out += '(?:';
          i += 3;
          continue;
        }
        throw syntaxError('invalid or unsupported Perl syntax', `(?${rest.slice(0, 1)}`);
      }
      out += '(';
      i++;
      continue;
    }
    if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(expr.slice(i));
      if (m) {
        if (Number(m[1]) > 1000 || (m[3] && Number(m[3]) > 1000)) throw syntaxError('invalid repeat count', m[0]);
        if (m[3] && Number(m[3]) < Number(m[1])) throw syntaxError('invalid repeat count', m[0]);
        out += m[0];
        i += m[0].length;
        if (expr[i] === '?') {
          out += '?';
          i++;
        }
        continue;
      }
      out += '\\{';
      i++;
      continue;
    }
    if (c === '}' || c === ']' || c === '/') {
      out += `\\${c}`;
      i++;
      continue;
    }
    if ((c === '*' || c === '+' || c === '?') && /[*+]/.test(expr[i + 1] ?? '')) {
      throw syntaxError('invalid nested repetition operator', expr.slice(i, i + 2));
    }
    out += c;
    i++;
  }
  return { source: out, flags };
}

/** A Go-style message for a pattern JS rejected (the common RE2 parse errors). */
function classifyError(expr: string): Error {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      if (expr[i + 1] === ']') i++;
    } else if (c === '(') depth++;
    else if (c === ')') {
      if (depth === 0) return syntaxError('unexpected )', expr);
      depth--;
    } else if ((c === '*' || c === '+' || c === '?') && (i === 0 || expr[i - 1] === '(' || expr[i - 1] === '|')) {
      return syntaxError('missing argument to repetition operator', c);
    }
  }
  if (inClass) return syntaxError('missing closing ]', expr.slice(expr.lastIndexOf('[')));
  if (depth > 0) return syntaxError('missing closing )', expr);
  return syntaxError('invalid or unsupported Perl syntax', expr);
}

const cache = new Map<string, RegExp>();

/** regexp.Compile: a global+unicode JS RegExp equivalent to the RE2 pattern. */
export function compileGo(expr: string): RegExp {
  let re = cache.get(expr);
  if (re) return new RegExp(re);
  const { source, flags } = translateRegex(expr);
  try {
    re = new RegExp(source, `${flags}gu`);
  } catch {
    throw classifyError(expr);
  }
  if (cache.size > 500) cache.clear();
  cache.set(expr, re);
  return new RegExp(re);
}

interface Match {
  index: number;
  end: number;
  groups: (string | undefined)[];
  named: Record<string, string | undefined>;
}

function execAt(re: RegExp, s: string, pos: number): Match | undefined {
  re.lastIndex = pos;
  const m = re.exec(s);
  if (!m) return undefined;
  return { index: m.index, end: m.index + m[0].length, groups: [...m], named: m.groups ?? {} };
}

function runeWidth(s: string, pos: number): number {
  const c = s.codePointAt(pos);
  return c !== undefined && c > 0xffff ? 2 : 1;
}

/** Go's allMatches: empty matches right after a previous match are skipped. */
export function findAll(re: RegExp, s: string, n: number): Match[] {
  const out: Match[] = [];
  let prevEnd = -1;
  for (let pos = 0; (n < 0 || out.length < n) && pos <= s.length; ) {
    const m = execAt(re, s, pos);
    if (!m) break;
    let accept = true;
    if (m.end === m.index) {
      if (m.index === prevEnd) accept = false;
      pos = m.index + (m.index < s.length ? runeWidth(s, m.index) : 1);
    } else pos = m.end;
    prevEnd = m.end;
    if (accept) out.push(m);
  }
  return out;
}

/** regexp.Expand for `$1`, `${1}`, `$name`, `${name}`, `$$`. */
function expand(template: string, m: Match): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '$') {
      out += c;
      continue;
    }
    if (template[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string | undefined;
    if (template[i + 1] === '{') {
      const end = template.indexOf('}', i + 2);
      const inner = end < 0 ? '' : template.slice(i + 2, end);
      if (end >= 0 && /^[A-Za-z0-9_]+$/.test(inner)) {
        name = inner;
        i = end;
      }
    } else {
      const mm = /^[A-Za-z0-9_]+/.exec(template.slice(i + 1));
      if (mm) {
        name = mm[0];
        i += mm[0].length;
      }
    }
    if (name === undefined) {
      out += '$';
      continue;
    }
    if (/^\d+$/.test(name)) out += m.groups[Number(name)] ?? '';
    else out += m.named[name] ?? '';
  }
  return out;
}

/** Regexp.ReplaceAllString / ReplaceAllLiteralString. */
export function replaceAll(re: RegExp, src: string, repl: string, literal: boolean): string {
  let out = '';
  let lastEnd = 0;
  let search = 0;
  while (search <= src.length) {
    const m = execAt(re, src, search);
    if (!m) break;
    out += src.slice(lastEnd, m.index);
    if (m.end > lastEnd || m.index === 0) out += literal ? repl : expand(repl, m);
    lastEnd = m.end;
    const width = search < src.length ? runeWidth(src, search) : 0;
    if (search + width > m.end) search += width;
    else if (search + 1 > m.end) search++;
    else search = m.end;
  }
  return out + src.slice(lastEnd);
}

/** Regexp.Split. */
export function split(re: RegExp, expr: string, s: string, n: number): string[] {
  if (n === 0) return [];
  if (expr.length > 0 && s.length === 0) return [''];
  const matches = findAll(re, s, n);
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of matches) {
    if (n > 0 && out.length === n - 1) break;
    end = m.index;
    if (m.end !== 0) out.push(s.slice(beg, end));
    beg = m.end;
  }
  if (end !== s.length) out.push(s.slice(beg));
  return out;
}

/** regexp.QuoteMeta. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** Sprig's regex functions; the non-must variants panic (template error) on a bad pattern, except regexMatch. */
export function regexFuncs(): FuncMap {
  const withRe = (fn: string, n: number, f: (re: RegExp, args: GoValue[], expr: string) => GoValue) => (...a: GoValue[]) => {
    arity(a, fn, n);
    const expr = argString(a[0], fn);
    let re: RegExp;
    try {
      re = compileGo(expr);
    } catch (e) {
      // The non-must variants use regexp.MustCompile, whose panic names the pattern.
      if (fn.startsWith('must')) throw e;
      const q = /^[^`\x00-\x08\x0a-\x1f\x7f]*$/.test(expr) ? `\`${expr}\`` : JSON.stringify(expr);
      throw new Error(`regexp: Compile(${q}): ${(e as Error).message}`);
    }
    return f(re, a, expr);
  };
  const matchFn = (must: boolean) => (...a: GoValue[]) => {
    arity(a, must ? 'mustRegexMatch' : 'regexMatch', 2);
    const expr = argString(a[0], 'regexMatch');
    const s = argString(a[1], 'regexMatch');
    let re: RegExp;
    try {
      re = compileGo(expr);
    } catch (e) {
      if (must) throw e;
      return false;
    }
    return findAll(re, s, 1).length > 0;
  };
  const findAllFn = (fn: string) => withRe(fn, 3, (re, a) => stringSlice(findAll(re, argString(a[1], fn), argInt(a[2], fn)).map((m) => m.groups[0]!)));
  const findFn = (fn: string) => withRe(fn, 2, (re, a) => findAll(re, argString(a[1], fn), 1)[0]?.groups[0] ?? '');
  const replFn = (fn: string, literal: boolean) => withRe(fn, 3, (re, a) => replaceAll(re, argString(a[1], fn), argString(a[2], fn), literal));
  const splitFn = (fn: string) => withRe(fn, 3, (re, a, expr) => argInt(a[2], fn) === 0 ? nilSlice('[]string') : typedSlice(split(re, expr, argString(a[1], fn), argInt(a[2], fn)), '[]string'));
  return {
    regexMatch: matchFn(false),
    mustRegexMatch: matchFn(true),
    regexFindAll: findAllFn('regexFindAll'),
    mustRegexFindAll: findAllFn('mustRegexFindAll'),
    regexFind: findFn('regexFind'),
    mustRegexFind: findFn('mustRegexFind'),
    regexReplaceAll: replFn('regexReplaceAll', false),
    mustRegexReplaceAll: replFn('mustRegexReplaceAll', false),
    regexReplaceAllLiteral: replFn('regexReplaceAllLiteral', true),
    mustRegexReplaceAllLiteral: replFn('mustRegexReplaceAllLiteral', true),
    regexSplit: splitFn('regexSplit'),
    mustRegexSplit: splitFn('mustRegexSplit'),
    regexQuoteMeta: (...a) => {
      arity(a, 'regexQuoteMeta', 1);
      return quoteMeta(argString(a[0], 'regexQuoteMeta'));
    },
  };
}
