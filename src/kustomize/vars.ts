/**
 * Deprecated `vars`: a var names a field of one object (`objref` + `fieldref.fieldpath`); after
 * the whole build (hash suffixes and name references included) every `$(NAME)` in the var
 * reference fields is replaced by that field's value. Vars merge up from bases and components;
 * a name declared twice is an error, as is a var whose object is not in the build.
 */
import { KustomizeError } from './errors.js';
import type { FieldSpec } from './field-specs.js';
import { specMatches, visitPath } from './field-specs.js';
import { splitFieldPath } from './replacements.js';
import type { Obj, Resource } from './resource.js';
import { gvkOf, nameOf, namespaceOf } from './resource.js';
import { groupOf, setGroup } from './aliases.js';

export interface VarRef {
  apiVersion?: string;
  group?: string;
  version?: string;
  kind?: string;
  name: string;
  namespace?: string;
}

export interface Var {
  name: string;
  objref: VarRef;
  fieldpath: string;
}

const CONTAINER_FIELDS = ['args', 'command', 'env/value', 'volumeMounts/mountPath'];

function podFields(kind: string, spec: string, nfs: string): FieldSpec[] {
  const out: FieldSpec[] = [];
  for (const list of ['containers', 'initContainers']) {
    for (const f of CONTAINER_FIELDS) out.push({ path: `${spec}/${list}/${f}`, kind });
  }
  out.push({ path: nfs, kind });
  return out;
}

/** kustomize's builtin varReference field specs (api/internal/konfig/builtinpluginconsts). */
export const DEFAULT_VAR_SPECS: FieldSpec[] = [
  // The CronJob nfs path is kustomize's, template level and all.
  ...podFields('CronJob', 'spec/jobTemplate/spec/template/spec', 'spec/jobTemplate/spec/template/volumes/nfs/server'),
  ...podFields('DaemonSet', 'spec/template/spec', 'spec/template/spec/volumes/nfs/server'),
  ...podFields('Deployment', 'spec/template/spec', 'spec/template/spec/volumes/nfs/server'),
  { path: 'spec/template/metadata/annotations', kind: 'Deployment' },
  { path: 'spec/rules/host', kind: 'Ingress' },
  { path: 'spec/tls/hosts', kind: 'Ingress' },
  { path: 'spec/tls/secretName', kind: 'Ingress' },
  ...podFields('Job', 'spec/template/spec', 'spec/template/spec/volumes/nfs/server'),
  ...podFields('Pod', 'spec', 'spec/volumes/nfs/server'),
  ...podFields('ReplicaSet', 'spec/template/spec', 'spec/template/spec/volumes/nfs/server'),
  { path: 'spec/ports/port', kind: 'Service' },
  { path: 'spec/ports/targetPort', kind: 'Service' },
  ...podFields('StatefulSet', 'spec/template/spec', 'spec/volumeClaimTemplates/spec/nfs/server'),
  { path: 'spec/nfs/server', kind: 'PersistentVolume' },
  { path: 'metadata/labels' },
  { path: 'metadata/annotations' },
];

function refGvk(r: VarRef): { group: string; version: string; kind: string } {
  if (r.apiVersion) {
    const i = r.apiVersion.indexOf('/');
    return i < 0
      ? { group: r.group ?? '', version: r.apiVersion, kind: r.kind ?? '' }
      : { group: r.apiVersion.slice(0, i), version: r.apiVersion.slice(i + 1), kind: r.kind ?? '' };
  }
  return { group: r.group ?? '', version: r.version ?? '', kind: r.kind ?? '' };
}

function gvkString(g: { group: string; version: string; kind: string }): string {
  return `${g.kind}.${g.version || '[noVer]'}.${g.group || '[noGrp]'}`;
}

/** How kustomize prints a var in its errors. */
export function varString(v: Var): string {
  return `{${v.name} ${gvkString(refGvk(v.objref))} {${v.fieldpath}}}`;
}

/** How kustomize prints an object's id in its errors. */
function resIdString(o: Obj): string {
  return `${gvkString(gvkOf(o))}/${nameOf(o)}.${namespaceOf(o) || '[noNs]'}`;
}

/** Reads a kustomization's `vars:`. */
export function parseVars(k: Obj, file: string): Var[] {
  const raw = k.vars;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new KustomizeError('vars must be a list', file);
  return raw.map((v: Obj) => {
    if (!v || typeof v !== 'object' || typeof v.name !== 'string') throw new KustomizeError('a var must have a name', file);
    const o = (v.objref ?? {}) as Obj;
    const objref: VarRef = { name: String(o.name ?? '') };
    for (const f of ['apiVersion', 'group', 'version', 'kind', 'namespace'] as const) {
      if (o[f] !== undefined && o[f] !== null) objref[f] = String(o[f]);
    }
    const fp = v.fieldref?.fieldpath ?? v.fieldref?.fieldPath;
    return { name: v.name, objref, fieldpath: typeof fp === 'string' && fp !== '' ? fp : 'metadata.name' };
  });
}

/** VarSet.Merge: a name may be declared once in the whole build. */
export function mergeVarSet(into: Map<string, Var>, incoming: Iterable<Var>, file?: string): void {
  for (const v of incoming) {
    if (into.has(v.name)) throw new KustomizeError(`var '${v.name}' already encountered`, file);
    into.set(v.name, v);
  }
}

function effectiveNs(ns: string): string {
  return ns === '' ? 'default' : ns;
}

/**
 * Binds a kustomization's vars to the objects they name (by current or any former name), as
 * kustomize's MergeVars does right after that kustomization's transformers; the binding then
 * follows the object through later renames.
 */
