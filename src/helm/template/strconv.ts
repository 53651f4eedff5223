/**
 * The parts of Go's strconv that fmt and text/template need: float formatting with Go's exact
 * rounding ('e', 'f', 'g' with or without precision, shortest), and string/rune quoting.
 */

/** Exact decimal digits of a finite, non-negative double: value = 0.DIGITS × 10^dp. */
interface Decimal {
  d: string; // digits, no leading zeros ('' for zero)
  dp: number;
}

function exactDecimal(x: number): Decimal {
  if (x === 0) return { d: '', dp: 0 };
  // x = mant × 2^exp exactly.
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (biased === 0) exp = -1074;
  else {
    mant |= 1n << 52n;
    exp = biased - 1075;
  }
  let digits: string;
  let dp: number;
  if (exp >= 0) {
    digits = (mant << BigInt(exp)).toString();
    dp = digits.length;
  } else {
    // mant / 2^-exp = mant × 5^-exp / 10^-exp
    const n = mant * 5n ** BigInt(-exp);
    digits = n.toString();
    dp = digits.length - -exp;
  }
  digits = digits.replace(/0+$/, '');
  const lead = digits.length - digits.replace(/^0+/, '').length;
  digits = digits.slice(lead);
  dp -= lead;
  return { d: digits, dp };
}

/** Rounds to `nd` digits, half to even on exact ties (the decimal is exact, so ties are real). */
function roundDecimal(a: Decimal, nd: number): Decimal {
  if (nd < 0) return { d: '', dp: 0 };
  if (nd >= a.d.length) return a;
  const next = a.d.charCodeAt(nd) - 48;
  let up: boolean;
  if (next > 5) up = true;
  else if (next < 5) up = false;
  else if (nd + 1 < a.d.length) up = true; // more nonzero digits follow (trailing zeros stripped)
  else up = nd > 0 && (a.d.charCodeAt(nd - 1) - 48) % 2 === 1;
  let d = a.d.slice(0, nd);
  let dp = a.dp;
  if (up) {
    let i = d.length - 1;
    const arr = d.split('');
    while (i >= 0 && arr[i] === '9') {
      arr[i] = '0';
      i--;
    }
    if (i < 0) {
      arr.unshift('1');
      dp++;
      arr.pop();
      if (nd === 0) {
        return { d: '1', dp: dp };
      }
    } else arr[i] = String.fromCharCode(arr[i]!.charCodeAt(0) + 1);
    d = arr.join('');
  }
  d = d.replace(/0+$/, '');
  if (d === '' && !up) return { d: '', dp: 0 };
  return { d, dp };
}

/** Shortest digits that round-trip (JS Number→String gives the same digits as Go's shortest). */
function shortestDecimal(x: number): Decimal {
  if (x === 0) return { d: '', dp: 0 };
  const [m, e] = x.toExponential().split('e') as [string, string];
  const d = m.replace('.', '').replace(/0+$/, '');
  return { d, dp: Number(e) + 1 };
}

function digitAt(d: Decimal, i: number): string {
  return i >= 0 && i < d.d.length ? d.d[i]! : '0';
}

function fmtE(d: Decimal, prec: number, fmt: 'e' | 'E'): string {
  let s = d.d.length === 0 ? '0' : d.d[0]!;
  if (prec > 0) {
    s += '.';
    for (let i = 1; i <= prec; i++) s += digitAt(d, i);
  }
  const exp = d.d.length === 0 ? 0 : d.dp - 1;
  const sign = exp < 0 ? '-' : '+';
  const ae = Math.abs(exp);
  return `${s}${fmt}${sign}${ae < 10 ? '0' : ''}${ae}`;
}

function fmtF(d: Decimal, prec: number): string {
  let s = '';
  if (d.dp > 0) {
    for (let i = 0; i < d.dp; i++) s += digitAt(d, i);
  } else s = '0';
  if (prec > 0) {
    s += '.';
    for (let i = 0; i < prec; i++) s += digitAt(d, d.dp + i);
  }
  return s;
}

/** strconv.FormatFloat(x, fmt, prec, 64) for fmt in e E f F g G (prec -1 = shortest). */
export function formatFloat(x: number, fmt: string, prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  const neg = x < 0 || Object.is(x, -0);
  const ax = Math.abs(x);
  let body: string;
  if (fmt === 'x' || fmt === 'X') body = fmtX(ax, prec, fmt);
  else if (fmt === 'b') body = fmtB(ax);
  else {
    const shortest = prec < 0;
    let d: Decimal;
    const lower = fmt.toLowerCase();
    if (shortest) {
      d = shortestDecimal(ax);
      if (lower === 'e') prec = Math.max(d.d.length - 1, 0);
      else if (lower === 'f') prec = Math.max(d.d.length - d.dp, 0);
      else prec = d.d.length;
    } else {
      const exact = exactDecimal(ax);
      if (lower === 'e') d = roundDecimal(exact, prec + 1);
      else if (lower === 'f') d = roundDecimal(exact, exact.dp + prec);
      else {
        if (prec === 0) prec = 1;
        d = roundDecimal(exact, prec);
      }
    }
    if (lower === 'e') body = fmtE(d, prec, fmt === 'E' ? 'E' : 'e');
    else if (lower === 'f') body = fmtF(d, prec);
    else {
      let eprec = prec;
      const nd = d.d.length;
      if (eprec > nd && nd >= d.dp) eprec = nd;
      if (shortest) eprec = 6;
      const exp = d.dp - 1;
      if (exp < -4 || exp >= eprec) {
        body = fmtE(d, Math.max(nd - 1, 0), fmt === 'G' ? 'E' : 'e');
      } else body = fmtF(d, Math.max(nd - d.dp, 0));
    }
  }
  return (neg ? '-' : '') + body;
}

