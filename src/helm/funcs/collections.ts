/** Sprig's list, dict and default functions (list.go, dict.go, defaults.go). */
import type { FuncMap, GoMap, GoValue } from '../template/values.js';
import { isGoMap } from '../template/values.js';
import { goTypeName, isNilSlice, nilSlice, typedSlice } from '../template/fmt.js';
import { argAny, argInt, argMap, argString, arity, deepEqual, isEmpty, kindOf, strval, toInt64 } from './go.js';
import { compareBytes } from './strings.js';

const NIL_DEREF = 'runtime error: invalid memory address or nil pointer dereference';

function listOf(v: GoValue, what: (kind: string) => string): GoValue[] {
  const x = argAny(v);
  if (x === null) throw new Error(NIL_DEREF);
  if (Array.isArray(x)) return x;
  if (x instanceof Uint8Array) return Array.from(x, (b) => BigInt(b));
  throw new Error(what(kindOf(x)));
}

/** `out` with the Go slice type of `like` (reflect-based copies and re-slices keep it). */
function sameSliceType(like: GoValue[], out: GoValue[]): GoValue[] {
  const t = goTypeName(like);
  return t === '[]interface {}' ? out : typedSlice(out, t);
}

/** Go copystructure.Copy for the value model. */
export function deepCopy(v: GoValue): GoValue {
  if (v === undefined) return null;
  if (isNilSlice(v)) return nilSlice(goTypeName(v));
  if (Array.isArray(v)) return sameSliceType(v, v.map(deepCopy));
  if (v instanceof Uint8Array) return new Uint8Array(v);
  if (isGoMap(v)) {
    const out: GoMap = {};
    for (const [k, x] of Object.entries(v)) out[k] = deepCopy(x);
    return out;
  }
  return v;
}

/** mergo.Merge / mergo.MergeWithOverwrite of `src` into `dst` (maps, in place). */
export function mergoMerge(dst: GoMap, src: GoMap, overwrite: boolean): void {
  for (const key of Object.keys(src)) {
    const s = src[key];
    const hasD = Object.hasOwn(dst, key);
    const d = dst[key];
    if (s === null || s === undefined) {
      if (overwrite) dst[key] = null;
      continue;
    }
    const sKind = isGoMap(s) ? 'map' : Array.isArray(s) || s instanceof Uint8Array ? 'slice' : 'other';
    if (sKind === 'map' && hasD && isGoMap(d)) mergoMerge(d, s as GoMap, overwrite);
    if (sKind === 'slice') {
      // mergo checks emptiness of the *containing* maps here (a quirk): src is never empty, and
      // dst is empty only when it has no keys.
      let slice: GoValue = hasD && d !== null ? d : [];
      if (overwrite || Object.keys(dst).length === 0) slice = s;
      dst[key] = slice;
    }
    // mergo v1.0.1: a non-empty dst keeps its value for slices, and for maps only when both are maps.
    if (hasD && !isEmpty(d) && (sKind === 'slice' || (sKind === 'map' && isGoMap(d)))) continue;
    if (overwrite || !hasD || isEmpty(d)) dst[key] = s;
  }
}

/** Sprig's dig: walks nested maps by keys, `def` when a key is missing. */
function dig(args: GoValue[]): GoValue {
  if (args.length < 3) throw new Error('dig needs at least three arguments');
  const dict = args[args.length - 1];
  if (!isGoMap(dict)) throw new Error(`interface conversion: interface {} is ${kindName(dict)}, not map[string]interface {}`);
  const def = argAny(args[args.length - 2]);
  const keys = args.slice(0, -2).map((k) => {
    if (typeof k !== 'string') throw new Error(`interface conversion: interface {} is ${kindName(k)}, not string`);
    return k;
  });
  let cur: GoMap = dict;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (!Object.hasOwn(cur, k)) return def;
    const step = cur[k];
    if (i === keys.length - 1) return step;
    if (!isGoMap(step)) throw new Error(`interface conversion: interface {} is ${kindName(step)}, not map[string]interface {}`);
    cur = step;
  }
  return def;
}

function kindName(v: GoValue): string {
  if (v === null || v === undefined) return 'nil';
  const k = kindOf(v);
  return k === 'map' ? 'map[string]interface {}' : k === 'slice' ? '[]interface {}' : k;
}

function chunk(size: number, list: GoValue[]): GoValue[][] {
  const l = list.length;
  if (size === 0) throw new Error('runtime error: makeslice: len out of range');
  const cs = Math.floor((l - 1) / size) + 1;
  if (cs < 0) throw new Error('runtime error: makeslice: len out of range');
  const out: GoValue[][] = [];
  for (let i = 0; i < cs; i++) {
    let clen = size;
    if (i === cs - 1) {
      clen = Math.floor(l % size);
      if (clen === 0) clen = size;
    }
    out.push(list.slice(i * size, i * size + clen));
  }
  return typedSlice(out, '[][]interface {}');
}

