/** Go's `unicode` predicates and per-rune case mapping, and byte-level string helpers. */

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

export const isLetter = (c: number): boolean => LETTER.test(String.fromCodePoint(c));
export const isDigit = (c: number): boolean => DIGIT.test(String.fromCodePoint(c));
export const isNumber = (c: number): boolean => NUMBER.test(String.fromCodePoint(c));
export const isUpper = (c: number): boolean => UPPER.test(String.fromCodePoint(c));
export const isLower = (c: number): boolean => LOWER.test(String.fromCodePoint(c));
export const isTitle = (c: number): boolean => TITLE.test(String.fromCodePoint(c));
export const isPunct = (c: number): boolean => PUNCT.test(String.fromCodePoint(c));

function mapSingle(ch: string, mapped: string): string {
  return [...mapped].length === 1 ? mapped : ch;
}

/** unicode.ToUpper on one rune (no multi-rune special casing, as in Go). */
export function toUpperRune(ch: string): string {
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

/** strings.ToUpper. */
export function goUpper(s: string): string {
  let out = '';
  for (const ch of s) out += toUpperRune(ch);
  return out;
}

/** strings.ToLower. */
export function goLower(s: string): string {
  let out = '';
  for (const ch of s) out += toLowerRune(ch);
  return out;
}

/** UTF-8 bytes of a string. */
export function utf8(s: string): Buffer {
  return Buffer.from(s, 'utf8');
}

/** Decodes UTF-8 bytes (invalid sequences become U+FFFD, as Go prints them). */
export function fromUtf8(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
}

/** Go's len(s): the number of UTF-8 bytes. */
export function byteLen(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** s[start:end] on UTF-8 bytes. */
export function byteSlice(s: string, start: number, end?: number): string {
  const b = utf8(s);
  const e = end ?? b.length;
  if (start < 0 || e > b.length || start > e) throw new Error(`runtime error: slice bounds out of range [${start}:${e}] with length ${b.length}`);
  return fromUtf8(b.subarray(start, e));
}
