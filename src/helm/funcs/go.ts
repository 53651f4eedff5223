/**
 * Go runtime behaviour the template functions rely on: `fmt`'s `%v`, spf13/cast conversions,
 * Sprig's `empty`, `reflect.DeepEqual`, kind and type names, and argument checks that mirror how
 * text/template converts arguments to a function's declared parameter types.
 */
import type { GoMap, GoValue } from '../template/values.js';
import { isGoMap } from '../template/values.js';
import { goTypeName } from '../template/fmt.js';
import { fromUtf8 } from './unicode.js';
import { underscoreOK } from '../template/strconv.js';

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** Wraps a bigint to int64 as Go's two's-complement arithmetic does. */
export function wrapInt64(n: bigint): bigint {
  return BigInt.asIntN(64, n);
}

/** Go's `int64(f)` for a float64 (amd64: out-of-range and NaN give the minimum int64). */
export function floatToInt64(f: number): bigint {
  if (!Number.isFinite(f)) return INT64_MIN;
  const t = Math.trunc(f);
  if (t >= 9223372036854775808 || t < -9223372036854775808) return INT64_MIN;
  return BigInt(t);
}

/** strconv.FormatFloat(f, 'g', -1, 64): shortest digits, exponent when exp < -4 || exp >= eprec. */
export function formatFloat(f: number, eprecShortest = 6): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [mant, expStr] = f.toExponential().split('e') as [string, string];
  const exp = Number(expStr);
  if (exp < -4 || exp >= eprecShortest) {
    const sign = exp < 0 ? '-' : '+';
    const abs = Math.abs(exp);
    return `${mant}e${sign}${abs < 10 ? '0' : ''}${abs}`;
  }
  // Plain decimal with the shortest digits.
  const digits = mant.replace('.', '').replace('-', '');
  const neg = f < 0 ? '-' : '';
  const point = exp + 1;
  if (point <= 0) return `${neg}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${neg}${digits}${'0'.repeat(point - digits.length)}`;
  return `${neg}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** fmt's `%v` for a float64 (`%g` with shortest precision: exponent from 1e+06). */
export function formatFloatV(f: number): string {
  return formatFloat(f, 6);
}

function hasMethod(v: object, name: string): boolean {
  return typeof (v as Record<string, unknown>)[name] === 'function';
}

/** fmt.Sprintf("%v", v). */
export function fmtV(v: GoValue): string {
  if (v === null || v === undefined) return '<nil>';
  switch (typeof v) {
    case 'string':
      return v;
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return formatFloatV(v);
    case 'bigint':
      return v.toString();
    case 'function':
      return '0x0';
    default:
      break;
  }
  if (v instanceof Uint8Array) return `[${Array.from(v).join(' ')}]`;
  if (Array.isArray(v)) return `[${v.map(fmtV).join(' ')}]`;
  if (isGoMap(v)) {
    const keys = Object.keys(v).sort();
    return `map[${keys.map((k) => `${k}:${fmtV(v[k])}`).join(' ')}]`;
  }
  if (typeof v === 'object') {
    if (hasMethod(v, 'Error')) return String((v as { Error(): unknown }).Error());
    if (hasMethod(v, 'String')) return String((v as { String(): unknown }).String());
    const fields = Object.entries(v as Record<string, unknown>).filter(([, x]) => typeof x !== 'function');
    return `{${fields.map(([, x]) => fmtV(x)).join(' ')}}`;
  }
  return String(v);
}

/** Sprig's `strval`: strings and []byte as text, Stringers via String(), else `%v`. */
export function strval(v: GoValue): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return fromUtf8(v);
  return fmtV(v);
}

/** Go's `%q` (strconv.Quote): double-quoted with Go escapes, non-printable as \x/\u. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\v':
        out += '\\v';
        continue;
      default:
        break;
    }
    if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c >= 0xdc80 && c <= 0xdcff) out += `\\x${(c - 0xdc00).toString(16).padStart(2, '0')}`;
    else if (c >= 0xd800 && c <= 0xdfff) out += '\\ufffd';
    else if (!isPrint(c)) out += c > 0xffff ? `\\U${c.toString(16).padStart(8, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

const NON_PRINT = /[\p{C}\p{Zl}\p{Zp}]|[\p{Zs}]/u;
/** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and ASCII space. */
function isPrint(c: number): boolean {
  if (c === 0x20) return true;
  return !NON_PRINT.test(String.fromCodePoint(c));
}

/** reflect.Kind name of a value as Sprig's `kindOf` reports it. */
export function kindOf(v: GoValue): string {
  if (v === null || v === undefined) return 'invalid';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return 'float64';
    case 'bigint':
      return 'int';
    case 'function':
      return 'func';
    default:
      break;
  }
  if (v instanceof Uint8Array || Array.isArray(v)) return 'slice';
  if (isGoMap(v)) return 'map';
  return goTypeName(v).startsWith('*') ? 'ptr' : 'struct';
}

/** fmt's `%T` of a value (a template function value prints as Go's `func()`). */
export function typeOf(v: GoValue): string {
  return typeof v === 'function' ? 'func()' : goTypeName(v);
}

/** Sprig's `empty`: zero values, empty collections, nil. */
export function isEmpty(v: GoValue): boolean {
  if (v === null || v === undefined) return true;
  switch (typeof v) {
    case 'string':
      return v.length === 0;
    case 'boolean':
      return !v;
    case 'number':
      return v === 0;
    case 'bigint':
      return v === 0n;
    case 'function':
      return false;
    default:
      break;
  }
  if (v instanceof Uint8Array || Array.isArray(v)) return v.length === 0;
  if (isGoMap(v)) return Object.keys(v).length === 0;
  return false;
}

/** reflect.DeepEqual for the Go value model (int and float64 are different types). */
export function deepEqual(a: GoValue, b: GoValue): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (typeof a !== typeof b) return false;
  if (typeof a === 'number') return a === b; // NaN != NaN as in Go
  if (a === null || b === null || typeof a !== 'object') return a === b;
  if (a instanceof Uint8Array) return b instanceof Uint8Array && a.length === b.length && a.every((x, i) => x === b[i]);
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isGoMap(a)) {
    if (!isGoMap(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const ea = Object.entries(a as Record<string, unknown>);
  return ea.every(([k, x]) => deepEqual(x, (b as Record<string, unknown>)[k]));
}

/** strconv.ParseInt(s, base, 64) (base 0 reads 0x/0o/0b/0 prefixes and underscores). */
export function parseGoInt(s: string, base = 10): bigint | undefined {
  let t = s;
  let neg = false;
  if (t.startsWith('+') || t.startsWith('-')) {
    neg = t[0] === '-';
    t = t.slice(1);
  }
  if (t === '') return undefined;
  let b = base;
  if (base === 0) {
    if (t.includes('_')) {
      if (!underscoreOK(t)) return undefined;
      t = t.replace(/_/g, '');
    }
    b = 10;
    if (/^0[xX]/.test(t)) {
      b = 16;
      t = t.slice(2);
    } else if (/^0[oO]/.test(t)) {
      b = 8;
      t = t.slice(2);
    } else if (/^0[bB]/.test(t)) {
      b = 2;
      t = t.slice(2);
    } else if (t.length > 1 && t[0] === '0') {
      b = 8;
      t = t.slice(1);
    }
  }
  if (t === '') return undefined;
  const digits = '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, b);
  let n = 0n;
  for (const ch of t.toLowerCase()) {
    const d = digits.indexOf(ch);
    if (d < 0) return undefined;
    n = n * BigInt(b) + BigInt(d);
  }
  if (neg) n = -n;
  if (n < INT64_MIN || n > INT64_MAX) return undefined;
  return n;
}

/** strconv.ParseFloat(s, 64). */
export function parseGoFloat(s: string): number | undefined {
  if (s.includes('_') && !underscoreOK(s)) return undefined;
  const t = s.replace(/_/g, '');
  if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(t)) return NaN;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) {
    const n = Number(t);
    // Overflow is ErrRange in Go (cast then yields 0).
    return Number.isFinite(n) ? n : undefined;
  }
  if (/^[+-]?0[xX]/.test(t)) {
    const m = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)$/.exec(t);
    if (!m) return undefined;
    const mant = parseInt((m[2] ?? '') + (m[3] ?? '') || '0', 16) / 16 ** (m[3] ?? '').length;
    const r = mant * 2 ** Number(m[4]);
    return m[1] === '-' ? -r : r;
  }
  return undefined;
}


