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

/**
 * Go strings are bytes; JS strings are UTF-16. Bytes that are not valid UTF-8 (e.g. from
 * `b64dec` of binary data) are kept as lone surrogates U+DC80–U+DCFF ("surrogateescape"), so
 * `b64dec | b64enc` and hashes round-trip exactly; `utf8` turns them back into the raw bytes.
 */
const ESCAPED = /[\uDC80-\uDCFF]/;
const fatal = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 bytes of a string (escaped raw bytes restored). */
export function utf8(s: string): Buffer {
  if (!ESCAPED.test(s)) return Buffer.from(s, 'utf8');
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const prevHigh = i > 0 && s.charCodeAt(i - 1) >= 0xd800 && s.charCodeAt(i - 1) <= 0xdbff;
    if (c >= 0xdc80 && c <= 0xdcff && !prevHigh) {
      out.push(c - 0xdc00);
      continue;
    }
    let ch = s[i]!;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) ch += s[++i];
    out.push(...Buffer.from(ch, 'utf8'));
  }
  return Buffer.from(out);
}

/** Decodes UTF-8 bytes; invalid bytes become U+DC80+byte (see {@link utf8}). */
export function fromUtf8(b: Uint8Array): string {
  try {
    return fatal.decode(b);
  } catch {
    let out = '';
    let i = 0;
    while (i < b.length) {
      const x = b[i]!;
      const n = x < 0x80 ? 1 : x >= 0xc2 && x <= 0xdf ? 2 : x >= 0xe0 && x <= 0xef ? 3 : x >= 0xf0 && x <= 0xf4 ? 4 : 0;
      if (n > 0 && i + n <= b.length) {
        try {
          out += fatal.decode(b.subarray(i, i + n));
          i += n;
          continue;
        } catch {
          // fall through: escape this byte
        }
      }
      out += String.fromCharCode(0xdc00 + x);
      i++;
    }
    return out;
  }
}

/** Go's len(s): the number of UTF-8 bytes. */
export function byteLen(s: string): number {
  return ESCAPED.test(s) ? utf8(s).length : Buffer.byteLength(s, 'utf8');
}

/** s[start:end] on UTF-8 bytes. */
export function byteSlice(s: string, start: number, end?: number): string {
  const b = utf8(s);
  const e = end ?? b.length;
  if (start < 0 || e > b.length || start > e) throw new Error(`runtime error: slice bounds out of range [${start}:${e}] with length ${b.length}`);
  return fromUtf8(b.subarray(start, e));
}
