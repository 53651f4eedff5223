/**
 * Go's fmt (`Sprint`, `Sprintln`, `Sprintf`) over the JavaScript representation of Go values
 * described in `values.ts`: verbs, flags, width/precision, `%!verb(type=value)` errors, and
 * `%v` printing of maps (sorted), slices, structs (class instances), `[]byte` and nil.
 */
import { isGoMap } from './values.js';
import { utf8 as goBytes } from './bytes.js';
import { canBackquote, formatFloat, isPrint, quote, quoteRune } from './strconv.js';

/** Class instances may set this (static or instance) to name their Go type for %T and errors. */
export const GO_TYPE = Symbol.for('fluxion.goType');

/**
 * Names the Go type of a slice a function returns when it is not `[]interface {}` (Sprig's
 * `keys`, `splitList`, `sortAlpha` give `[]string`, `until` gives `[]int`), for `typeOf`, %T and
 * %#v. The tag is non-enumerable and dropped by any copy, as Go's list functions build
 * `[]interface {}` anew.
 */
export function typedSlice<T>(xs: T[], type: string): T[] {
  Object.defineProperty(xs, GO_TYPE, { value: type, enumerable: false, configurable: true });
  return xs;
}

const NIL_SLICE = Symbol.for('fluxion.nilSlice');

/**
 * A Go nil slice (Sprig's `rest`/`initial` of an empty list, `regexFindAll` without a match): it
 * prints `[]` like an empty one, but JSON (so `toJson`, `toYaml`) writes `null` and %#v `(nil)`.
 */
export function nilSlice<T>(type = '[]interface {}'): T[] {
  const xs = typedSlice<T>([], type);
  Object.defineProperty(xs, NIL_SLICE, { value: true, enumerable: false });
  return xs;
}

/** Whether `v` is a nil slice (see `nilSlice`). */
export function isNilSlice(v: unknown): boolean {
  return Array.isArray(v) && v.length === 0 && (v as unknown as Record<symbol, unknown>)[NIL_SLICE] === true;
}

/** Go's `reflect.TypeOf(v).String()` for a JavaScript-represented value. */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float64';
    case 'function':
      return 'func(...interface {}) (interface {}, error)';
    case 'symbol':
      return 'symbol';
  }
  if (v instanceof Uint8Array) return '[]uint8';
  if (Array.isArray(v)) return (v as unknown as Record<symbol, unknown>)[GO_TYPE] as string | undefined ?? '[]interface {}';
  if (isGoMap(v)) return 'map[string]interface {}';
  const own = (v as Record<symbol, unknown>)[GO_TYPE];
  if (typeof own === 'string') return own;
  const ctor = (v as object).constructor as (Function & Record<symbol, unknown>) | undefined;
  if (ctor && typeof ctor[GO_TYPE] === 'string') return ctor[GO_TYPE] as string;
  if (v instanceof Error) return '*errors.errorString';
  return ctor?.name ? `*${ctor.name}` : 'struct {}';
}

/** Go's kind of a value, as far as fmt cares. */
function isStruct(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !isGoMap(v);
}

/** The exported fields of a class instance, in declaration order. */
export function structFields(v: object): [string, unknown][] {
  return Object.entries(v).filter(([, val]) => typeof val !== 'function');
}

/** Compares strings as Go does (bytewise UTF-8 ≡ code point order). */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

interface Flags {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  plusV: boolean;
  sharpV: boolean;
  wid: number;
  widPresent: boolean;
  prec: number;
  precPresent: boolean;
}

function clearFlags(): Flags {
  return {
    plus: false,
    minus: false,
    sharp: false,
    space: false,
    zero: false,
    plusV: false,
    sharpV: false,
    wid: 0,
    widPresent: false,
    prec: 0,
    precPresent: false,
  };
}

const runeCount = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

const utf8 = new TextEncoder();

class Printer {
  buf = '';
  f: Flags = clearFlags();
  private erroring = false;
  /** Template output prints structs by value (printableValue indirects pointers). */
  derefStructs = false;