/** spf13/cast's trimZeroDecimal: "5.0" → "5", "5.50" unchanged. */
function trimZeroDecimal(s: string): string {
  let foundZero = false;
  for (let i = s.length; i > 0; i--) {
    const c = s[i - 1];
    if (c === '.') {
      if (foundZero) return s.slice(0, i - 1);
      return s;
    }
    if (c === '0') foundZero = true;
    else return s;
  }
  return s;
}

/** cast.ToInt64: numbers truncate, strings parse (base 0), bools are 0/1, anything else 0. */
export function toInt64(v: GoValue): bigint {
  switch (typeof v) {
    case 'bigint':
      return wrapInt64(v);
    case 'number':
      return floatToInt64(v);
    case 'boolean':
      return v ? 1n : 0n;
    case 'string':
      return parseGoInt(trimZeroDecimal(v), 0) ?? 0n;
    default:
      return 0n;
  }
}

/** cast.ToFloat64: numbers convert, strings parse, bools are 0/1, anything else 0. */
export function toFloat64(v: GoValue): number {
  switch (typeof v) {
    case 'bigint':
      return Number(v);
    case 'number':
      return v;
    case 'boolean':
      return v ? 1 : 0;
    case 'string':
      return parseGoFloat(v) ?? 0;
    default:
      return 0;
  }
}

