/** Go's `unicode` predicates and per-rune case mapping, and byte-level string helpers. */
import { ESCAPED, fromUtf8, utf8 } from '../template/bytes.js';

/** unicode.IsSpace. */
export function isSpace(c: number): boolean {
  if (c <= 0xff) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0x85 || c === 0xa0;
  return c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

const LETTER = /^\p{L}$/u;
const DIGIT = /^\p{Nd}$/u;
const NUMBER = /^\p{N}$/u;
const UPPER = /^\p{Lu}$/u;
const LOWER = /^\p{Ll}$/u;
const TITLE = /^\p{Lt}$/u;
const PUNCT = /^\p{P}$/u;

export const isLetter = (c: number): boolean => (c < 0x80 ? (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) : LETTER.test(String.fromCodePoint(c)));
export const isDigit = (c: number): boolean => (c < 0x80 ? c >= 0x30 && c <= 0x39 : DIGIT.test(String.fromCodePoint(c)));
export const isNumber = (c: number): boolean => NUMBER.test(String.fromCodePoint(c));
export const isUpper = (c: number): boolean => UPPER.test(String.fromCodePoint(c));
export const isLower = (c: number): boolean => LOWER.test(String.fromCodePoint(c));
export const isTitle = (c: number): boolean => TITLE.test(String.fromCodePoint(c));
export const isPunct = (c: number): boolean => PUNCT.test(String.fromCodePoint(c));

function mapSingle(ch: string, mapped: string): string {
  return [...mapped].length === 1 ? mapped : ch;
}

/** Greek letters with ypogegrammeni: the simple upper mapping (Go) is the titlecase letter. */
function greekIotaUpper(c: number): number | undefined {
  if ((c >= 0x1f80 && c <= 0x1f87) || (c >= 0x1f90 && c <= 0x1f97) || (c >= 0x1fa0 && c <= 0x1fa7)) return c + 8;
  if (c === 0x1fb3 || c === 0x1fc3 || c === 0x1ff3) return c + 9;
  return undefined;
}

/** unicode.ToUpper on one rune (no multi-rune special casing, as in Go). */
export function toUpperRune(ch: string): string {
  const g = greekIotaUpper(ch.codePointAt(0)!);
  if (g !== undefined) return String.fromCodePoint(g);
  return mapSingle(ch, ch.toUpperCase());
}

/** unicode.ToLower on one rune. */
export function toLowerRune(ch: string): string {
  if (ch === '\u0130') return 'i';
  return mapSingle(ch, ch.toLowerCase());
}

const TITLE_MAP: Record<string, string> = { ǆ: 'ǅ', Ǆ: 'ǅ', ǅ: 'ǅ', ǉ: 'ǈ', Ǉ: 'ǈ', ǈ: 'ǈ', ǌ: 'ǋ', Ǌ: 'ǋ', ǋ: 'ǋ', ǳ: 'ǲ', Ǳ: 'ǲ', ǲ: 'ǲ' };

/** unicode.ToTitle on one rune. */
export function toTitleRune(ch: string): string {
  return TITLE_MAP[ch] ?? toUpperRune(ch);
}

/**
 * The string as Go's rune loops re-encode it (`for range`, strings.Map, WriteRune): bytes that
 * are not UTF-8 (escaped, see ../template/bytes.ts) become U+FFFD.
 */
export function goRunes(s: string): string {
  return ESCAPED.test(s) ? s.replace(/(?<![\uD800-\uDBFF])[\uDC80-\uDCFF]/g, '\uFFFD') : s;
}

/** strings.ToUpper. */
export function goUpper(s: string): string {
  let out = '';
  for (const ch of goRunes(s)) out += toUpperRune(ch);
  return out;
}

/** strings.ToLower. */
export function goLower(s: string): string {
  let out = '';
  for (const ch of goRunes(s)) out += toLowerRune(ch);
  return out;
}

export { fromUtf8, utf8 } from '../template/bytes.js';

/** Go's len(s): the number of UTF-8 bytes. */
export function byteLen(s: string): number {
  return ESCAPED.test(s) ? utf8(s).length : Buffer.byteLength(s, 'utf8');
}

/** s[start:end] on UTF-8 bytes. */
export function byteSlice(s: string, start: number, end?: number): string {
  const b = utf8(s);
  const e = end ?? b.length;
  // Go's runtime checks (and words) the high bound first, then the low one.
  const bounds = (what: string) => new Error(`runtime error: slice bounds out of range ${what}`);
  if (e < 0) throw bounds(`[:${e}]`);
  if (e > b.length) throw bounds(`[:${e}] with length ${b.length}`);
  if (start < 0) throw bounds(`[${start}:]`);
  if (start > e) throw bounds(`[${start}:${e}]`);
  return fromUtf8(b.subarray(start, e));
}