  // ---- padding (fmt/format.go) ----
  private writePadding(n: number): void {
    if (n <= 0) return;
    this.buf += (this.f.zero && !this.f.minus ? '0' : ' ').repeat(n);
  }
  private pad(s: string): void {
    if (!this.f.widPresent || this.f.wid === 0) {
      this.buf += s;
      return;
    }
    const width = this.f.wid - runeCount(s);
    if (!this.f.minus) {
      this.writePadding(width);
      this.buf += s;
    } else {
      this.buf += s;
      this.writePadding(width);
    }
  }
  private truncate(s: string): string {
    if (this.f.precPresent) {
      const chars = [...s];
      if (chars.length > this.f.prec) return chars.slice(0, this.f.prec).join('');
    }
    return s;
  }

  private fmtS(s: string): void {
    this.pad(this.truncate(s));
  }

  private fmtQ(s: string): void {
    s = this.truncate(s);
    if (this.f.sharp && canBackquote(s)) {
      this.pad(`\`${s}\``);
      return;
    }
    this.pad(quote(s, this.f.plus));
  }

  private fmtSbx(bytes: Uint8Array, upper: boolean): void {
    const digits = upper ? '0123456789ABCDEFX' : '0123456789abcdefx';
    let length = bytes.length;
    if (this.f.precPresent && this.f.prec < length) length = this.f.prec;
    let width = 2 * length;
    if (width > 0) {
      if (this.f.space) {
        if (this.f.sharp) width *= 2;
        width += length - 1;
      } else if (this.f.sharp) width += 2;
    } else {
      if (this.f.widPresent) this.writePadding(this.f.wid);
      return;
    }
    if (this.f.widPresent && this.f.wid > width && !this.f.minus) this.writePadding(this.f.wid - width);
    let out = '';
    if (this.f.sharp) out += `0${digits[16]}`;
    for (let i = 0; i < length; i++) {
      if (this.f.space && i > 0) {
        out += ' ';
        if (this.f.sharp) out += `0${digits[16]}`;
      }
      const c = bytes[i]!;
      out += digits[c >> 4]! + digits[c & 0xf]!;
    }
    this.buf += out;
    if (this.f.widPresent && this.f.wid > width && this.f.minus) this.writePadding(this.f.wid - width);
  }

  fmtInteger(v: bigint, base: number, verb: string, upper: boolean): void {
    const negative = v < 0n;
    let u = negative ? -v : v;
    let prec = 0;
    if (this.f.precPresent) {
      prec = this.f.prec;
      if (prec === 0 && u === 0n) {
        const oldZero = this.f.zero;
        this.f.zero = false;
        this.writePadding(this.f.wid);
        this.f.zero = oldZero;
        return;
      }
    } else if (this.f.zero && !this.f.minus && this.f.widPresent) {
      prec = this.f.wid;
      if (negative || this.f.plus || this.f.space) prec--;
    }
    let digits = u.toString(base);
    if (upper) digits = digits.toUpperCase();
    u = 0n;
    if (digits.length < prec) digits = '0'.repeat(prec - digits.length) + digits;
    if (this.f.sharp) {
      if (base === 2) digits = `0b${digits}`;
      else if (base === 8) {
        if (digits[0] !== '0') digits = `0${digits}`;
      } else if (base === 16) digits = `0${upper ? 'X' : 'x'}${digits}`;
    }
    if (verb === 'O') digits = `0o${digits}`;
    if (negative) digits = `-${digits}`;
    else if (this.f.plus) digits = `+${digits}`;
    else if (this.f.space) digits = ` ${digits}`;
    const oldZero = this.f.zero;
    this.f.zero = false;
    this.pad(digits);
    this.f.zero = oldZero;
  }

  private fmtC(c: bigint): void {
    let cp = c < 0n || c > 0x10ffffn ? 0xfffd : Number(c);
    if (cp >= 0xd800 && cp < 0xe000) cp = 0xfffd;
    this.pad(String.fromCodePoint(cp));
  }

  private fmtQc(c: bigint): void {
    const cp = c < 0n || c > 0x10ffffn ? 0xfffd : Number(c);
    if (this.f.sharp && isPrint(cp)) this.pad(`'${String.fromCodePoint(cp)}'`);
    else this.pad(quoteRune(cp, this.f.plus));
  }

  private fmtUnicode(u: bigint): void {
    let prec = 4;
    if (this.f.precPresent && this.f.prec > 4) prec = this.f.prec;
    const x = u < 0n ? u + (1n << 64n) : u;
    let s = `U+${x.toString(16).toUpperCase().padStart(prec, '0')}`;
    if (this.f.sharp && x <= 0x10ffffn && isPrint(Number(x))) s += ` '${String.fromCodePoint(Number(x))}'`;
    const oldZero = this.f.zero;
    this.f.zero = false;
    this.pad(s);
    this.f.zero = oldZero;
  }

