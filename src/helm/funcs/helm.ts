/** Helm's own template functions (pkg/engine/funcs.go and engine.go of Helm 3.17). */
import { parseAllDocuments } from 'yaml';
import { goBlockScalarAtEof, goTags } from '../chart/yaml.js';
import type { FuncMap, GoMap, GoValue } from '../template/values.js';
import { isGoMap } from '../template/values.js';
import { argAny, argString, arity, fmtV } from './go.js';
import { jsonKind, marshalJSON, parseJSON } from './json.js';
import { decodeTOML, encodeTOML } from './toml.js';
import { marshalYAML, marshalYAMLPretty } from './yaml.js';

/** What the renderer provides to Helm's late-bound functions. */
export interface HelmFuncContext {
  /** Executes the named template with `data` (Helm's `include`). */
  include(name: string, data: GoValue): string;
  /** Parses and executes `text` in the current template set (Helm's `tpl`). */
  tpl(text: string, data: GoValue): string;
  /**
   * Resolves a `lookup`. Template execution is synchronous, so this must return the object (or an
   * empty map) synchronously: the renderer prefetches or serves from a cache. A `list` is a map with
   * `items`. Absent ⇒ every lookup yields an empty map, as `helm template` does.
   */
  lookup?(apiVersion: string, kind: string, namespace: string, name: string): Promise<GoMap> | GoMap;
  /** Lint mode: `required` and `fail` log instead of failing. */
  lintMode?: boolean;
}

/** Delimiters Helm wraps `required`/`fail` messages in, so the error can be reported cleanly. */
export const WARN_START = 'HELM_ERR_START';
export const WARN_END = 'HELM_ERR_END';

/** Wraps a message as Helm's warnWrap does. */
export function warnWrap(msg: string): string {
  return `${WARN_START}${msg}${WARN_END}`;
}

/** The message inside a warnWrap'ed error text, if any. */
export function unwrapWarning(text: string): string | undefined {
  const m = new RegExp(`${WARN_START}([\\s\\S]*)${WARN_END}`).exec(text);
  return m?.[1];
}

/** JSON-compatible value from a YAML document (sigs.k8s.io/yaml: YAML → JSON → Go; numbers are float64). */
function yamlToGo(text: string): GoValue {
  const docs = parseAllDocuments(text, { version: '1.1', customTags: goTags });
  if (Array.isArray(docs) && docs.length > 0) {
    const doc = docs[0]!;
    if (doc.errors.length > 0) throw new Error(`error converting YAML to JSON: yaml: ${doc.errors[0]!.message.split('\n')[0]}`);
    goBlockScalarAtEof(doc, text);
    const v = toJsonModel(doc.toJS({ maxAliasCount: -1, mapAsMap: true }));
    checkFinite(v);
    return v;
  }
  if (!Array.isArray(docs)) throw new Error('error converting YAML to JSON: yaml: invalid document');
  return null;
}

function checkFinite(v: GoValue): void {
  if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`error converting YAML to JSON: json: unsupported value: ${Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf'}`);
  if (Array.isArray(v)) v.forEach(checkFinite);
  else if (isGoMap(v)) Object.values(v).forEach(checkFinite);
}

function toJsonModel(v: unknown): GoValue {
  if (v === undefined || v === null) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map(toJsonModel);
  if (v instanceof Map) {
    const out: GoMap = {};
    for (const [k, x] of v) {
      if (k === null || k === undefined) {
        throw new Error(`error converting YAML to JSON: unsupported map key of type: %!s(<nil>), key: <nil>, value: ${fmtV(toJsonModel(x))}`);
      }
      out[keyString(k)] = toJsonModel(x);
    }
    return out;
  }
  if (v instanceof Set) return Object.fromEntries([...v].map((k) => [keyString(k), null]));
  if (typeof v === 'object') {
    const out: GoMap = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = toJsonModel(x);
    return out;
  }
  return String(v);
}

function keyString(k: unknown): string {
  if (typeof k === 'string') return k;
  if (k === null || k === undefined) return 'null';
  return String(k);
}

