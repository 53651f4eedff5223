/** The built-in transformers a kustomization configures: namespace, names, labels, images… */
import type { AliasGroup } from './aliases.js';
import { groupOf, setGroup } from './aliases.js';
import type { FieldSpec } from './field-specs.js';
import { specMatches, visitPath } from './field-specs.js';
import { effectiveSpecs } from './config.js';
import type { Obj, Resource } from './resource.js';
import { gvkOf, isClusterScoped, nameOf, storePreviousId } from './resource.js';

const WORKLOADS = ['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet'];

function podTemplateSpecs(withSelectors: boolean): FieldSpec[] {
  const out: FieldSpec[] = [];
  if (withSelectors) {
    out.push({ path: 'spec/selector', kind: 'Service', version: 'v1', create: true });
    out.push({ path: 'spec/selector', kind: 'ReplicationController', version: 'v1', create: true });
  }
  out.push({ path: 'spec/template/metadata/labels', kind: 'ReplicationController', version: 'v1', create: true });
  for (const k of WORKLOADS) {
    if (withSelectors) out.push({ path: 'spec/selector/matchLabels', kind: k, create: true });
    out.push({ path: 'spec/template/metadata/labels', kind: k, create: true });
    if (withSelectors && (k === 'Deployment' || k === 'StatefulSet')) {
      for (const a of ['podAffinity', 'podAntiAffinity']) {
        out.push({ path: `spec/template/spec/affinity/${a}/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels`, kind: k, group: 'apps' });
        out.push({ path: `spec/template/spec/affinity/${a}/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels`, kind: k, group: 'apps' });
      }
      out.push({ path: 'spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels', kind: k, group: 'apps' });
    }
  }
  if (withSelectors) out.push({ path: 'spec/volumeClaimTemplates[]/metadata/labels', kind: 'StatefulSet', group: 'apps', create: true });
  if (withSelectors) out.push({ path: 'spec/selector/matchLabels', kind: 'Job', group: 'batch' });
  out.push({ path: 'spec/template/metadata/labels', kind: 'Job', group: 'batch', create: true });
  if (withSelectors) out.push({ path: 'spec/jobTemplate/spec/selector/matchLabels', kind: 'CronJob', group: 'batch' });
  out.push({ path: 'spec/jobTemplate/metadata/labels', kind: 'CronJob', group: 'batch', create: true });
  out.push({ path: 'spec/jobTemplate/spec/template/metadata/labels', kind: 'CronJob', group: 'batch', create: true });
  if (withSelectors) {
    out.push({ path: 'spec/selector/matchLabels', kind: 'PodDisruptionBudget', group: 'policy' });
    out.push({ path: 'spec/podSelector/matchLabels', kind: 'NetworkPolicy', group: 'networking.k8s.io' });
    out.push({ path: 'spec/ingress/from/podSelector/matchLabels', kind: 'NetworkPolicy', group: 'networking.k8s.io' });
    out.push({ path: 'spec/egress/to/podSelector/matchLabels', kind: 'NetworkPolicy', group: 'networking.k8s.io' });
  }
  return out;
}

/** Field specs for commonLabels / labels with includeSelectors. */
export const COMMON_LABEL_SPECS: FieldSpec[] = [{ path: 'metadata/labels', create: true }, ...podTemplateSpecs(true)];
/** Field specs for labels with includeTemplates only. */
export const TEMPLATE_LABEL_SPECS: FieldSpec[] = [
  { path: 'metadata/labels', create: true },
  ...podTemplateSpecs(false),
];
export const METADATA_LABEL_SPECS: FieldSpec[] = [{ path: 'metadata/labels', create: true }];

export const ANNOTATION_SPECS: FieldSpec[] = [
  { path: 'metadata/annotations', create: true },
  ...['ReplicationController'].map((kind) => ({ path: 'spec/template/metadata/annotations', kind, version: 'v1', create: true })),
  ...WORKLOADS.map((kind) => ({ path: 'spec/template/metadata/annotations', kind, create: true })),
  { path: 'spec/template/metadata/annotations', kind: 'Job', group: 'batch', create: true },
  { path: 'spec/jobTemplate/metadata/annotations', kind: 'CronJob', group: 'batch', create: true },
  { path: 'spec/jobTemplate/spec/template/metadata/annotations', kind: 'CronJob', group: 'batch', create: true },
];