  private fmtFloatRaw(v: number, verb: string, prec: number): void {
    if (this.f.precPresent) prec = this.f.prec;
    let num = formatFloat(v, verb, prec);
    num = num[0] === '-' || num[0] === '+' ? num : `+${num}`;
    if (this.f.space && num[0] === '+' && !this.f.plus) num = ` ${num.slice(1)}`;
    if (num[1] === 'I' || num[1] === 'N') {
      const oldZero = this.f.zero;
      this.f.zero = false;
      if (num[1] === 'N' && !this.f.space && !this.f.plus) num = num.slice(1);
      this.pad(num);
      this.f.zero = oldZero;
      return;
    }
    if (this.f.sharp && verb !== 'b') {
      let digits = 0;
      if (verb === 'v' || verb === 'g' || verb === 'G' || verb === 'x') {
        digits = prec;
        if (digits === -1) digits = 6;
      }
      let tail = '';
      let hasDecimalPoint = false;
      let sawNonzeroDigit = false;
      for (let i = 1; i < num.length; i++) {
        const c = num[i]!;
        if (c === '.') {
          hasDecimalPoint = true;
          continue;
        }
        if (c === 'p' || c === 'P' || ((c === 'e' || c === 'E') && verb !== 'x' && verb !== 'X')) {
          tail = num.slice(i);
          num = num.slice(0, i);
          break;
        }
        if (c !== '0') sawNonzeroDigit = true;
        if (sawNonzeroDigit) digits--;
      }
      if (!hasDecimalPoint) {
        if (num.length === 2 && num[1] === '0') digits--;
        num += '.';
      }
      while (digits > 0) {
        num += '0';
        digits--;
      }
      num += tail;
    }
    if (this.f.plus || num[0] !== '+') {
      if (this.f.zero && !this.f.minus && this.f.widPresent && this.f.wid > num.length) {
        this.buf += num[0];
        this.writePadding(this.f.wid - num.length);
        this.buf += num.slice(1);
        return;
      }
      this.pad(num);
      return;
    }
    this.pad(num.slice(1));
  }

  // ---- print.go ----
  private fmtBool(v: boolean, verb: string, arg: unknown): void {
    if (verb === 't' || verb === 'v') this.pad(v ? 'true' : 'false');
    else this.badVerb(verb, arg);
  }

  private fmtIntegerVerb(v: bigint, verb: string, arg: unknown): void {
    switch (verb) {
      case 'v':
      case 'd':
        return this.fmtInteger(v, 10, verb, false);
      case 'b':
        return this.fmtInteger(v, 2, verb, false);
      case 'o':
      case 'O':
        return this.fmtInteger(v, 8, verb, false);
      case 'x':
        return this.fmtInteger(v, 16, verb, false);
      case 'X':
        return this.fmtInteger(v, 16, verb, true);
      case 'c':
        return this.fmtC(v);
      case 'q':
        return this.fmtQc(v);
      case 'U':
        return this.fmtUnicode(v);
      default:
        this.badVerb(verb, arg);
    }
  }

  private fmtFloat(v: number, verb: string, arg: unknown): void {
    switch (verb) {
      case 'v':
        return this.fmtFloatRaw(v, 'g', -1);
      case 'b':
      case 'g':
      case 'G':
      case 'x':
      case 'X':
        return this.fmtFloatRaw(v, verb, -1);
      case 'f':
      case 'e':
      case 'E':
        return this.fmtFloatRaw(v, verb, 6);
      case 'F':
        return this.fmtFloatRaw(v, 'f', 6);
      default:
        this.badVerb(verb, arg);
    }
  }

  private fmtString(v: string, verb: string, arg: unknown): void {
    switch (verb) {
      case 'v':
        if (this.f.sharpV) this.fmtQ(v);
        else this.fmtS(v);
        return;
      case 's':
        return this.fmtS(v);
      case 'x':
        return this.fmtSbx(goBytes(v), false);
      case 'X':
        return this.fmtSbx(goBytes(v), true);
      case 'q':
        return this.fmtQ(v);
      default:
        this.badVerb(verb, arg);
    }
  }

