/**
 * Helm's value coalescing (pkg/chartutil/coalesce.go): user values over chart defaults, deep;
 * a user `null` deletes the key; a parent's values under a subchart's name override the
 * subchart's defaults; `global` flows from parent to subcharts. `merge` mode (used while
 * processing dependencies) keeps nulls instead of deleting.
 */
import type { GoMap, GoValue } from '../template/values.js';
import { isGoMap } from '../template/values.js';
import { HelmError } from './errors.js';
import type { Chart } from './types.js';

export const GLOBAL_KEY = 'global';

/** Deep copy of a value tree (maps and slices; scalars shared). */
export function copyValue<T extends GoValue>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => copyValue(x)) as T;
  if (isGoMap(v)) {
    const out: GoMap = {};
    for (const k of Object.keys(v)) out[k] = copyValue(v[k]);
    return out as T;
  }
  return v;
}

/** Final values for a chart: `CoalesceValues(chart, userValues)`; `userValues` is not changed. */
export function coalesceValues(chart: Chart, vals: GoMap | undefined, merge = false): GoMap {
  const dest = copyValue(vals ?? {});
  return coalesce(chart, dest, '', merge);
}

function concatPrefix(a: string, b: string): string {
  return a === '' ? b : `${a}.${b}`;
}

function coalesce(ch: Chart, dest: GoMap, prefix: string, merge: boolean): GoMap {
  coalesceChartValues(ch, dest, prefix, merge);
  return coalesceDeps(ch, dest, prefix, merge);
}

function coalesceDeps(ch: Chart, dest: GoMap, prefix: string, merge: boolean): GoMap {
  for (const sub of ch.dependencies) {
    const name = sub.metadata.name;
    if (!(name in dest)) dest[name] = {};
    else if (!isGoMap(dest[name])) throw new HelmError(`type mismatch on ${name}: %!t(${goTypeName(dest[name])}=${String(dest[name])})`);
    const dv = dest[name] as GoMap;
    const subPrefix = concatPrefix(prefix, ch.metadata.name);
    coalesceGlobals(dv, dest, subPrefix);
    dest[name] = coalesce(sub, dv, subPrefix, merge);
  }
  return dest;
}

function goTypeName(v: GoValue): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'bigint') return 'int64';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return '[]interface {}';
  return 'interface {}';
}

function coalesceGlobals(dest: GoMap, src: GoMap, prefix: string): void {
  let dg: GoMap;
  let sg: GoMap;
  if (!(GLOBAL_KEY in dest)) dg = {};
  else if (isGoMap(dest[GLOBAL_KEY])) dg = dest[GLOBAL_KEY];
  else return;
  if (!(GLOBAL_KEY in src)) sg = {};
  else if (isGoMap(src[GLOBAL_KEY])) sg = src[GLOBAL_KEY];
  else return;
  for (const key of Object.keys(sg)) {
    const val = sg[key];
    if (isGoMap(val)) {
      const vv: GoMap = { ...val };
      if (!(key in dg)) dg[key] = vv;
      else {
        const destv = dg[key];
        if (isGoMap(destv)) {
          coalesceTables(vv, destv, concatPrefix(prefix, key), true);
          dg[key] = vv;
        }
      }
    } else if (key in dg && isGoMap(dg[key])) {
      // a table is not replaced by a scalar
    } else dg[key] = val;
  }
  dest[GLOBAL_KEY] = dg;
}

function coalesceChartValues(c: Chart, v: GoMap, prefix: string, merge: boolean): void {
  const vc = copyValue(c.values ?? {});
  const depNames = new Set(c.dependencies.map((d) => d.metadata.name));
  for (const key of Object.keys(vc)) {
    const val = vc[key];
    if (key in v) {
      const value = v[key];
      if (value === null && !merge) delete v[key];
      else if (isGoMap(value)) {
        if (isGoMap(val)) coalesceTables(value, val, concatPrefix(concatPrefix(prefix, c.metadata.name), key), depNames.has(key) || merge);
      }
    } else v[key] = val;
  }
}

/** `coalesceTablesFullKey`: fills `dst` from `src` where `dst` has nothing; dst wins. */
export function coalesceTables(dst: GoMap, src: GoMap | undefined, prefix: string, merge: boolean): GoMap {
  if (!src) return dst;
  for (const key of Object.keys(src)) {
    const val = src[key];
    const has = key in dst;
    const dv = dst[key];
    if (has && !merge && dv === null) delete dst[key];
    else if (!has) dst[key] = val;
    else if (isGoMap(val)) {
      if (isGoMap(dv)) coalesceTables(dv, val, concatPrefix(prefix, key), merge);
    }
  }
  return dst;
}

/** Helm's `values.Options.MergeValues` map merge for successive `-f` files: later wins, maps merge. */
export function mergeMaps(a: GoMap, b: GoMap): GoMap {
  const out: GoMap = { ...a };
  for (const k of Object.keys(b)) {
    const v = b[k];
    if (isGoMap(v) && k in out && isGoMap(out[k])) {
      out[k] = mergeMaps(out[k] as GoMap, v);
      continue;
    }
    out[k] = v;
  }
  return out;
}