/** Adds the entries to the map at every matching field spec. */
export function addMapEntries(resources: Resource[], specs: FieldSpec[], entries: Record<string, string>): void {
  for (const r of resources) {
    // One new shared node per key for this object (see aliases.ts).
    const fresh = new Map<string, AliasGroup>();
    for (const fs of specs) {
      if (!specMatches(fs, r.obj)) continue;
      visitPath(r.obj, fs.path, fs.create ?? false, (parent, key, path) => {
        if (parent[key] === null || parent[key] === undefined || typeof parent[key] !== 'object') parent[key] = {};
        const map = parent[key] as Obj;
        for (const [k, v] of Object.entries(entries)) {
          const p = [...path, k];
          const existing = k in map ? groupOf(r, p) : undefined;
          if (existing) {
            setGroup(r, existing, v);
            continue;
          }
          const had = k in map;
          map[k] = v;
          if (had) continue;
          let g = fresh.get(k);
          if (!g) {
            g = { paths: [], value: v };
            fresh.set(k, g);
            (r.aliases ??= []).push(g);
          }
          g.paths.push(p);
        }
      });
    }
  }
}

export function isNamespaced(o: Obj): boolean {
  return !isClusterScoped(o);
}

/** Sets a string at every field the specs reach in `r` (custom field specs of `configurations:`). */
function setAtSpecs(r: Resource, specs: FieldSpec[], value: (cur: unknown) => unknown): void {
  for (const fs of specs) {
    if (!specMatches(fs, r.obj)) continue;
    visitPath(r.obj, fs.path, fs.create ?? false, (parent, key) => {
      const next = value(parent[key]);
      if (next !== undefined) parent[key] = next;
    });
  }
}

/** The namespace transformer: metadata.namespace, the RBAC `default` subjects, CRD and APIService service namespaces. */
export function setNamespace(resources: Resource[], ns: string, extra: FieldSpec[] = []): void {
  for (const r of resources) {
    const o = r.obj;
    storePreviousId(r);
    if (extra.length) setAtSpecs(r, extra.filter((fs) => fs.path !== 'metadata/namespace'), () => ns);
    const kind = gvkOf(o).kind;
    if (isNamespaced(o)) {
      o.metadata ??= {};
      o.metadata.namespace = ns;
      r.namespaces.push(ns);
    }
    // kustomize's namespace field specs include a core Namespace object's own name.
    if (kind === 'Namespace' && gvkOf(o).group === '' && nameOf(o) !== ns) {
      o.metadata ??= {};
      o.metadata.name = ns;
      r.names.push(ns);
    }
    if (kind === 'RoleBinding' || kind === 'ClusterRoleBinding') {
      for (const s of Array.isArray(o.subjects) ? o.subjects : []) {
        if (s && s.kind === 'ServiceAccount' && s.name === 'default') s.namespace = ns;
      }
    }
    // Webhook service references are not namespace fields: they follow their Service through
    // the name-reference fix-up (a Service outside the build keeps its namespace).
    if (kind === 'CustomResourceDefinition' && o.spec?.conversion?.webhook?.clientConfig?.service) {
      o.spec.conversion.webhook.clientConfig.service.namespace = ns;
    }
    if (kind === 'APIService' && o.spec?.service) o.spec.service.namespace = ns;
  }
}

const NO_PREFIX = new Set(['CustomResourceDefinition', 'Namespace', 'APIService']);

const NAME_SPEC: FieldSpec[] = [{ path: 'metadata/name' }];

/**
 * One prefix (or suffix) transformer over its field specs, in order: a `metadata/name` spec renames
 * the objects it selects (recording the previous id); any other adds the affix to that field.
 */
function affixPass(resources: Resource[], specs: FieldSpec[], add: (v: string) => string, record: (r: Resource) => void): void {
  for (const r of resources) {
    if (NO_PREFIX.has(gvkOf(r.obj).kind)) continue;
    for (const fs of specs) {
      if (!specMatches(fs, r.obj)) continue;
      if (fs.path === 'metadata/name') {
        storePreviousId(r);
        record(r);
        r.obj.metadata ??= {};
        r.obj.metadata.name = add(nameOf(r.obj));
        r.names.push(r.obj.metadata.name);
      } else setAtSpecs(r, [fs], (cur) => (typeof cur === 'string' ? add(cur) : undefined));
    }
  }
}