  private fmtBytes(v: Uint8Array, verb: string, depth: number): void {
    switch (verb) {
      case 'v':
      case 'd':
        if (this.f.sharpV) {
          this.buf += '[]byte{';
          v.forEach((c, i) => {
            if (i > 0) this.buf += ', ';
            const sharp = this.f.sharp;
            this.f.sharp = true;
            this.fmtInteger(BigInt(c), 16, 'v', false);
            this.f.sharp = sharp;
          });
          this.buf += '}';
          return;
        }
        this.buf += '[';
        v.forEach((c, i) => {
          if (i > 0) this.buf += ' ';
          this.fmtInteger(BigInt(c), 10, verb, false);
        });
        this.buf += ']';
        return;
      case 's':
        return this.fmtS(Buffer.from(v).toString('utf8'));
      case 'x':
        return this.fmtSbx(v, false);
      case 'X':
        return this.fmtSbx(v, true);
      case 'q':
        return this.fmtQ(Buffer.from(v).toString('utf8'));
      default:
        this.printValue(Array.from(v, (c) => BigInt(c)), verb, depth, true);
    }
  }

  badVerb(verb: string, arg: unknown): void {
    this.erroring = true;
    this.buf += `%!${verb}(`;
    if (arg !== null && arg !== undefined) {
      this.buf += `${goTypeName(arg)}=`;
      this.printArg(arg, 'v');
    } else this.buf += '<nil>';
    this.buf += ')';
    this.erroring = false;
  }

  private handleMethods(arg: unknown, verb: string): boolean {
    if (this.erroring || typeof arg !== 'object' || arg === null) return false;
    if (this.f.sharpV) return false;
    if (!'vsxXq'.includes(verb)) return false;
    let method: 'Error' | 'String' | null = null;
    if (arg instanceof Error) method = 'Error';
    else if (typeof (arg as { Error?: unknown }).Error === 'function') method = 'Error';
    else if (typeof (arg as { String?: unknown }).String === 'function') method = 'String';
    if (method === null) return false;
    let s: string;
    try {
      s = arg instanceof Error && typeof (arg as { Error?: unknown }).Error !== 'function' ? arg.message : String((arg as Record<string, () => unknown>)[method]!());
    } catch (e) {
      const oldFlags = this.f;
      this.f = clearFlags();
      this.buf += `%!${verb}(PANIC=${method} method: ${e instanceof Error ? e.message : String(e)})`;
      this.f = oldFlags;
      return true;
    }
    this.fmtString(s, verb, s);
    return true;
  }

  printArg(arg: unknown, verb: string): void {
    if (arg === null || arg === undefined) {
      if (verb === 'T' || verb === 'v') this.pad('<nil>');
      else this.badVerb(verb, arg);
      return;
    }
    if (verb === 'T') {
      this.fmtS(goTypeName(arg));
      return;
    }
    if (verb === 'p') {
      this.badVerb(verb, arg);
      return;
    }
    switch (typeof arg) {
      case 'boolean':
        return this.fmtBool(arg, verb, arg);
      case 'number':
        return this.fmtFloat(arg, verb, arg);
      case 'bigint':
        return this.fmtIntegerVerb(arg, verb, arg);
      case 'string':
        return this.fmtString(arg, verb, arg);
    }
    if (arg instanceof Uint8Array) return this.fmtBytes(arg, verb, 0);
    if (!this.handleMethods(arg, verb)) this.printValue(arg, verb, 0, false);
  }

