/**
 * Go strings are bytes; JS strings are UTF-16. Bytes that are not valid UTF-8 (e.g. from
 * `b64dec` of binary data) are kept as lone surrogates U+DC80–U+DCFF ("surrogateescape"), so
 * `b64dec | b64enc` and hashes round-trip exactly; `utf8` turns them back into the raw bytes.
 * Shared by the template builtins and fmt (`len`, `index`, `slice`, `lt`, `%q`, `%x`) and by the
 * Sprig functions.
 */
export const ESCAPED = /[\uDC80-\uDCFF]/;
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

