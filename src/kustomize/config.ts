/**
 * Transformer configurations (`configurations:` files): field specs added to the builtin ones,
 * merged up from bases and components as kustomize merges its TransformerConfig. Only the
 * additions are kept here; the builtin transformers carry their own default specs.
 */
import { KustomizeError } from './errors.js';
import type { FieldSpec } from './field-specs.js';
import { parseYamlDocuments } from './parse.js';
import type { Obj } from './resource.js';

/** A `nameReference` entry: fields (`fieldSpecs`) that name an object of this kind. */
export interface NameRefConfig {
  kind: string;
  group?: string;
  version?: string;
  fieldSpecs: FieldSpec[];
}

/** The field-spec lists of a transformer configuration. */
export const FS_FIELDS = [
  'namePrefix',
  'nameSuffix',
  'namespace',
  'commonLabels',
  'labels',
  'templateLabels',
  'volumeClaimTemplateLabels',
  'commonAnnotations',
  'varReference',
  'images',
  'replicas',
] as const;

/** One of {@link FS_FIELDS}. */
export type FsField = (typeof FS_FIELDS)[number];

/** The field specs `configurations:` and `crds:` add to the builtin ones, per transformer. */
export type TransformerConfig = { [K in FsField]: FieldSpec[] } & { nameReference: NameRefConfig[] };

/** A configuration adding nothing. */
export function emptyConfig(): TransformerConfig {
  const c = { nameReference: [] } as unknown as TransformerConfig;
  for (const f of FS_FIELDS) c[f] = [];
  return c;
}

/** kustomize's FieldSpec "effectively equals": same path, and `a` selected by `b`'s group/version/kind. */
function selectedBy(a: FieldSpec, b: FieldSpec): boolean {
  if (b.group && a.group !== b.group) return false;
  if (b.version && a.version !== b.version) return false;
  if (b.kind && a.kind !== b.kind) return false;
  return a.path === b.path;
}

/** FsSlice.MergeAll: appends specs not already covered; the same spec with another `create` is a conflict. */
export function mergeSpecs(into: FieldSpec[], incoming: FieldSpec[], what: string, file?: string): FieldSpec[] {
  const out = into.slice();
  for (const x of incoming) {
    const i = out.findIndex((s) => selectedBy(s, x));
    if (i < 0) {
      out.push(x);
      continue;
    }
    if ((out[i]!.create ?? false) !== (x.create ?? false)) {
      throw new KustomizeError(`failed to merge ${what} fieldSpec: conflicting fieldspecs`, file);
    }
  }
  return out;
}

const ORDER_FIRST = [
  'Namespace', 'ResourceQuota', 'StorageClass', 'CustomResourceDefinition', 'ServiceAccount', 'PodSecurityPolicy',
  'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'ConfigMap', 'Secret', 'Endpoints', 'Service',
  'LimitRange', 'PriorityClass', 'PersistentVolume', 'PersistentVolumeClaim', 'Deployment', 'StatefulSet', 'CronJob',
  'PodDisruptionBudget',
];
const ORDER_LAST = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];

/** kustomize's Gvk.IsLessThan key: its kind order, then group_version_kind with `~` for blanks. */
function gvkSortKey(fs: FieldSpec): [number, string] {
  const k = fs.kind ?? '';
  const first = ORDER_FIRST.indexOf(k);
  const last = ORDER_LAST.indexOf(k);
  const order = first >= 0 ? first - ORDER_FIRST.length : last >= 0 ? last + 1 : 0;
  return [order, `${fs.group || '~G'}_${fs.version || '~V'}_${k || '~K'}`];
}

/**
 * The specs a transformer ends up with: kustomize merges the builtin specs with the custom ones,
 * sorts them by kind, and merges that list again into its accumulator — so a generic spec sorted
 * after a kind's spec for the same path is dropped (a kind's `metadata/name` prefix spec replaces
 * the builtin one for every kind).
 */
export function effectiveSpecs(builtin: FieldSpec[], custom: FieldSpec[], file?: string): FieldSpec[] {
  const merged = mergeSpecs(builtin, custom, 'fieldSpec', file);
  const keyed = merged.map((fs) => ({ fs, key: gvkSortKey(fs) }));
  keyed.sort((a, b) => (a.key[0] !== b.key[0] ? a.key[0] - b.key[0] : a.key[1] < b.key[1] ? -1 : a.key[1] > b.key[1] ? 1 : 0));
  return mergeSpecs([], keyed.map((x) => x.fs), 'fieldSpec', file);
}

function sameGvk(a: NameRefConfig, b: NameRefConfig): boolean {
  return a.kind === b.kind && (a.group ?? '') === (b.group ?? '') && (a.version ?? '') === (b.version ?? '');
}

/** TransformerConfig.Merge: every list merged with {@link mergeSpecs}, name references by kind. */
export function mergeConfig(a: TransformerConfig, b: TransformerConfig, file?: string): TransformerConfig {
  const out = emptyConfig();
  for (const f of FS_FIELDS) out[f] = mergeSpecs(a[f], b[f], f, file);
  out.nameReference = mergeNameRefs(a.nameReference, b.nameReference, file);
  return out;
}

/** Name references merge by referred kind; their field specs merge as any others. */
function mergeNameRefs(a: NameRefConfig[], b: NameRefConfig[], file?: string): NameRefConfig[] {
  const out = a.map((n) => ({ ...n }));
  for (const n of b) {
    const cur = out.find((x) => sameGvk(x, n));
    if (cur) cur.fieldSpecs = mergeSpecs(cur.fieldSpecs, n.fieldSpecs, 'NameReference', file);
    else out.push({ ...n });
  }
  return out;
}