/** List, dict and default functions of Sprig. */
export function collectionFuncs(): FuncMap {
  const mustWrap = (name: string, f: (...a: GoValue[]) => GoValue): [string, (...a: GoValue[]) => GoValue][] => [
    [name, f],
    [`must${name[0]!.toUpperCase()}${name.slice(1)}`, f],
  ];
  const listFns: [string, (...a: GoValue[]) => GoValue][] = [
    ...mustWrap('push', (...a) => {
      arity(a, 'append', 2);
      return [...listOf(a[0], (k) => `Cannot push on type ${k}`), argAny(a[1])];
    }),
    ...mustWrap('append', (...a) => {
      arity(a, 'append', 2);
      return [...listOf(a[0], (k) => `Cannot push on type ${k}`), argAny(a[1])];
    }),
    ...mustWrap('prepend', (...a) => {
      arity(a, 'prepend', 2);
      return [argAny(a[1]), ...listOf(a[0], (k) => `Cannot prepend on type ${k}`)];
    }),
    ...mustWrap('chunk', (...a) => {
      arity(a, 'chunk', 2);
      return chunk(argInt(a[0], 'chunk'), listOf(a[1], (k) => `Cannot chunk type ${k}`));
    }),
    ...mustWrap('last', (...a) => {
      arity(a, 'last', 1);
      const l = listOf(a[0], (k) => `Cannot find last on type ${k}`);
      return l.length === 0 ? null : l[l.length - 1];
    }),
    ...mustWrap('first', (...a) => {
      arity(a, 'first', 1);
      const l = listOf(a[0], (k) => `Cannot find first on type ${k}`);
      return l.length === 0 ? null : l[0];
    }),
    ...mustWrap('rest', (...a) => {
      arity(a, 'rest', 1);
      const l = listOf(a[0], (k) => `Cannot find rest on type ${k}`);
      return l.length === 0 ? nilSlice() : l.slice(1);
    }),
    ...mustWrap('initial', (...a) => {
      arity(a, 'initial', 1);
      const l = listOf(a[0], (k) => `Cannot find initial on type ${k}`);
      return l.length === 0 ? nilSlice() : l.slice(0, -1);
    }),
    ...mustWrap('reverse', (...a) => {
      arity(a, 'reverse', 1);
      return [...listOf(a[0], (k) => `Cannot find reverse on type ${k}`)].reverse();
    }),
    ...mustWrap('compact', (...a) => {
      arity(a, 'compact', 1);
      return listOf(a[0], (k) => `Cannot compact on type ${k}`).filter((x) => !isEmpty(x));
    }),
    ...mustWrap('uniq', (...a) => {
      arity(a, 'uniq', 1);
      const out: GoValue[] = [];
      for (const x of listOf(a[0], (k) => `Cannot find uniq on type ${k}`)) if (!out.some((y) => deepEqual(x, y))) out.push(x);
      return out;
    }),
    ...mustWrap('without', (...a) => {
      if (a.length < 1) arity(a, 'without', 1, Infinity);
      const omit = a.slice(1).map(argAny);
      return listOf(a[0], (k) => `Cannot find without on type ${k}`).filter((x) => !omit.some((y) => deepEqual(x, y)));
    }),
    ...mustWrap('has', (...a) => {
      arity(a, 'has', 2);
      const hay = argAny(a[1]);
      if (hay === null) return false;
      const needle = argAny(a[0]);
      return listOf(hay, (k) => `Cannot find has on type ${k}`).some((x) => deepEqual(needle, x));
    }),
    ...mustWrap('slice', (...a) => {
      if (a.length < 1) arity(a, 'slice', 1, Infinity);
      const raw = argAny(a[0]);
      const l = listOf(raw, (k) => `list should be type of slice or array but ${k}`);
      if (l.length === 0) return null;
      const start = a.length > 1 ? Number(toInt64(a[1])) : 0;
      const end = a.length > 2 ? Number(toInt64(a[2])) : l.length;
      if (start < 0 || end < start || end > l.length) throw new Error('reflect.Value.Slice: slice index out of bounds');
      return raw instanceof Uint8Array ? raw.slice(start, end) : sameSliceType(l, l.slice(start, end));
    }),
  ];
  const fns: FuncMap = Object.fromEntries(listFns);
  delete fns.mustSlice;
  fns.mustSlice = fns.slice!;
  return {
    ...fns,
    list: (...a) => a.map(argAny),
    tuple: (...a) => a.map(argAny),
    concat: (...a) => {
      const out: GoValue[] = [];
      for (const l of a) out.push(...listOf(l, (k) => `Cannot concat type ${k} as list`));
      // Sprig appends to a nil slice: nothing appended stays nil (`toJson` gives null)
      return out.length === 0 ? nilSlice() : out;
    },
    dict: (...a) => {
      const d: GoMap = {};
      for (let i = 0; i < a.length; i += 2) d[strval(argAny(a[i]))] = i + 1 < a.length ? argAny(a[i + 1]) : '';
      return d;
    },
    get: (...a) => {
      arity(a, 'get', 2);
      const d = argMap(a[0], 'get');
      const k = argString(a[1], 'get');
      return Object.hasOwn(d, k) ? d[k] : '';
    },
    set: (...a) => {
      arity(a, 'set', 3);
      const d = argMap(a[0], 'set');
      d[argString(a[1], 'set')] = argAny(a[2]);
      return d;
    },
    unset: (...a) => {
      arity(a, 'unset', 2);
      const d = argMap(a[0], 'unset');
      delete d[argString(a[1], 'unset')];
      return d;
    },
    hasKey: (...a) => {
      arity(a, 'hasKey', 2);
      return Object.hasOwn(argMap(a[0], 'hasKey'), argString(a[1], 'hasKey'));
    },
    pluck: (...a) => {
      if (a.length < 1) arity(a, 'pluck', 1, Infinity);
      const key = argString(a[0], 'pluck');
      return a
        .slice(1)
        .map((d) => argMap(d, 'pluck'))
        .filter((d) => Object.hasOwn(d, key))
        .map((d) => d[key]);
    },
    // Go iterates maps in random order; we sort keys (byte order) so output is stable.
    keys: (...a) => typedSlice(a.flatMap((d) => Object.keys(argMap(d, 'keys')).sort(compareBytes)), '[]string'),
    values: (...a) => {
      arity(a, 'values', 1);
      const d = argMap(a[0], 'values');
      return Object.keys(d)
        .sort(compareBytes)
        .map((k) => d[k]);
    },
    pick: (...a) => {
      if (a.length < 1) arity(a, 'pick', 1, Infinity);
      const d = argMap(a[0], 'pick');
      const out: GoMap = {};
      for (const k of a.slice(1).map((x) => argString(x, 'pick'))) if (Object.hasOwn(d, k)) out[k] = d[k];
      return out;
    },
    omit: (...a) => {
      if (a.length < 1) arity(a, 'omit', 1, Infinity);
      const d = argMap(a[0], 'omit');
      const drop = new Set(a.slice(1).map((x) => argString(x, 'omit')));
      return Object.fromEntries(Object.entries(d).filter(([k]) => !drop.has(k)));
    },
    merge: (...a) => mergeAll(a, false, 'merge'),
    mustMerge: (...a) => mergeAll(a, false, 'mustMerge'),
    mergeOverwrite: (...a) => mergeAll(a, true, 'mergeOverwrite'),
    mustMergeOverwrite: (...a) => mergeAll(a, true, 'mustMergeOverwrite'),
    deepCopy: (...a) => {
      arity(a, 'deepCopy', 1);
      return deepCopy(a[0]);
    },
    mustDeepCopy: (...a) => {
      arity(a, 'mustDeepCopy', 1);
      return deepCopy(a[0]);
    },
    dig: (...a) => dig(a),
    default: (...a) => {
      if (a.length < 1) arity(a, 'default', 1, Infinity);
      const given = a.slice(1).map(argAny);
      if (given.length === 0 || isEmpty(given[0])) return argAny(a[0]);
      return given[0];
    },
    empty: (...a) => {
      arity(a, 'empty', 1);
      return isEmpty(a[0]);
    },
    coalesce: (...a) => a.map(argAny).find((x) => !isEmpty(x)) ?? null,
    all: (...a) => a.every((x) => !isEmpty(x)),
    any: (...a) => a.some((x) => !isEmpty(x)),
    ternary: (...a) => {
      arity(a, 'ternary', 3);
      if (typeof a[2] !== 'boolean') {
        if (a[2] === null || a[2] === undefined) throw new Error('ternary: invalid value; expected bool');
        throw new Error(`ternary: wrong type for value; expected bool; got ${kindOf(a[2])}`);
      }
      return a[2] ? argAny(a[0]) : argAny(a[1]);
    },
  };
}

function mergeAll(a: GoValue[], overwrite: boolean, fn: string): GoMap {
  if (a.length < 1) arity(a, fn, 1, Infinity);
  const dst = argMap(a[0], fn);
  for (const src of a.slice(1)) mergoMerge(dst, argMap(src, fn), overwrite);
  return dst;
}