// ---- argument checks (text/template converts arguments to parameter types) ----

function typeName(v: GoValue): string {
  return v === undefined ? 'interface {}' : typeOf(v);
}

/** A `string` parameter. */
export function argString(v: GoValue, fn: string): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) throw new Error(`${fn}: invalid value; expected string`);
  throw new Error(`${fn}: wrong type for value; expected string; got ${typeName(v)}`);
}

/** An `int` parameter (Go ints are bigint; float64 values are rejected as in Go). */
export function argInt(v: GoValue, fn: string): number {
  if (typeof v === 'bigint') return Number(BigInt.asIntN(64, v));
  if (v === null || v === undefined) throw new Error(`${fn}: invalid value; expected int`);
  throw new Error(`${fn}: wrong type for value; expected int; got ${typeName(v)}`);
}

/** A `bool` parameter. */
export function argBool(v: GoValue, fn: string): boolean {
  if (typeof v === 'boolean') return v;
  if (v === null || v === undefined) throw new Error(`${fn}: invalid value; expected bool`);
  throw new Error(`${fn}: wrong type for value; expected bool; got ${typeName(v)}`);
}

/** A `map[string]interface{}` parameter (nil maps are empty maps). */
export function argMap(v: GoValue, fn: string): GoMap {
  if (isGoMap(v)) return v;
  if (v === null || v === undefined) return {};
  throw new Error(`${fn}: wrong type for value; expected map[string]interface {}; got ${typeName(v)}`);
}

/** An `interface{}` parameter: a missing value is nil. */
export function argAny(v: GoValue): GoValue {
  return v === undefined ? null : v;
}

/** Number of arguments check, like text/template's "wrong number of args". */
export function arity(args: GoValue[], fn: string, min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    throw new Error(`wrong number of args for ${fn}: want ${want} got ${args.length}`);
  }
}

/** Elements of a slice-like value (Array, []byte), or undefined. */
export function sliceItems(v: GoValue): GoValue[] | undefined {
  if (Array.isArray(v)) return v;
  if (v instanceof Uint8Array) return Array.from(v, (b) => BigInt(b));
  return undefined;
}
