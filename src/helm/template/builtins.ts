/**
 * text/template's builtin functions (`funcs.go`): comparison, index/slice/len, not, print family,
 * html/js/urlquery escaping. `and`, `or` and `call` are special-cased by the executor.
 */
import { goFunc } from './signature.js';
import { goTypeName, printForTemplate, sprint, sprintf, sprintln } from './fmt.js';
import { isPrint } from './strconv.js';
import { isGoMap } from './values.js';
import { fromUtf8, utf8 } from './bytes.js';
import type { FuncMap, GoValue } from './values.js';

/** Go's isTrue: zero values are false, as are nil and empty containers. */
export function isTrue(v: GoValue): boolean {
  if (v === undefined || v === null) return false;
  switch (typeof v) {
    case 'boolean':
      return v;
    case 'string':
      return v.length > 0;
    case 'bigint':
      return v !== 0n;
    case 'number':
      return v !== 0;
    case 'function':
      return true;
  }
  if (Array.isArray(v) || v instanceof Uint8Array) return v.length > 0;
  if (isGoMap(v)) return Object.keys(v).length > 0;
  return true;
}

type BasicKind = 'invalid' | 'bool' | 'int' | 'float' | 'string' | 'other';

function basicKind(v: GoValue): BasicKind {
  // A nil interface is indirected to an invalid value before comparison.
  if (v === undefined || v === null) return 'invalid';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float';
    case 'string':
      return 'string';
  }
  return 'other';
}

const errBadComparisonType = 'invalid type for comparison';
const errBadComparison = 'incompatible types for comparison';
const errNoComparison = 'missing argument for comparison';

function refKind(v: GoValue): string {
  if (Array.isArray(v) || v instanceof Uint8Array) return 'slice';
  if (isGoMap(v)) return 'map';
  return typeof v === 'function' ? 'func' : 'struct';
}

function isComparable(v: GoValue): boolean {
  return !(Array.isArray(v) || v instanceof Uint8Array || isGoMap(v) || typeof v === 'function');
}

function eq(arg1: GoValue, ...arg2: GoValue[]): boolean {
  if (arg2.length === 0) throw new Error(errNoComparison);
  const k1 = basicKind(arg1);
  for (const arg of arg2) {
    const k2 = basicKind(arg);
    let truth = false;
    if (k1 !== k2) {
      if (k1 !== 'invalid' && k2 !== 'invalid') throw new Error(errBadComparison);
    } else if (k1 === 'other' || k1 === 'invalid') {
      const n1 = arg1 === null || arg1 === undefined;
      const n2 = arg === null || arg === undefined;
      if (!n1 && !n2 && refKind(arg1) !== refKind(arg)) {
        throw new Error(`non-comparable types ${sprint(arg1)}: ${goTypeName(arg1)}, ${goTypeName(arg)}: ${sprint(arg)}`);
      }
      if (n1 || n2) truth = n1 === n2;
      else {
        if (!isComparable(arg)) throw new Error(`non-comparable type ${sprint(arg)}: ${goTypeName(arg)}`);
        if (!isComparable(arg1)) throw new Error(`non-comparable type ${sprint(arg1)}: ${goTypeName(arg1)}`);
        truth = arg1 === arg;
      }
    } else truth = arg1 === arg;
    if (truth) return true;
  }
  return false;
}

function lt(arg1: GoValue, arg2: GoValue): boolean {
  const k1 = basicKind(arg1);
  const k2 = basicKind(arg2);
  if (k1 === 'invalid' || k1 === 'other' || k2 === 'invalid' || k2 === 'other') throw new Error(errBadComparisonType);
  if (k1 !== k2) throw new Error(errBadComparison);
  if (k1 === 'bool') throw new Error(errBadComparisonType);
  if (k1 === 'string') return Buffer.compare(utf8(arg1 as string), utf8(arg2 as string)) < 0;
  return (arg1 as number) < (arg2 as number);
}

function le(arg1: GoValue, arg2: GoValue): boolean {
  return lt(arg1, arg2) || eq(arg1, arg2);
}

function indexArg(index: GoValue, cap: number): number {
  if (typeof index === 'bigint') {
    if (index < 0n || index > BigInt(cap)) throw new Error(`index out of range: ${index}`);
    return Number(index);
  }
  if (index === undefined || index === null) throw new Error('cannot index slice/array with nil');
  throw new Error(`cannot index slice/array with type ${goTypeName(index)}`);
}

function index(item: GoValue, ...indexes: GoValue[]): GoValue {
  if (item === undefined) throw new Error('index of untyped nil');
  for (const ix of indexes) {
    if (item === null || item === undefined) throw new Error('index of nil pointer');
    if (Array.isArray(item) || item instanceof Uint8Array || typeof item === 'string') {
      const bytes = typeof item === 'string' ? utf8(item) : null;
      const len = bytes ? bytes.length : (item as ArrayLike<unknown>).length;
      const x = indexArg(ix, len);
      if (x >= len) throw new Error(`reflect: ${bytes ? 'string' : 'slice'} index out of range`);
      if (bytes) item = BigInt(bytes[x]!);
      else if (item instanceof Uint8Array) item = BigInt(item[x]!);
      else item = (item as GoValue[])[x];
    } else if (isGoMap(item)) {
      if (ix === undefined || ix === null) throw new Error('value is nil; should be of type string');
      if (typeof ix !== 'string') throw new Error(`value has type ${goTypeName(ix)}; should be string`);
      const v = Object.prototype.hasOwnProperty.call(item, ix) ? item[ix] : undefined;
      item = v === undefined ? null : v;
    } else {
      throw new Error(`can't index item of type ${goTypeName(item)}`);
    }
  }
  return item;
}

