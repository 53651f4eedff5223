/**
 * Helm's `--set` syntax (pkg/strvals): `a.b=c`, `a={x,y}`, `a[0].b=c`, `a[1][0]=x`, backslash
 * escapes, `,` between assignments. `--set` types values (true/false/null, int64 as bigint);
 * `--set-string` keeps strings. Errors carry Helm's messages.
 */
import type { GoMap, GoValue } from '../template/values.js';
import { isGoMap } from '../template/values.js';
import { HelmError } from './errors.js';

const MAX_INDEX = 65536;
const MAX_NESTED_NAME_LEVEL = 30;

class Eof extends Error {}
const EOF = new Eof('EOF');
class NotList extends Error {}
const NOT_LIST = new NotList('not a list');

type Reader = (runes: string) => GoValue;

/** Typed scalar as `--set` reads it. */
export function typedVal(val: string, asString: boolean): GoValue {
  if (asString) return val;
  const lower = val.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (lower === 'null') return null;
  if (val === '0') return 0n;
  if (val.length > 0 && val[0] !== '0' && /^[+-]?[0-9]+$/.test(val)) {
    const n = BigInt(val);
    if (n >= -(2n ** 63n) && n < 2n ** 63n) return n;
  }
  return val;
}

class Scanner {
  private i = 0;
  private readonly runes: string[];
  constructor(s: string) {
    this.runes = [...s];
  }
  read(): string | undefined {
    return this.i < this.runes.length ? this.runes[this.i++] : undefined;
  }
  unread(): void {
    this.i--;
  }
}

/** Reads runes up to one of `stop`; throws EOF (with what was read) at the end. */
function runesUntil(sc: Scanner, stop: string): { v: string; last: string | undefined; eof: boolean } {
  let v = '';
  for (;;) {
    const r = sc.read();
    if (r === undefined) return { v, last: undefined, eof: true };
    if (stop.includes(r)) return { v, last: r, eof: false };
    if (r === '\\') {
      const next = sc.read();
      if (next === undefined) return { v, last: undefined, eof: true };
      v += next;
    } else v += r;
  }
}

function typeName(v: GoValue): string {
  if (v === null) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int64';
  if (typeof v === 'number') return 'float64';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}

class Parser {
  constructor(
    private readonly sc: Scanner,
    private readonly data: GoMap,
    private readonly reader: Reader,
  ) {}

  parse(): void {
    for (;;) {
      try {
        this.key(this.data, 0);
      } catch (e) {
        if (e === EOF) return;
        throw e;
      }
    }
  }

  private set(data: GoMap, key: string, val: GoValue): void {
    if (key.length === 0) return;
    data[key] = val;
  }

  key(data: GoMap, nested: number): void {
    const { v: k, last, eof } = runesUntil(this.sc, '=[,.');
    if (eof) {
      if (k.length === 0) throw EOF;
      throw new HelmError(`key "${k}" has no value`);
    }
    if (last === '[') {
      const i = this.keyIndex();
      let list: GoValue[] = [];
      if (k in data) {
        const existing = data[k];
        if (!Array.isArray(existing)) throw new HelmError(`unable to parse key: interface conversion: interface {} is ${typeName(existing)}, not []interface {}`);
        list = existing;
      }
      let err: unknown;
      try {
        list = this.listItem(list, i, nested);
      } catch (e) {
        err = e;
      }
      this.set(data, k, list);
      if (err) throw err;
      return;
    }
    if (last === '=') {
      let vl: GoValue[];
      try {
        vl = this.valList();
      } catch (e) {
        if (e === EOF) {
          this.set(data, k, '');
          throw EOF;
        }
        if (e === NOT_LIST) {
          const { v: rs } = runesUntil(this.sc, ',');
          this.set(data, k, this.reader(rs));
          return;
        }
        throw e;
      }
      this.set(data, k, vl);
      return;
    }
    if (last === ',') {
      this.set(data, k, '');
      throw new HelmError(`key "${k}" has no value (cannot end with ,)`);
    }
    // '.'
    nested++;
    if (nested > MAX_NESTED_NAME_LEVEL) throw new HelmError(`value name nested level is greater than maximum supported nested level of ${MAX_NESTED_NAME_LEVEL}`);
    let inner: GoMap = {};
    if (k in data) {
      const existing = data[k];
      if (!isGoMap(existing)) throw new HelmError(`unable to parse key: interface conversion: interface {} is ${typeName(existing)}, not map[string]interface {}`);
      inner = existing;
    }
    let err: unknown;
    try {
      this.key(inner, nested);
    } catch (e) {
      err = e;
    }
    if (err === undefined && Object.keys(inner).length === 0) throw new HelmError(`key map "${k}" has no value`);
    if (Object.keys(inner).length !== 0) this.set(data, k, inner);
    if (err !== undefined) throw err;
  }