  private printValue(value: unknown, verb: string, depth: number, isBytesSlice: boolean): void {
    if (depth > 0 && value !== null && value !== undefined && this.handleMethods(value, verb)) return;
    if (value === null || value === undefined) {
      // An interface element holding nil.
      if (this.f.sharpV) this.buf += 'interface {}(nil)';
      else this.buf += '<nil>';
      return;
    }
    switch (typeof value) {
      case 'boolean':
        return this.fmtBool(value, verb, value);
      case 'number':
        return this.fmtFloat(value, verb, value);
      case 'bigint':
        return this.fmtIntegerVerb(value, verb, value);
      case 'string':
        return this.fmtString(value, verb, value);
      case 'function':
        this.buf += verb === 'v' || verb === 'p' ? '0xc000000000' : `%!${verb}(func=0xc000000000)`;
        return;
    }
    if (value instanceof Uint8Array) return this.fmtBytes(value, verb, depth);
    if (Array.isArray(value)) {
      if ('sqxX'.includes(verb) && isBytesSlice) {
        return this.fmtBytes(Uint8Array.from(value as bigint[], (b) => Number(b)), verb, depth);
      }
      if (this.f.sharpV) {
        if (isNilSlice(value)) {
          this.buf += `${goTypeName(value)}(nil)`;
          return;
        }
        this.buf += `${goTypeName(value)}{`;
        value.forEach((e, i) => {
          if (i > 0) this.buf += ', ';
          this.printValue(e, verb, depth + 1, false);
        });
        this.buf += '}';
        return;
      }
      this.buf += '[';
      value.forEach((e, i) => {
        if (i > 0) this.buf += ' ';
        this.printValue(e, verb, depth + 1, false);
      });
      this.buf += ']';
      return;
    }
    if (isGoMap(value)) {
      if (this.f.sharpV) this.buf += `${goTypeName(value)}{`;
      else this.buf += 'map[';
      const keys = Object.keys(value).sort(compareGoStrings);
      keys.forEach((k, i) => {
        if (i > 0) this.buf += this.f.sharpV ? ', ' : ' ';
        this.printValue(k, verb, depth + 1, false);
        this.buf += ':';
        this.printValue(value[k], verb, depth + 1, false);
      });
      this.buf += this.f.sharpV ? '}' : ']';
      return;
    }
    if (isStruct(value)) {
      if (this.f.sharpV) this.buf += goTypeName(value).replace(/^\*/, '');
      if (depth === 0 && !this.f.sharpV && !this.derefStructs) this.buf += '&';
      this.buf += '{';
      structFields(value).forEach(([name, field], i) => {
        if (i > 0) this.buf += this.f.sharpV ? ', ' : ' ';
        if (this.f.plusV || this.f.sharpV) this.buf += `${name}:`;
        this.printValue(field, verb, depth + 1, false);
      });
      this.buf += '}';
      return;
    }
    this.buf += `?${String(value)}`;
  }