function toSpec(v: unknown, file: string): FieldSpec {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new KustomizeError('a field spec must be a mapping', file);
  const o = v as Obj;
  for (const k of Object.keys(o)) {
    if (!['group', 'version', 'kind', 'path', 'create'].includes(k)) {
      throw new KustomizeError(`error unmarshaling JSON: json: unknown field ${JSON.stringify(k)}`, file);
    }
  }
  const fs: FieldSpec = { path: String(o.path ?? '') };
  if (o.kind) fs.kind = String(o.kind);
  // An empty group selects every group, as in kustomize's field spec filter.
  if (o.group) fs.group = String(o.group);
  if (o.version) fs.version = String(o.version);
  if (o.create === true) fs.create = true;
  return fs;
}

function specList(v: unknown, file: string): FieldSpec[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new KustomizeError('field specs must be a list', file);
  return v.map((x) => toSpec(x, file));
}

/** Parses one configuration file's text (kustomize unmarshals it strictly). */
export function parseConfig(text: string, file: string): TransformerConfig {
  const doc = (parseYamlDocuments(text, file)[0] ?? {}) as Obj;
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new KustomizeError('a transformer configuration must be a mapping', file);
  const c = emptyConfig();
  for (const [k, v] of Object.entries(doc)) {
    if ((FS_FIELDS as readonly string[]).includes(k)) c[k as FsField] = specList(v, file);
    else if (k === 'nameReference') {
      if (v === null) continue;
      if (!Array.isArray(v)) throw new KustomizeError('nameReference must be a list', file);
      c.nameReference = v.map((n: Obj) => {
        for (const key of Object.keys(n ?? {})) {
          if (!['group', 'version', 'kind', 'fieldSpecs'].includes(key)) {
            throw new KustomizeError(`error unmarshaling JSON: json: unknown field ${JSON.stringify(key)}`, file);
          }
        }
        const e: NameRefConfig = { kind: String(n?.kind ?? ''), fieldSpecs: specList(n?.fieldSpecs, file) };
        if (n?.group) e.group = String(n.group);
        if (n?.version) e.version = String(n.version);
        return e;
      });
    } else throw new KustomizeError(`error unmarshaling JSON: json: unknown field ${JSON.stringify(k)}`, file);
  }
  return c;
}

type Schema = { properties?: Record<string, Obj> };

/**
 * The `crds:` field: an OpenAPI definitions file (`{typeName: {Schema, Dependencies}}`, JSON or
 * YAML). For every type that looks like a Kubernetes object, properties marked with kustomize's
 * extensions become field specs of its kind: `x-kubernetes-annotation` (commonAnnotations),
 * `x-kubernetes-label-selector` (commonLabels), `x-kubernetes-identity` (namePrefix), and
 * `x-kubernetes-object-ref-api-version` + `-kind` (+ `-name-key`, default `name`) a name reference.
 */
export function configFromCrds(text: string, file: string): TransformerConfig {
  let defs: Record<string, { Schema?: Schema }>;
  try {
    defs = (text.trimStart().startsWith('{') ? JSON.parse(text) : parseYamlDocuments(text, file)[0] ?? {}) as typeof defs;
  } catch (e) {
    throw new KustomizeError(`unable to parse open API definition from '${file}': ${(e as Error).message}`, file);
  }
  let out = emptyConfig();
  for (const [typeName, def] of Object.entries(defs ?? {})) {
    const props = def?.Schema?.properties ?? {};
    if (!('kind' in props && 'apiVersion' in props && 'metadata' in props)) continue;
    const kind = typeName.split('.').pop() ?? typeName;
    const tc = emptyConfig();
    const visit = (name: string, path: string[]): void => {
      // A self-referencing schema would recurse forever in kustomize; stop at a sane depth.
      if (path.length > 32) return;
      for (const [prop, p] of Object.entries(defs[name]?.Schema?.properties ?? {})) {
        const at = [...path, prop];
        const fs: FieldSpec = { path: at.join('/'), kind };
        if (typeof p?.['x-kubernetes-annotation'] === 'string') tc.commonAnnotations = mergeSpecs(tc.commonAnnotations, [fs], 'CommonAnnotations', file);
        if (typeof p?.['x-kubernetes-label-selector'] === 'string') tc.commonLabels = mergeSpecs(tc.commonLabels, [fs], 'CommonLabels', file);
        if (typeof p?.['x-kubernetes-identity'] === 'string') tc.namePrefix = mergeSpecs(tc.namePrefix, [fs], 'NamePrefix', file);
        const version = p?.['x-kubernetes-object-ref-api-version'];
        const refKind = p?.['x-kubernetes-object-ref-kind'];
        if (typeof version === 'string' && typeof refKind === 'string') {
          const key = typeof p['x-kubernetes-object-ref-name-key'] === 'string' ? p['x-kubernetes-object-ref-name-key'] : 'name';
          const ref: NameRefConfig = { kind: refKind, version, fieldSpecs: [{ path: [...at, key].join('/'), kind }] };
          tc.nameReference = mergeNameRefs(tc.nameReference, [ref], file);
        }
        if (typeof p?.$ref === 'string') visit(p.$ref, at);
      }
    };
    visit(typeName, []);
    out = mergeConfig(out, tc, file);
  }
  return out;
}