/** Helm's functions; with `funcMap` they override Sprig's of the same name. */
export function helmFuncs(ctx: HelmFuncContext): FuncMap {
  return {
    toToml: (...a) => {
      arity(a, 'toToml', 1);
      try {
        return encodeTOML(argAny(a[0]));
      } catch (e) {
        return (e as Error).message;
      }
    },
    fromToml: (...a) => {
      arity(a, 'fromToml', 1);
      try {
        return decodeTOML(argString(a[0], 'fromToml'));
      } catch (e) {
        return { Error: (e as Error).message };
      }
    },
    toYaml: (...a) => {
      arity(a, 'toYaml', 1);
      try {
        return marshalYAML(argAny(a[0])).replace(/\n$/, '');
      } catch {
        return '';
      }
    },
    toYamlPretty: (...a) => {
      arity(a, 'toYamlPretty', 1);
      try {
        return marshalYAMLPretty(argAny(a[0])).replace(/\n$/, '');
      } catch {
        return '';
      }
    },
    fromYaml: (...a) => {
      arity(a, 'fromYaml', 1);
      const s = argString(a[0], 'fromYaml');
      try {
        const v = yamlToGo(s);
        if (v === null) return {};
        if (!isGoMap(v)) return { Error: `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(v)} into Go value of type map[string]interface {}` };
        return v;
      } catch (e) {
        return { Error: (e as Error).message };
      }
    },
    fromYamlArray: (...a) => {
      arity(a, 'fromYamlArray', 1);
      const s = argString(a[0], 'fromYamlArray');
      try {
        const v = yamlToGo(s);
        if (v === null) return [];
        if (!Array.isArray(v)) return [`error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(v)} into Go value of type []interface {}`];
        return v;
      } catch (e) {
        return [(e as Error).message];
      }
    },
    toJson: (...a) => {
      arity(a, 'toJson', 1);
      try {
        return marshalJSON(argAny(a[0]));
      } catch {
        return '';
      }
    },
    fromJson: (...a) => {
      arity(a, 'fromJson', 1);
      try {
        const v = parseJSON(argString(a[0], 'fromJson'));
        if (v === null) return {};
        if (!isGoMap(v)) return { Error: `json: cannot unmarshal ${jsonKind(v)} into Go value of type map[string]interface {}` };
        return v;
      } catch (e) {
        return { Error: (e as Error).message };
      }
    },
    fromJsonArray: (...a) => {
      arity(a, 'fromJsonArray', 1);
      try {
        const v = parseJSON(argString(a[0], 'fromJsonArray'));
        if (v === null) return [];
        if (!Array.isArray(v)) return [`json: cannot unmarshal ${jsonKind(v)} into Go value of type []interface {}`];
        return v;
      } catch (e) {
        return [(e as Error).message];
      }
    },
    include: (...a) => {
      arity(a, 'include', 2);
      return ctx.include(argString(a[0], 'include'), argAny(a[1]));
    },
    tpl: (...a) => {
      arity(a, 'tpl', 2);
      return ctx.tpl(argString(a[0], 'tpl'), argAny(a[1]));
    },
    required: (...a) => {
      arity(a, 'required', 2);
      const warn = argString(a[0], 'required');
      const val = argAny(a[1]);
      if (val === null || val === '') {
        if (ctx.lintMode) return '';
        throw new Error(warnWrap(warn));
      }
      return val;
    },
    fail: (...a) => {
      arity(a, 'fail', 1);
      const msg = argString(a[0], 'fail');
      if (ctx.lintMode) return '';
      throw new Error(warnWrap(msg));
    },
    lookup: (...a) => {
      arity(a, 'lookup', 4);
      const [apiVersion, kind, namespace, name] = a.map((x) => argString(x, 'lookup')) as [string, string, string, string];
      if (!ctx.lookup) return {};
      const r = ctx.lookup(apiVersion, kind, namespace, name) as unknown;
      if (r instanceof Promise) throw new Error('lookup: the resolver must be synchronous (prefetch before rendering)');
      return r as GoMap;
    },
    getHostByName: () => '',
  };
}
