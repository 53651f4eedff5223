/** Sprig's string functions (strings.go, goutils, xstrings), byte-exact where Go works on bytes. */
import type { FuncMap, GoValue } from '../template/values.js';
import { typedSlice } from '../template/fmt.js';
import { argAny, argInt, argString, arity, fmtV, goQuote, sliceItems, strval } from './go.js';
import { byteLen, byteSlice, fromUtf8, goRunes, goLower, goUpper, isLetter, isDigit, isLower, isNumber, isPunct, isSpace, isTitle, isUpper, toLowerRune, toTitleRune, toUpperRune, utf8 } from './unicode.js';

/** strings.TrimSpace. */
export function trimSpace(s: string): string {
  const cps = [...s];
  let i = 0;
  let j = cps.length;
  while (i < j && isSpace(cps[i]!.codePointAt(0)!)) i++;
  while (j > i && isSpace(cps[j - 1]!.codePointAt(0)!)) j--;
  return cps.slice(i, j).join('');
}

/** strings.Trim(s, cutset). */
export function trimCutset(s: string, cutset: string): string {
  if (s === '' || cutset === '') return s;
  const set = new Set(cutset);
  const cps = [...s];
  let i = 0;
  let j = cps.length;
  while (i < j && set.has(cps[i]!)) i++;
  while (j > i && set.has(cps[j - 1]!)) j--;
  return cps.slice(i, j).join('');
}