/**
 * namePrefix / nameSuffix, each over the builtin `metadata/name` spec merged with the specs of
 * `configurations:` as kustomize merges them (see config.ts `effectiveSpecs`: a kind's own
 * `metadata/name` spec replaces the builtin one, so only that kind is renamed).
 */
export function addPrefixSuffix(
  resources: Resource[],
  prefix: string,
  suffix: string,
  prefixSpecs: FieldSpec[] = [],
  suffixSpecs: FieldSpec[] = [],
): void {
  const specs = (custom: FieldSpec[]) => (custom.length ? effectiveSpecs(NAME_SPEC, custom) : NAME_SPEC);
  if (prefix) affixPass(resources, specs(prefixSpecs), (v) => prefix + v, (r) => r.prefixes.push(prefix));
  if (suffix) affixPass(resources, specs(suffixSpecs), (v) => v + suffix, (r) => r.suffixes.push(suffix));
}

/** A PrefixSuffixTransformer config with its own `fieldSpecs`, used as they are. */
export function addPrefixSuffixAt(resources: Resource[], prefix: string, suffix: string, specs: FieldSpec[]): void {
  if (prefix) affixPass(resources, specs, (v) => prefix + v, (r) => r.prefixes.push(prefix));
  if (suffix) affixPass(resources, specs, (v) => v + suffix, (r) => r.suffixes.push(suffix));
}

export interface ImageSpec {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
  tagSuffix?: string;
}

function splitImage(image: string): { name: string; tag: string } {
  const at = image.indexOf('@');
  let name = image;
  let tag = '';
  if (at >= 0) {
    name = image.slice(0, at);
    tag = image.slice(at);
    const c = name.lastIndexOf(':');
    if (c > name.lastIndexOf('/')) {
      tag = name.slice(c) + tag;
      name = name.slice(0, c);
    }
    return { name, tag };
  }
  const c = image.lastIndexOf(':');
  if (c > image.lastIndexOf('/')) return { name: image.slice(0, c), tag: image.slice(c) };
  return { name, tag };
}

function updateImage(value: string, images: ImageSpec[]): string {
  const { name, tag } = splitImage(value);
  for (const im of images) {
    if (im.name !== name) continue;
    let n = name;
    let t = tag;
    if (im.newName) n = im.newName;
    if (im.newTag && im.digest) t = `:${im.newTag}@${im.digest}`;
    else if (im.newTag) t = `:${im.newTag}`;
    else if (im.digest) t = `@${im.digest}`;
    return n + t;
  }
  return value;
}

/** images: rewrites `image` of every container list found anywhere in the object, and at custom field specs. */
export function setImages(resources: Resource[], images: ImageSpec[], extra: FieldSpec[] = []): void {
  const walk = (v: any): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if ((k === 'containers' || k === 'initContainers') && Array.isArray(x)) {
          for (const c of x) if (c && typeof c.image === 'string') c.image = updateImage(c.image, images);
        }
        walk(x);
      }
    }
  };
  for (const r of resources) {
    walk(r.obj);
    if (extra.length) setAtSpecs(r, extra, (cur) => (typeof cur === 'string' ? updateImage(cur, images) : undefined));
  }
}

export interface ReplicaSpec {
  name: string;
  count: number;
}

const REPLICA_KINDS = new Set(['Deployment', 'ReplicationController', 'ReplicaSet', 'StatefulSet']);

/** replicas: sets spec.replicas on workloads whose current or former name matches; returns names that matched nothing. */
export function setReplicas(resources: Resource[], specs: ReplicaSpec[], extra: FieldSpec[] = []): string[] {
  const missing: string[] = [];
  for (const s of specs) {
    let found = false;
    for (const r of resources) {
      if (extra.length && r.names.includes(s.name) && extra.some((fs) => specMatches(fs, r.obj))) {
        found = true;
        setAtSpecs(r, extra, () => s.count);
      }
      if (!REPLICA_KINDS.has(gvkOf(r.obj).kind) && !(r.obj.spec && 'replicas' in r.obj.spec)) continue;
      if (!r.names.includes(s.name)) continue;
      found = true;
      r.obj.spec ??= {};
      r.obj.spec.replicas = s.count;
    }
    if (!found) missing.push(s.name);
  }
  return missing;
}