  private keyIndex(): number {
    const { v, eof } = runesUntil(this.sc, ']');
    if (eof) throw new HelmError('error parsing index: EOF');
    if (!/^[+-]?[0-9]+$/.test(v)) throw new HelmError(`error parsing index: strconv.Atoi: parsing ${JSON.stringify(v)}: invalid syntax`);
    return Number(v);
  }

  private setIndex(list: GoValue[], index: number, val: GoValue): GoValue[] {
    if (index < 0) throw new HelmError(`negative ${index} index not allowed`);
    if (index > MAX_INDEX) throw new HelmError(`index of ${index} is greater than maximum supported index of ${MAX_INDEX}`);
    if (list.length <= index) {
      const n = list.slice();
      while (n.length <= index) n.push(null);
      list = n;
    }
    list[index] = val;
    return list;
  }

  private listItem(list: GoValue[], i: number, nested: number): GoValue[] {
    if (i < 0) throw new HelmError(`negative ${i} index not allowed`);
    const { v: k, last, eof } = runesUntil(this.sc, '[.=');
    if (k.length > 0) throw new HelmError(`unexpected data at end of array index: ${JSON.stringify(k)}`);
    if (eof) throw EOF;
    if (last === '=') {
      let vl: GoValue[];
      try {
        vl = this.valList();
      } catch (e) {
        if (e === EOF) return this.setIndex(list, i, '');
        if (e === NOT_LIST) {
          const { v: rs } = runesUntil(this.sc, ',');
          return this.setIndex(list, i, this.reader(rs));
        }
        throw e;
      }
      return this.setIndex(list, i, vl);
    }
    if (last === '[') {
      const nextI = this.keyIndex();
      let crt: GoValue[] = [];
      if (list.length > i && list[i] !== null) {
        const existing = list[i];
        if (!Array.isArray(existing)) throw new HelmError(`unable to parse key: interface conversion: interface {} is ${typeName(existing)}, not []interface {}`);
        crt = existing;
      }
      const list2 = this.listItem(crt, nextI, nested);
      return this.setIndex(list, i, list2);
    }
    // '.'
    let inner: GoMap = {};
    if (list.length > i) {
      const existing = list[i];
      if (isGoMap(existing)) inner = existing;
      else list[i] = inner;
    }
    this.key(inner, nested);
    return this.setIndex(list, i, inner);
  }

  private valList(): GoValue[] {
    const r = this.sc.read();
    if (r === undefined) throw EOF;
    if (r !== '{') {
      this.sc.unread();
      throw NOT_LIST;
    }
    const list: GoValue[] = [];
    for (;;) {
      const { v: rs, last, eof } = runesUntil(this.sc, ',}');
      if (eof) throw new HelmError("list must terminate with '}'");
      if (last === '}') {
        const r2 = this.sc.read();
        if (r2 !== undefined && r2 !== ',') this.sc.unread();
        list.push(this.reader(rs));
        return list;
      }
      list.push(this.reader(rs));
    }
  }
}

/** `strvals.ParseInto`: merges one `--set` expression into `dest` (mutated). */
export function parseSetInto(expr: string, dest: GoMap, asString = false): void {
  new Parser(new Scanner(expr), dest, (rs) => typedVal(rs, asString)).parse();
}

/** `strvals.Parse` / `ParseString`: one expression into a new map. */
export function parseSet(expr: string, asString = false): GoMap {
  const out: GoMap = {};
  parseSetInto(expr, out, asString);
  return out;
}