export function bindVars(resources: Resource[], vars: Var[], file: string): void {
  if (vars.length === 0) return;
  const byKind = new Map<string, Resource[]>();
  for (const r of resources) {
    const kind = gvkOf(r.obj).kind;
    const l = byKind.get(kind);
    if (l) l.push(r);
    else byKind.set(kind, [r]);
  }
  for (const v of vars) {
    const g = refGvk(v.objref);
    const ns = v.objref.namespace ?? '';
    const matched = (byKind.get(g.kind) ?? []).filter((r) => {
      const rg = gvkOf(r.obj);
      if (rg.group !== g.group || rg.version !== g.version) return false;
      if (!r.names.includes(v.objref.name)) return false;
      return ns === '' || r.namespaces.some((n) => effectiveNs(n) === effectiveNs(ns));
    });
    if (matched.length > 1) {
      throw new KustomizeError(
        `merging vars ${varString(v)}: found ${matched.length} resId matches for var ${varString(v)} (unable to disambiguate)`,
        file,
      );
    }
    if (matched.length === 1) (matched[0]!.refVarNames ??= []).push(v.name);
  }
}

/** RNode.GetFieldValue: `a.b[0].c`, `a.[k=v].c`. */
function fieldValue(o: Obj, fieldPath: string): unknown {
  const segs: string[] = [];
  for (const s of splitFieldPath(fieldPath)) {
    const m = /^(.*)\[(\d+)\]$/.exec(s);
    if (m) {
      if (m[1]) segs.push(m[1]);
      segs.push(m[2]!);
    } else segs.push(s);
  }
  let cur: unknown = o;
  for (const seg of segs) {
    if (cur === null || cur === undefined) return undefined;
    const kv = /^\[([^=]+)=(.*)\]$/.exec(seg);
    if (kv) {
      if (!Array.isArray(cur)) return undefined;
      cur = cur.find((x) => x && typeof x === 'object' && String((x as Obj)[kv[1]!]) === kv[2]);
    } else if (Array.isArray(cur)) {
      cur = /^\d+$/.test(seg) ? cur[Number(seg)] : undefined;
    } else if (typeof cur === 'object') {
      cur = (cur as Obj)[seg];
    } else return undefined;
  }
  return cur;
}

type Mapping = (name: string) => unknown;

/** kustomize's `$(VAR)` expansion: `$$` is a literal `$`; a whole-value `$(VAR)` keeps the value's type. */
export function expandVars(input: string, mapping: Mapping): unknown {
  let out = '';
  let checkpoint = 0;
  for (let i = 0; i < input.length; i++) {
    if (input[i] !== '$' || i + 1 >= input.length) continue;
    out += input.slice(checkpoint, i);
    const next = input[i + 1];
    let advance = 1;
    if (next === '$') out += '$';
    else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) out += '$(';
      else {
        const name = input.slice(i + 2, close);
        const mapped = mapping(name);
        if (input === `$(${name})`) return mapped;
        out += String(mapped);
        advance = close - i;
      }
    } else out += `$${next}`;
    i += advance;
    checkpoint = i + 1;
  }
  return out + input.slice(checkpoint);
}

/**
 * Resolves the vars (sorted by name, as kustomize does) against the objects bound to them and
 * substitutes them in the var reference fields of every object.
 */
export function resolveVars(resources: Resource[], vars: Map<string, Var>, specs: FieldSpec[], file: string): void {
  if (vars.size === 0) return;
  const bound = new Map<string, Resource>();
  for (const r of resources) {
    for (const n of r.refVarNames ?? []) if (!bound.has(n)) bound.set(n, r);
  }
  const values = new Map<string, unknown>();
  for (const v of [...vars.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const r = bound.get(v.name);
    if (!r) throw new KustomizeError(`var '${varString(v)}' cannot be mapped to a field in the set of known resources`, file);
    const value = fieldValue(r.obj, v.fieldpath);
    if (value === undefined) throw new KustomizeError(`field specified in var '${varString(v)}' not found in corresponding resource`, file);
    values.set(v.name, value);
  }
  const mapping: Mapping = (name) => {
    const v = values.get(name);
    if (v === null || v === undefined || typeof v === 'object') return `$(${name})`;
    return v;
  };
  for (const r of resources) {
    // A field sharing its YAML node with others (aliases.ts) changes in all of them.
    const put = (parent: Obj, key: string, at: string[], value: string): void => {
      const g = r.aliases?.length ? groupOf(r, at) : undefined;
      const next = expandVars(value, mapping);
      // A typed value (`$(PORT)` alone) replaces the shared node too.
      if (g) setGroup(r, g, next as string);
      else parent[key] = next;
    };
    for (const fs of specs) {
      if (!specMatches(fs, r.obj)) continue;
      visitPath(r.obj, fs.path, false, (parent, key, at) => {
        const node = parent[key];
        if (typeof node === 'string') put(parent, key, at, node);
        else if (Array.isArray(node)) {
          node.forEach((item, i) => {
            if (typeof item !== 'string') {
              throw new KustomizeError(
                `considering field '${fs.path}' of object ${resIdString(r.obj)}: visit traversal on path: [${fs.path.split('/').pop()}]: invalid value type expect a string`,
                file,
              );
            }
            node[i] = expandVars(item, mapping);
          });
        } else if (node && typeof node === 'object') {
          for (const [k, x] of Object.entries(node as Obj)) if (typeof x === 'string') put(node as Obj, k, [...at, k], x);
        }
      });
    }
    // kustomize rewrites metadata.annotations as strings when it strips its build annotations.
    const ann = r.obj.metadata?.annotations;
    if (ann && typeof ann === 'object') {
      for (const [k, x] of Object.entries(ann as Obj)) if (typeof x === 'number' || typeof x === 'boolean') (ann as Obj)[k] = String(x);
    }
  }
}