/** strings.Title (deprecated in Go, still what Sprig's `title` uses). */
export function title(s: string): string {
  const isSep = (c: number): boolean => {
    if (c <= 0x7f) return !((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f);
    if (isLetter(c) || isDigit(c)) return false;
    return isSpace(c);
  };
  let prev = 0x20;
  let out = '';
  for (const ch of goRunes(s)) {
    const c = ch.codePointAt(0)!;
    out += isSep(prev) ? toTitleRune(ch) : ch;
    prev = c;
  }
  return out;
}

/** goutils.Uncapitalize. */
export function untitle(s: string): string {
  let next = true;
  let out = '';
  for (const ch of goRunes(s)) {
    const c = ch.codePointAt(0)!;
    if (isSpace(c)) {
      next = true;
      out += ch;
    } else if (next) {
      out += toLowerRune(ch);
      next = false;
    } else out += ch;
  }
  return out;
}

/** goutils.SwapCase. */
export function swapcase(s: string): string {
  let ws = true;
  let out = '';
  for (const ch of goRunes(s)) {
    const c = ch.codePointAt(0)!;
    if (isUpper(c) || isTitle(c)) {
      out += toLowerRune(ch);
      ws = false;
    } else if (isLower(c)) {
      out += ws ? toTitleRune(ch) : toUpperRune(ch);
      ws = false;
    } else {
      ws = isSpace(c);
      out += ch;
    }
  }
  return out;
}

/** goutils.DeleteWhiteSpace: works on bytes, so each byte ≥ 0x80 becomes the rune of that value. */
export function nospace(s: string): string {
  if (s === '') return s;
  const b = utf8(s);
  let out = '';
  let count = 0;
  for (const byte of b) {
    if (!isSpace(byte)) {
      out += String.fromCodePoint(byte);
      count++;
    }
  }
  return count === b.length ? s : out;
}

/** goutils.Initials (byte-wise, like nospace). */
export function initials(s: string): string {
  if (s === '') return s;
  let out = '';
  let gap = true;
  for (const byte of utf8(s)) {
    if (isSpace(byte)) gap = true;
    else if (gap) {
      out += String.fromCodePoint(byte);
      gap = false;
    }
  }
  return out;
}

/** goutils.AbbreviateFull. */
export function abbreviateFull(str: string, offsetIn: number, maxWidth: number): string {
  if (str === '') return '';
  if (maxWidth < 4) throw new Error('stringutils illegal argument: Minimum abbreviation width is 4');
  const len = byteLen(str);
  if (len <= maxWidth) return str;
  let offset = Math.min(offsetIn, len);
  if (len - offset < maxWidth - 3) offset = len - (maxWidth - 3);
  if (offset <= 4) return `${byteSlice(str, 0, maxWidth - 3)}...`;
  if (maxWidth < 7) throw new Error('stringutils illegal argument: Minimum abbreviation width with offset is 7');
  if (offset + maxWidth - 3 < len) return `...${abbreviateFull(byteSlice(str, offset), 0, maxWidth - 3)}`;
  return `...${byteSlice(str, len - (maxWidth - 3))}`;
}

/** goutils.WrapCustom on bytes. */
export function wrapCustom(str: string, wrapLengthIn: number, newLine: string, wrapLong: boolean): string {
  if (str === '') return '';
  const nl = utf8(newLine === '' ? '\n' : newLine);
  const wrapLength = Math.max(1, wrapLengthIn);
  const b = utf8(str);
  const out: Buffer[] = [];
  let offset = 0;
  while (b.length - offset > wrapLength) {
    if (b[offset] === 0x20) {
      offset++;
      continue;
    }
    const end = Math.min(wrapLength + offset + 1, b.length);
    const spaceToWrapAt = b.subarray(offset, end).lastIndexOf(0x20) + offset;
    if (spaceToWrapAt >= offset) {
      out.push(b.subarray(offset, spaceToWrapAt), nl);
      offset = spaceToWrapAt + 1;
    } else if (wrapLong) {
      out.push(b.subarray(offset, wrapLength + offset), nl);
      offset += wrapLength;
    } else {
      const e = wrapLength + offset;
      const index = b.subarray(e).indexOf(0x20);
      if (index === -1) {
        out.push(b.subarray(offset));
        offset = b.length;
      } else {
        out.push(b.subarray(offset, index + e), nl);
        offset = index + e + 1;
      }
    }
  }
  out.push(b.subarray(offset));
  return fromUtf8(Buffer.concat(out));
}

const isConnector = (c: number): boolean => c === 0x2d || c === 0x5f || isSpace(c);

/** xstrings.ToPascalCase (Sprig's `camelcase`). */
export function pascalCase(s: string): string {
  if (s === '') return '';
  const cps = [...goRunes(s)];
  let out = '';
  let i = 0;
  let r0 = '';
  for (; i < cps.length; ) {
    r0 = cps[i++]!;
    if (!isConnector(r0.codePointAt(0)!)) {
      r0 = toUpperRune(r0);
      break;
    }
    out += r0;
  }
  // xstrings writes the last rune read once more, even a connector already written ("-" → "--").
  if (i >= cps.length) return out + r0;
  // Observed with Helm 3.17 (xstrings v1.5.0 ToPascalCase): an all-caps run that starts a word
  // (the first, or one after a connector) is lowered after its first letter ("ALLCAPS_x" →
  // "AllcapsX", "HELLO WORLD" → "HelloWorld", "aB_CD" → "ABCd"; "fooBar" → "FooBar").
  let leadingCaps = isUpper(r0.codePointAt(0)!) && r0 === cps[i - 1];
  while (i < cps.length) {
    const r1 = r0;
    r0 = cps[i++]!;
    if (leadingCaps) {
      if (isUpper(r0.codePointAt(0)!)) r0 = toLowerRune(r0);
      else leadingCaps = false;
    }
    const c0 = isConnector(r0.codePointAt(0)!);
    const c1 = isConnector(r1.codePointAt(0)!);
    if (c0 && c1) {
      out += r1;
      continue;
    }
    if (c1) {
      leadingCaps = isUpper(r0.codePointAt(0)!);
      r0 = toUpperRune(r0);
    } else out += r1;
  }
  return out + r0;
}

const enum W {
  Invalid,
  Number,
  Upper,
  Alpha,
  Connector,
  Punct,
  Other,
}

function isAlphabet(c: number): boolean {
  if (!isLetter(c)) return false;
  // xstrings excludes CJK ideographs and other scripts without case from "alphabet".
  if (c < 0x2e80) return true;
  return !/\p{Script=Han}|\p{Script=Hiragana}|\p{Script=Katakana}|\p{Script=Hangul}/u.test(String.fromCodePoint(c));
}

function nextWord(cps: string[], start: number): [W, number] {
  if (start >= cps.length) return [W.Invalid, start];
  const cp = (i: number): number => cps[i]!.codePointAt(0)!;
  let i = start;
  const r = cp(i++);
  if (isConnector(r)) {
    while (i < cps.length && isConnector(cp(i))) i++;
    return [W.Connector, i];
  }
  if (isPunct(r)) {
    while (i < cps.length && isPunct(cp(i))) i++;
    return [W.Punct, i];
  }
  if (isUpper(r)) {
    if (i >= cps.length) return [W.Upper, i];
    const r2 = cp(i);
    if (isUpper(r2)) {
      i++;
      while (i < cps.length && isUpper(cp(i))) i++;
      if (i < cps.length && isAlphabet(cp(i))) i--;
    } else if (isAlphabet(r2)) {
      i++;
      while (i < cps.length && isAlphabet(cp(i)) && !isUpper(cp(i))) i++;
    }
    return [W.Upper, i];
  }
  if (isAlphabet(r)) {
    while (i < cps.length && isAlphabet(cp(i)) && !isUpper(cp(i))) i++;
    return [W.Alpha, i];
  }
  if (isNumber(r)) {
    while (i < cps.length && isNumber(cp(i))) i++;
    return [W.Number, i];
  }
  while (i < cps.length) {
    const c = cp(i);
    if (isConnector(c) || isAlphabet(c) || isNumber(c) || isPunct(c)) break;
    i++;
  }
  return [W.Other, i];
}

/** xstrings camelCaseToLowerCase (snakecase / kebabcase). */
export function camelToLower(s: string, connector: string): string {
  if (s === '') return '';
  const cps = [...s];
  let out = '';
  const lower = (wt: W, word: string[]): void => {
    if (wt !== W.Upper && wt !== W.Connector) {
      out += word.join('');
      return;
    }
    for (const ch of word) {
      const c = ch.codePointAt(0)!;
      out += isConnector(c) ? connector : isUpper(c) ? toLowerRune(ch) : ch;
    }
  };
  let pos = 0;
  const next = (): [W, string[]] => {
    const [wt, end] = nextWord(cps, pos);
    const word = cps.slice(pos, end);
    pos = end;
    return [wt, word];
  };
  let [wt, word] = next();
  while (pos < cps.length) {
    if (wt !== W.Connector) lower(wt, word);
    const prev = wt;
    const last = word;
    [wt, word] = next();
    switch (prev) {
      case W.Number:
        while (wt === W.Alpha || wt === W.Number) {
          lower(wt, word);
          [wt, word] = next();
        }
        if (wt !== W.Invalid && wt !== W.Punct && wt !== W.Connector) out += connector;
        break;
      case W.Connector:
        lower(prev, last);
        break;
      case W.Punct:
        break;
      default: {
        if (wt !== W.Number) {
          if (wt !== W.Connector && wt !== W.Punct) out += connector;
          break;
        }
        if (pos >= cps.length) break;
        const numWord = word;
        [wt, word] = next();
        if (wt !== W.Alpha) {
          lower(W.Number, numWord);
          if (wt !== W.Connector && wt !== W.Punct) out += connector;
          break;
        }
        out += connector;
        lower(W.Number, numWord);
        while (wt === W.Alpha || wt === W.Number) {
          lower(wt, word);
          [wt, word] = next();
        }
        if (wt !== W.Invalid && wt !== W.Connector && wt !== W.Punct) out += connector;
      }
    }
  }
  lower(wt, word);
  return out;
}

/** Sprig's strslice (`toStrings`): nils dropped, each element through strval. */
export function strslice(v: GoValue): string[] {
  const items = Array.isArray(v) ? v : v instanceof Uint8Array ? Array.from(v, (b) => BigInt(b)) : undefined;
  if (items) return items.filter((x) => x !== null && x !== undefined).map(strval);
  if (v === null || v === undefined) return [];
  return [strval(v)];
}

/** strings.Split (sep "" splits into runes). */
export function goSplit(s: string, sep: string, n = -1): string[] {
  if (n === 0) return [];
  if (sep === '') {
    const cps = [...s];
    if (n < 0 || n >= cps.length) return cps;
    return [...cps.slice(0, n - 1), cps.slice(n - 1).join('')];
  }
  const parts = s.split(sep);
  if (n < 0 || parts.length <= n) return parts;
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

const ALPHA = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';

function randomString(count: number, alphabet: string, random: () => number, fn: string): string {
  if (count < 0) throw new Error(`${fn}: Requested random string length ${count} is less than 0.`);
  let out = '';
  for (let i = 0; i < count; i++) out += alphabet[Math.floor(random() * alphabet.length)];
  return out;
}

/** String functions of Sprig. */
export function stringFuncs(random: () => number): FuncMap {
  let ascii = '';
  for (let c = 32; c <= 126; c++) ascii += String.fromCharCode(c);
  const s1 = (fn: string, f: (s: string) => GoValue) => (...a: GoValue[]) => {
    arity(a, fn, 1);
    return f(argString(a[0], fn));
  };
  const s2 = (fn: string, f: (a: string, b: string) => GoValue) => (...a: GoValue[]) => {
    arity(a, fn, 2);
    return f(argString(a[0], fn), argString(a[1], fn));
  };
  return {
    hello: () => 'Hello!',
    abbrev: (...a) => {
      arity(a, 'abbrev', 2);
      const w = argInt(a[0], 'abbrev');
      const s = argString(a[1], 'abbrev');
      return w < 4 ? s : abbreviateFull(s, 0, w);
    },
    abbrevboth: (...a) => {
      arity(a, 'abbrevboth', 3);
      const l = argInt(a[0], 'abbrevboth');
      const r = argInt(a[1], 'abbrevboth');
      const s = argString(a[2], 'abbrevboth');
      if (r < 4 || (l > 0 && r < 7)) return s;
      return abbreviateFull(s, l, r);
    },
    trunc: (...a) => {
      arity(a, 'trunc', 2);
      const c = argInt(a[0], 'trunc');
      const s = argString(a[1], 'trunc');
      const len = byteLen(s);
      if (c < 0 && len + c > 0) return byteSlice(s, len + c);
      if (c >= 0 && len > c) return byteSlice(s, 0, c);
      return s;
    },
    trim: s1('trim', trimSpace),
    upper: s1('upper', goUpper),
    lower: s1('lower', goLower),
    title: s1('title', title),
    untitle: s1('untitle', untitle),
    substr: (...a) => {
      arity(a, 'substr', 3);
      const start = argInt(a[0], 'substr');
      const end = argInt(a[1], 'substr');
      const s = argString(a[2], 'substr');
      if (start < 0) return byteSlice(s, 0, end);
      if (end < 0 || end > byteLen(s)) return byteSlice(s, start);
      return byteSlice(s, start, end);
    },
    repeat: (...a) => {
      arity(a, 'repeat', 2);
      const n = argInt(a[0], 'repeat');
      const s = argString(a[1], 'repeat');
      if (n < 0) throw new Error('strings: negative Repeat count');
      return s.repeat(n);
    },
    trimall: s2('trimall', (a, b) => trimCutset(b, a)),
    trimAll: s2('trimAll', (a, b) => trimCutset(b, a)),
    trimSuffix: s2('trimSuffix', (a, b) => (a !== '' && b.endsWith(a) ? b.slice(0, b.length - a.length) : b)),
    trimPrefix: s2('trimPrefix', (a, b) => (b.startsWith(a) ? b.slice(a.length) : b)),
    nospace: s1('nospace', nospace),
    initials: s1('initials', initials),
    randAlphaNum: (...a) => randomString(argInt(a[0], 'randAlphaNum'), ALPHA + DIGITS, random, 'randAlphaNum'),
    randAlpha: (...a) => randomString(argInt(a[0], 'randAlpha'), ALPHA, random, 'randAlpha'),
    randAscii: (...a) => randomString(argInt(a[0], 'randAscii'), ascii, random, 'randAscii'),
    randNumeric: (...a) => randomString(argInt(a[0], 'randNumeric'), DIGITS, random, 'randNumeric'),
    swapcase: s1('swapcase', swapcase),
    shuffle: s1('shuffle', (s) => {
      const r = [...s];
      for (let i = r.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [r[i], r[j]] = [r[j]!, r[i]!];
      }
      return r.join('');
    }),
    snakecase: s1('snakecase', (s) => camelToLower(s, '_')),
    camelcase: s1('camelcase', pascalCase),
    kebabcase: s1('kebabcase', (s) => camelToLower(s, '-')),
    wrap: (...a) => {
      arity(a, 'wrap', 2);
      return wrapCustom(argString(a[1], 'wrap'), argInt(a[0], 'wrap'), '', false);
    },
    wrapWith: (...a) => {
      arity(a, 'wrapWith', 3);
      return wrapCustom(argString(a[2], 'wrapWith'), argInt(a[0], 'wrapWith'), argString(a[1], 'wrapWith'), true);
    },
    contains: s2('contains', (sub, s) => s.includes(sub)),
    hasPrefix: s2('hasPrefix', (sub, s) => s.startsWith(sub)),
    hasSuffix: s2('hasSuffix', (sub, s) => s.endsWith(sub)),
    quote: (...a) =>
      a
        .map(argAny)
        .filter((x) => x !== null)
        .map((x) => goQuote(strval(x)))
        .join(' '),
    squote: (...a) =>
      a
        .map(argAny)
        .filter((x) => x !== null)
        .map((x) => `'${fmtV(x)}'`)
        .join(' '),
    cat: (...a) =>
      a
        .map(argAny)
        .filter((x) => x !== null)
        .map(fmtV)
        .join(' '),
    indent: (...a) => {
      arity(a, 'indent', 2);
      const pad = ' '.repeat(Math.max(0, argInt(a[0], 'indent')));
      return pad + argString(a[1], 'indent').replaceAll('\n', `\n${pad}`);
    },
    nindent: (...a) => {
      arity(a, 'nindent', 2);
      const pad = ' '.repeat(Math.max(0, argInt(a[0], 'nindent')));
      return `\n${pad}${argString(a[1], 'nindent').replaceAll('\n', `\n${pad}`)}`;
    },
    replace: (...a) => {
      arity(a, 'replace', 3);
      const [o, n, s] = [argString(a[0], 'replace'), argString(a[1], 'replace'), argString(a[2], 'replace')];
      if (o === '') {
        // strings.Replace with an empty old string inserts `new` around every rune.
        return n + [...s].join(n) + (s === '' ? '' : n);
      }
      return s.split(o).join(n);
    },
    plural: (...a) => {
      arity(a, 'plural', 3);
      const one = argString(a[0], 'plural');
      const many = argString(a[1], 'plural');
      return argInt(a[2], 'plural') === 1 ? one : many;
    },
    toString: (...a: GoValue[]) => {
      arity(a, 'toString', 1);
      return strval(argAny(a[0]));
    },
    toStrings: (...a) => {
      arity(a, 'toStrings', 1);
      return typedSlice(strslice(argAny(a[0])), '[]string');
    },
    split: s2('split', (sep, orig) => Object.fromEntries(goSplit(orig, sep).map((p, i) => [`_${i}`, p]))),
    splitList: s2('splitList', (sep, orig) => typedSlice(goSplit(orig, sep), '[]string')),
    splitn: (...a) => {
      arity(a, 'splitn', 3);
      const sep = argString(a[0], 'splitn');
      const n = argInt(a[1], 'splitn');
      const orig = argString(a[2], 'splitn');
      return Object.fromEntries(goSplit(orig, sep, n).map((p, i) => [`_${i}`, p]));
    },
    join: (...a) => {
      arity(a, 'join', 2);
      return strslice(argAny(a[1])).join(argString(a[0], 'join'));
    },
    sortAlpha: (...a) => {
      arity(a, 'sortAlpha', 1);
      const v = argAny(a[0]);
      return typedSlice(sliceItems(v) ? strslice(v).sort(compareBytes) : [strval(v)], '[]string');
    },
  };
}

/** Go string comparison (byte-wise UTF-8 order). */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(utf8(a), utf8(b));
}