  doPrintf(format: string, a: unknown[]): void {
    const end = format.length;
    let argNum = 0;
    let afterIndex = false;
    let reordered = false;
    let goodArgNum = true;

    const argNumber = (i: number): [number, boolean] => {
      if (i >= end || format[i] !== '[') return [i, false];
      reordered = true;
      const [index, wid, ok] = parseArgNumber(format.slice(i));
      if (ok && index >= 0 && index < a.length) {
        argNum = index;
        return [i + wid, true];
      }
      goodArgNum = false;
      return [i + wid, ok];
    };
    const intFromArg = (): [number, boolean] => {
      let num = 0;
      let isInt = false;
      if (argNum < a.length) {
        const v = a[argNum];
        if (typeof v === 'bigint' && v >= -(1n << 63n) && v < 1n << 63n) {
          num = Number(v);
          isInt = true;
        }
        argNum++;
        if (tooLarge(num)) {
          num = 0;
          isInt = false;
        }
      }
      return [num, isInt];
    };

    let i = 0;
    formatLoop: while (i < end) {
      goodArgNum = true;
      const lasti = i;
      while (i < end && format[i] !== '%') i++;
      if (i > lasti) this.buf += format.slice(lasti, i);
      if (i >= end) break;
      i++;
      this.f = clearFlags();
      simple: for (; i < end; i++) {
        const c = format[i]!;
        switch (c) {
          case '#':
            this.f.sharp = true;
            break;
          case '0':
            this.f.zero = !this.f.minus;
            break;
          case '+':
            this.f.plus = true;
            break;
          case '-':
            this.f.minus = true;
            this.f.zero = false;
            break;
          case ' ':
            this.f.space = true;
            break;
          default:
            if (c >= 'a' && c <= 'z' && argNum < a.length) {
              if (c === 'v') {
                this.f.sharpV = this.f.sharp;
                this.f.sharp = false;
                this.f.plusV = this.f.plus;
                this.f.plus = false;
              }
              this.printArg(a[argNum], c);
              argNum++;
              i++;
              continue formatLoop;
            }
            break simple;
        }
      }

      [i, afterIndex] = argNumber(i);

      if (i < end && format[i] === '*') {
        i++;
        [this.f.wid, this.f.widPresent] = intFromArg();
        if (!this.f.widPresent) this.buf += '%!(BADWIDTH)';
        if (this.f.wid < 0) {
          this.f.wid = -this.f.wid;
          this.f.minus = true;
          this.f.zero = false;
        }
        afterIndex = false;
      } else {
        [this.f.wid, this.f.widPresent, i] = parsenum(format, i, end);
        if (afterIndex && this.f.widPresent) goodArgNum = false;
      }

      if (i + 1 < end && format[i] === '.') {
        i++;
        if (afterIndex) goodArgNum = false;
        [i, afterIndex] = argNumber(i);
        if (i < end && format[i] === '*') {
          i++;
          [this.f.prec, this.f.precPresent] = intFromArg();
          if (this.f.prec < 0) {
            this.f.prec = 0;
            this.f.precPresent = false;
          }
          if (!this.f.precPresent) this.buf += '%!(BADPREC)';
          afterIndex = false;
        } else {
          [this.f.prec, this.f.precPresent, i] = parsenum(format, i, end);
          if (!this.f.precPresent) {
            this.f.prec = 0;
            this.f.precPresent = true;
          }
        }
      }

      if (!afterIndex) [i, afterIndex] = argNumber(i);

      if (i >= end) {
        this.buf += '%!(NOVERB)';
        break;
      }
      const verb = String.fromCodePoint(format.codePointAt(i)!);
      i += verb.length;

      if (verb === '%') this.buf += '%';
      else if (!goodArgNum) this.buf += `%!${verb}(BADINDEX)`;
      else if (argNum >= a.length) this.buf += `%!${verb}(MISSING)`;
      else {
        if (verb === 'v') {
          this.f.sharpV = this.f.sharp;
          this.f.sharp = false;
          this.f.plusV = this.f.plus;
          this.f.plus = false;
        }
        this.printArg(a[argNum], verb);
        argNum++;
      }
    }

    if (!reordered && argNum < a.length) {
      this.f = clearFlags();
      this.buf += '%!(EXTRA ';
      a.slice(argNum).forEach((arg, k) => {
        if (k > 0) this.buf += ', ';
        if (arg === null || arg === undefined) this.buf += '<nil>';
        else {
          this.buf += `${goTypeName(arg)}=`;
          this.printArg(arg, 'v');
        }
      });
      this.buf += ')';
    }
  }
}

function tooLarge(x: number): boolean {
  return x > 1e6 || x < -1e6;
}

function parsenum(s: string, start: number, end: number): [number, boolean, number] {
  let num = 0;
  let isnum = false;
  let i = start;
  for (; i < end && s[i]! >= '0' && s[i]! <= '9'; i++) {
    if (tooLarge(num)) return [0, false, end];
    num = num * 10 + (s.charCodeAt(i) - 48);
    isnum = true;
  }
  return [num, isnum, i];
}

function parseArgNumber(format: string): [number, number, boolean] {
  if (format.length < 3) return [0, 1, false];
  for (let i = 1; i < format.length; i++) {
    if (format[i] === ']') {
      const [width, ok, newi] = parsenum(format, 1, i);
      if (!ok || newi !== i) return [0, i + 1, false];
      return [width - 1, i + 1, true];
    }
  }
  return [0, 1, false];
}

/** fmt.Sprintf. */
export function sprintf(format: string, ...args: unknown[]): string {
  const p = new Printer();
  p.doPrintf(format, args);
  return p.buf;
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(...args: unknown[]): string {
  const p = new Printer();
  let prevString = false;
  args.forEach((arg, i) => {
    const isString = typeof arg === 'string';
    if (i > 0 && !isString && !prevString) p.buf += ' ';
    p.printArg(arg, 'v');
    prevString = isString;
  });
  return p.buf;
}

/** fmt.Sprintln: spaces between all operands and a trailing newline. */
export function sprintln(...args: unknown[]): string {
  const p = new Printer();
  args.forEach((arg, i) => {
    if (i > 0) p.buf += ' ';
    p.printArg(arg, 'v');
  });
  return `${p.buf}\n`;
}

/** How an action prints its value: fmt.Fprint of Go's printableValue (pointers indirected). */
export function printForTemplate(value: unknown): string {
  const p = new Printer();
  p.derefStructs = true;
  p.printArg(value, 'v');
  return p.buf;
}