function fmtB(x: number): string {
  if (x === 0) return '0p-1074';
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp = biased - 1075;
  if (biased === 0) exp = -1074;
  else mant |= 1n << 52n;
  return `${mant}p${exp >= 0 ? '+' : ''}${exp}`;
}

function fmtX(x: number, prec: number, fmt: 'x' | 'X'): string {
  let mant = 0n;
  let exp = 0;
  if (x !== 0) {
    const buf = new DataView(new ArrayBuffer(8));
    buf.setFloat64(0, x);
    const hi = buf.getUint32(0);
    const lo = buf.getUint32(4);
    const biased = (hi >>> 20) & 0x7ff;
    mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
    if (biased === 0) {
      exp = -1022;
      // normalise
      while (mant < 1n << 52n) {
        mant <<= 1n;
        exp--;
      }
    } else {
      mant |= 1n << 52n;
      exp = biased - 1023;
    }
  }
  // mant has 53 bits: 1.xxxxx (13 hex digits of fraction)
  let frac = mant & ((1n << 52n) - 1n);
  let lead = x === 0 ? 0n : 1n;
  let hex = frac.toString(16).padStart(13, '0');
  if (prec >= 0 && prec < 13) {
    const shift = BigInt(4 * (13 - prec));
    const full = (lead << 52n) | frac;
    const half = 1n << (shift - 1n);
    const rem = full & ((1n << shift) - 1n);
    let q = full >> shift;
    if (rem > half || (rem === half && (q & 1n) === 1n)) q++;
    let full2 = q << shift;
    if (full2 >> 53n) {
      full2 >>= 1n;
      exp++;
    }
    lead = full2 >> 52n;
    frac = full2 & ((1n << 52n) - 1n);
    hex = frac.toString(16).padStart(13, '0').slice(0, prec);
  } else if (prec < 0) hex = hex.replace(/0+$/, '');
  else hex = hex + '0'.repeat(prec - 13);
  let s = `0x${lead}${hex ? `.${hex}` : ''}p${exp >= 0 ? '+' : '-'}${String(Math.abs(exp)).padStart(2, '0')}`;
  if (fmt === 'X') s = s.toUpperCase();
  return s;
}

/** unicode.IsPrint (approximation by Unicode general category). */
const PRINT = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

export function isPrint(cp: number): boolean {
  if (cp < 0x7f) return cp >= 0x20;
  if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) return false;
  return PRINT.test(String.fromCodePoint(cp));
}

function escapeRune(cp: number, quote: number, ascii: boolean): string {
  if (cp === quote) return `\\${String.fromCharCode(quote)}`;
  if (cp === 0x5c) return '\\\\';
  if (ascii ? cp < 0x80 && isPrint(cp) : isPrint(cp)) return String.fromCodePoint(cp);
  switch (cp) {
    case 7:
      return '\\a';
    case 8:
      return '\\b';
    case 12:
      return '\\f';
    case 10:
      return '\\n';
    case 13:
      return '\\r';
    case 9:
      return '\\t';
    case 11:
      return '\\v';
  }
  if (cp < 0x20 || cp === 0x7f) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp >= 0xd800 && cp < 0xe000) return '\\ufffd';
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\U${cp.toString(16).padStart(8, '0')}`;
}

/** strconv.Quote / QuoteToASCII. */
export function quote(s: string, ascii = false): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    // a raw byte that is not UTF-8 (kept as U+DC80+byte, see bytes.ts): Go writes \xNN
    out += cp >= 0xdc80 && cp <= 0xdcff ? `\\x${(cp - 0xdc00).toString(16).padStart(2, '0')}` : escapeRune(cp, 0x22, ascii);
  }
  return `${out}"`;
}

/** strconv.QuoteRune / QuoteRuneToASCII. */
export function quoteRune(cp: number, ascii = false): string {
  if (cp > 0x10ffff || cp < 0 || (cp >= 0xd800 && cp < 0xe000)) cp = 0xfffd;
  return `'${escapeRune(cp, 0x27, ascii)}'`;
}

/** strconv.CanBackquote. */
export function canBackquote(s: string): boolean {
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0xfeff) return false;
    if (cp === 0x60) return false;
    if (cp < 0x20 && cp !== 9) return false;
    if (cp === 0x7f) return false;
    if (cp === 0xfffd) return false;
  }
  return true;
}

/** strconv's underscoreOK: underscores only between digits (a base prefix counts as a digit). */
export function underscoreOK(text: string): boolean {
  let s = text;
  let saw = '^';
  let i = 0;
  if (s[0] === '-' || s[0] === '+') s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'bBoOxX'.includes(s[1]!)) {
    i = 2;
    saw = '0';
    hex = s[1] === 'x' || s[1] === 'X';
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= '0' && c <= '9') || (hex && /[a-fA-F]/.test(c))) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}