function slice(item: GoValue, ...indexes: GoValue[]): GoValue {
  if (item === undefined || item === null) throw new Error('slice of untyped nil');
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`);
  let cap: number;
  let len: number;
  if (typeof item === 'string') {
    if (indexes.length === 3) throw new Error('cannot 3-index slice a string');
    cap = len = utf8(item).length;
  } else if (Array.isArray(item) || item instanceof Uint8Array) {
    cap = len = item.length;
  } else throw new Error(`can't slice item of type ${goTypeName(item)}`);
  const idx = [0, len, 0];
  indexes.forEach((ix, i) => {
    idx[i] = indexArg(ix, cap);
  });
  const [i0, i1, i2] = idx as [number, number, number];
  if (i0 > i1) throw new Error(`invalid slice index: ${i0} > ${i1}`);
  if (indexes.length === 3 && i1 > i2) throw new Error(`invalid slice index: ${i1} > ${i2}`);
  if (typeof item === 'string') return fromUtf8(utf8(item).subarray(i0, i1));
  return item.slice(i0, i1);
}

function length(item: GoValue): bigint {
  if (item === null) throw new Error('len of nil pointer');
  if (item === undefined) throw new Error('reflect: call of reflect.Value.Type on zero Value');
  if (typeof item === 'string') return BigInt(utf8(item).length);
  if (Array.isArray(item) || item instanceof Uint8Array) return BigInt(item.length);
  if (isGoMap(item)) return BigInt(Object.keys(item).length);
  throw new Error(`len of type ${goTypeName(item)}`);
}

/** Go's evalArgs for html/js/urlquery: one string as is, else Sprint of the printable values. */
function evalArgs(args: GoValue[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  const printable = args.map((a) => (a === undefined || a === null ? '<no value>' : a));
  if (printable.length === 1) return printForTemplate(printable[0]);
  return sprint(...printable);
}

export function htmlEscapeString(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) => {
    switch (c) {
      case '\0':
        return '\uFFFD';
      case '"':
        return '&#34;';
      case "'":
        return '&#39;';
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      default:
        return '&gt;';
    }
  });
}

export function jsEscapeString(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case '\\':
        out += '\\\\';
        continue;
      case "'":
        out += "\\'";
        continue;
      case '"':
        out += '\\"';
        continue;
      case '<':
        out += '\\u003C';
        continue;
      case '>':
        out += '\\u003E';
        continue;
      case '&':
        out += '\\u0026';
        continue;
      case '=':
        out += '\\u003D';
        continue;
    }
    if (c < 0x20) out += `\\u00${c.toString(16).toUpperCase().padStart(2, '0')}`;
    else if (c < 0x80 || isPrint(c)) out += ch;
    else out += `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return out;
}

export function urlQueryEscape(s: string): string {
  let out = '';
  for (const b of utf8(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const anyArgs = (v: GoValue[]): GoValue[] => v.map((a) => (a === undefined ? null : a));

/** Builtins other than and/or/call, with their Go signatures. */
export const BUILTINS: FuncMap = {
  eq: goFunc({ params: ['value'], variadic: 'value' }, (a, ...b) => eq(a, ...b)),
  ne: goFunc(['value', 'value'], (a, b) => !eq(a, b)),
  lt: goFunc(['value', 'value'], (a, b) => lt(a, b)),
  le: goFunc(['value', 'value'], (a, b) => le(a, b)),
  gt: goFunc(['value', 'value'], (a, b) => !le(a, b)),
  ge: goFunc(['value', 'value'], (a, b) => !lt(a, b)),
  index: goFunc({ params: ['value'], variadic: 'value' }, (item, ...ix) => index(item, ...ix)),
  slice: goFunc({ params: ['value'], variadic: 'value' }, (item, ...ix) => slice(item, ...ix)),
  len: goFunc(['value'], (item) => length(item)),
  not: goFunc(['value'], (v) => !isTrue(v)),
  print: goFunc({ params: [], variadic: 'any' }, (...a) => sprint(...anyArgs(a))),
  printf: goFunc({ params: ['string'], variadic: 'any' }, (f, ...a) => sprintf(f as string, ...anyArgs(a))),
  println: goFunc({ params: [], variadic: 'any' }, (...a) => sprintln(...anyArgs(a))),
  html: goFunc({ params: [], variadic: 'any' }, (...a) => htmlEscapeString(evalArgs(a))),
  js: goFunc({ params: [], variadic: 'any' }, (...a) => jsEscapeString(evalArgs(a))),
  urlquery: goFunc({ params: [], variadic: 'any' }, (...a) => urlQueryEscape(evalArgs(a))),
};

/** Names the executor implements itself. */
export const SPECIAL_BUILTINS = new Set(['and', 'or', 'call']);
