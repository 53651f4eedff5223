/**
 * The kustomize build pipeline: load a kustomization, accumulate its resources (files,
 * directories, bases), apply its components, run generators and transformers, then add
 * hash suffixes, fix name references and order the result as `kubectl kustomize` does.
 */
import path from 'node:path';
import { emitDocuments } from './emit.js';
import { KustomizeError } from './errors.js';
import type { KFileSystem } from './fs.js';
import { isWithin } from './fs.js';
import type { GeneratorArgs, GeneratorOptions } from './generators.js';
import { collectData, contentHash, generate } from './generators.js';
import { syncAfterMerge } from './aliases.js';
import { annotateBuildMetadata, jsonPatch, recordTransformer } from './build-metadata.js';
import type { JsonPatchOp } from './json-patch.js';
import { fixNameReferences } from './name-reference.js';
import { parseManifests, parseYamlDocuments } from './parse.js';
import type { Replacement } from './replacements.js';
import { applyReplacements } from './replacements.js';
import type { Obj, Resource, TransformerOrigin } from './resource.js';
import { describe, gvkOf, idKey, nameOf, namespaceOf, newResource, storePreviousId } from './resource.js';
import type { Selector } from './selector.js';
import { selects } from './selector.js';
import { mergeMap } from './smp.js';
import { legacySort } from './sort.js';
import type { TransformerConfig } from './config.js';
import type { FieldSpec } from './field-specs.js';
import { configFromCrds, emptyConfig, mergeConfig, mergeSpecs, parseConfig } from './config.js';
import type { Var } from './vars.js';
import { DEFAULT_VAR_SPECS, bindVars, mergeVarSet, parseVars, resolveVars } from './vars.js';
import type { ImageSpec, ReplicaSpec } from './transformers.js';
import {
  ANNOTATION_SPECS,
  COMMON_LABEL_SPECS,
  METADATA_LABEL_SPECS,
  TEMPLATE_LABEL_SPECS,
  addMapEntries,
  addPrefixSuffix,
  addPrefixSuffixAt,
  setImages,
  setNamespace,
  setReplicas,
} from './transformers.js';

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export interface BuildOptions {
  /** `legacy` (kubectl's default) sorts by kind; `none` keeps input order. */
  reorder?: 'legacy' | 'none';
  /**
   * Root outside of which nothing may be read. Defaults to the filesystem's root. kustomize's
   * default restricts each kustomization to its own directory; Flux (and this default) only
   * to the artifact root.
   */
  loadRestrictor?: 'rootOnly' | 'none';
  /** When a directory has no kustomization file, generate one as kustomize-controller does. */
  generateMissing?: boolean;
}

interface Ctx {
  fs: KFileSystem;
  opts: BuildOptions;
  stack: string[];
  /** buildMetadata is set: kustomize tracks origins and every transformer that runs. */
  trackMetadata: boolean;
}


function rel(ctx: Ctx, p: string): string {
  const r = path.posix.relative(ctx.fs.root, p);
  return r === '' ? '.' : r;
}

function findKustomizationFile(ctx: Ctx, dir: string): string | undefined {
  const found = KUSTOMIZATION_FILES.map((f) => path.posix.join(dir, f)).filter((p) => ctx.fs.stat(p) === 'file');
  if (found.length > 1) {
    throw new KustomizeError(`Found multiple kustomization files under: ${rel(ctx, dir)}`, rel(ctx, dir));
  }
  return found[0];
}

function isManifestFile(name: string): boolean {
  return name.endsWith('.yaml') || name.endsWith('.yml') || name.endsWith('.json');
}

/** The kustomization kustomize-controller generates for a directory without one. */
function generatedKustomization(ctx: Ctx, dir: string): Obj {
  const resources: string[] = [];
  const walk = (d: string): void => {
    for (const name of ctx.fs.readDir(d)) {
      const p = path.posix.join(d, name);
      const st = ctx.fs.stat(p);
      if (st === 'dir') {
        if (findKustomizationFile(ctx, p)) resources.push(path.posix.relative(dir, p));
        else walk(p);
      } else if (st === 'file' && isManifestFile(name)) {
        // As kustomize-controller: a file that is not valid YAML fails the build (naming it); valid
        // YAML that is not a Kubernetes object is left out.
        const objs = parseYamlDocuments(ctx.fs.readFile(p).toString('utf8'), rel(ctx, p));
        if (objs.length > 0 && objs.every((o) => o && typeof o === 'object' && 'apiVersion' in (o as Obj) && 'kind' in (o as Obj))) {
          resources.push(path.posix.relative(dir, p));
        }
      }
    }
  };
  walk(dir);
  return { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources };
}

function loadKustomization(ctx: Ctx, dir: string): { k: Obj; file: string } {
  const file = findKustomizationFile(ctx, dir);
  if (!file) {
    if (ctx.opts.generateMissing) return { k: generatedKustomization(ctx, dir), file: rel(ctx, path.posix.join(dir, 'kustomization.yaml')) };
    throw new KustomizeError(
      `unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '${dir}'`,
      rel(ctx, dir),
    );
  }
  const docs = parseYamlDocuments(ctx.fs.readFile(file).toString('utf8'), rel(ctx, file));
  const k = docs[0] ?? {};
  if (typeof k !== 'object' || Array.isArray(k)) throw new KustomizeError('kustomization must be a mapping', rel(ctx, file));
  const canon = canonicalFields(k as Obj);
  checkStringMaps(canon, rel(ctx, file));
  return { k: canon, file: rel(ctx, file) };
}

const KUSTOMIZATION_FIELDS = [
  'apiVersion', 'kind', 'metadata', 'openapi', 'namePrefix', 'nameSuffix', 'namespace', 'commonLabels', 'labels',
  'commonAnnotations', 'patchesStrategicMerge', 'patchesJson6902', 'patches', 'images', 'imageTags', 'replacements',
  'replicas', 'vars', 'sortOptions', 'resources', 'components', 'crds', 'bases', 'configMapGenerator',
  'secretGenerator', 'helmGlobals', 'helmCharts', 'helmChartInflationGenerator', 'generatorOptions',
  'configurations', 'generators', 'transformers', 'validators', 'buildMetadata',
];
const FIELD_BY_LOWER = new Map(KUSTOMIZATION_FIELDS.map((f) => [f.toLowerCase(), f]));

/** kustomize decodes the file with Go's encoding/json, which matches field names case-insensitively. */
function canonicalFields(k: Obj): Obj {
  const out: Obj = {};
  for (const [key, v] of Object.entries(k)) {
    const canon = KUSTOMIZATION_FIELDS.includes(key) ? key : (FIELD_BY_LOWER.get(key.toLowerCase()) ?? key);
    out[canon] = v;
  }
  return out;
}

/** kustomize decodes these as map[string]string: a number or boolean value is an error. */
function checkStringMaps(k: Obj, file: string): void {
  const check = (m: unknown, field: string): void => {
    if (!m || typeof m !== 'object') return;
    for (const v of Object.values(m as Obj)) {
      const t = typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'bool' : undefined;
      if (t) throw new KustomizeError(`invalid Kustomization: json: cannot unmarshal ${t} into Go struct field Kustomization.${field} of type string`, file);
    }
  };
  check(k.commonLabels, 'commonLabels');
  check(k.commonAnnotations, 'commonAnnotations');
  if (Array.isArray(k.labels)) for (const l of k.labels) check((l as Obj)?.pairs, 'labels.pairs');
}

function strList(k: Obj, field: string, file: string): string[] {
  const v = k[field];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new KustomizeError(`${field} must be a list`, file);
  return v.map((x) => {
    if (typeof x !== 'string') throw new KustomizeError(`${field} entries must be strings`, file);
    return x;
  });
}

/** A file (not a kustomization directory) must stay under its kustomization when restricted. */
function guardFile(ctx: Ctx, dir: string, abs: string, file: string): void {
  if ((ctx.opts.loadRestrictor ?? 'rootOnly') === 'rootOnly' && !isWithin(dir, abs)) {
    throw new KustomizeError(
      `security; file '${abs}' is not in or below '${dir}' (use --load-restrictor LoadRestrictionsNone)`,
      file,
    );
  }
}

function resolveIn(ctx: Ctx, dir: string, p: string, file: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(p) || p.startsWith('github.com/') || p.startsWith('git@') || p.startsWith('git::')) {
    throw new KustomizeError(`remote resource ${p} is not supported: builds are offline`, file);
  }
  const abs = path.posix.resolve(dir, p);
  if (!isWithin(ctx.fs.root, abs)) {
    throw new KustomizeError(`security; file '${abs}' is not in or below '${ctx.fs.root}'`, file);
  }
  return abs;
}

/** Appends, refusing a second object with the same id. */
function append(list: Resource[], index: Map<string, Resource>, add: Resource[], file: string): void {
  for (const r of add) {
    const key = idKey(r.obj);
    const prev = index.get(key);
    if (prev) {
      throw new KustomizeError(`may not add resource with an already registered id: ${describe(r.obj)}`, file);
    }
    index.set(key, r);
    list.push(r);
  }
}

function indexOf(list: Resource[]): Map<string, Resource> {
  const m = new Map<string, Resource>();
  for (const r of list) m.set(idKey(r.obj), r);
  return m;
}

function readPatchText(ctx: Ctx, dir: string, entry: { path?: string; patch?: string }, file: string): string {
  if (entry.patch !== undefined && entry.path !== undefined) throw new KustomizeError('patch and path cannot both be set', file);
  if (typeof entry.patch === 'string') return entry.patch;
  if (typeof entry.path === 'string') {
    const p = resolveIn(ctx, dir, entry.path, file);
    if (ctx.fs.stat(p) !== 'file') throw new KustomizeError(`patch file ${entry.path} not found`, file);
    guardFile(ctx, dir, p, file);
    return ctx.fs.readFile(p).toString('utf8');
  }
  throw new KustomizeError('patch must set path or patch', file);
}

function applySmp(r: Resource, patch: Obj): Resource | undefined {
  const merged = mergeMap(r.obj, patch);
  if (merged === undefined) return undefined;
  r.obj = merged;
  syncAfterMerge(r);
  return r;
}

function matchesAnyId(patch: Obj, r: Resource): boolean {
  const pg = gvkOf(patch);
  const rg = gvkOf(r.obj);
  if (pg.kind !== rg.kind) {
    // Named by a kind it had before a patch changed it.
    if (!r.prevKinds?.includes(pg.kind)) return false;
  } else {
    if (pg.group !== rg.group) return false;
    if (pg.version && rg.version && pg.version !== rg.version) return false;
  }
  const pn = nameOf(patch);
  if (!r.names.includes(pn)) return false;
  const pns = namespaceOf(patch);
  if (pns && !r.namespaces.includes(pns) && namespaceOf(r.obj) !== pns) return false;
  return true;
}

function selectsAny(sel: Selector, r: Resource): boolean {
  if (selects(sel, r)) return true;
  if (!sel.name || r.names.length < 2) return false;
  const saved = r.obj.metadata?.name;
  for (const n of r.names) {
    r.obj.metadata.name = n;
    const ok = selects(sel, r);
    r.obj.metadata.name = saved;
    if (ok) return true;
  }
  return false;
}

/** Strategic merge patches without a target: each applies to the object it names. */
function applyUntargetedSmp(list: Resource[], patches: Obj[], file: string): Resource[] {
  let cur = list;
  for (const p of patches) {
    const targets = cur.filter((r) => matchesAnyId(p, r));
    if (targets.length === 0) {
      throw new KustomizeError(`no resource matches strategic merge patch "${describe(p)}"`, file);
    }
    if (targets.length > 1) throw new KustomizeError(`multiple resources match strategic merge patch "${describe(p)}"`, file);
    const t = targets[0]!;
    // The patch names the object by any of its names; it never renames it.
    const patch: Obj = { ...p, metadata: { ...(p.metadata ?? {}), name: nameOf(t.obj) } };
    if (namespaceOf(t.obj)) patch.metadata.namespace = namespaceOf(t.obj);
    // Nor does it change the kind it names the object by.
    patch.kind = t.obj.kind;
    patch.apiVersion = t.obj.apiVersion;
    if (!applySmp(t, patch)) cur = cur.filter((r) => r !== t);
  }
  return cur;
}

function applyPatches(
  ctx: Ctx,
  dir: string,
  list: Resource[],
  k: Obj,
  file: string,
  ran: (kind: string, times: number, on: Resource[]) => void = () => {},
): Resource[] {
  let cur = list;
  // patchesStrategicMerge: files or inline documents.
  const psm: Obj[] = [];
  for (const entry of strList(k, 'patchesStrategicMerge', file)) {
    let text = entry;
    if (!entry.includes('\n')) {
      const p = resolveIn(ctx, dir, entry, file);
      if (ctx.fs.stat(p) === 'file') {
        guardFile(ctx, dir, p, file);
        text = ctx.fs.readFile(p).toString('utf8');
      }
      else if (!/[:{]/.test(entry)) throw new KustomizeError(`patch file ${entry} not found`, file);
    }
    for (const d of parseYamlDocuments(text, file)) psm.push(d as Obj);
  }
  if (psm.length) cur = applyUntargetedSmp(cur, psm, file);
  if (strList(k, 'patchesStrategicMerge', file).length) ran('PatchStrategicMergeTransformer', 1, cur);
  for (const entry of (k.patches ?? []) as Obj[]) {
    cur = applyPatchEntry(ctx, dir, cur, entry, file);
    ran('PatchTransformer', 1, cur);
  }
  return cur;
}

/** One `patches` entry: a JSON 6902 patch or strategic merge patches, with or without a target. */
function applyPatchEntry(ctx: Ctx, dir: string, list: Resource[], entry: Obj, file: string): Resource[] {
  let cur = list;
  if (!entry || typeof entry !== 'object') throw new KustomizeError('patches entries must be mappings', file);
  const text = readPatchText(ctx, dir, entry, file);
  const docs = parseYamlDocuments(text, entry.path ?? file);
  const isJson6902 = docs.length === 1 && Array.isArray(docs[0]);
  const target = entry.target as Selector | undefined;
  if (isJson6902) {
    if (!target) throw new KustomizeError('must specify a target for JSON6902 patch', file);
    for (const r of cur.filter((r) => selectsAny(target, r))) {
      storePreviousId(r);
      try {
        jsonPatch(ctx.trackMetadata, r, docs[0] as JsonPatchOp[]);
      } catch (e) {
        throw new KustomizeError(`applying JSON 6902 patch to ${describe(r.obj)}: ${(e as Error).message}`, entry.path ?? file);
      }
    }
    return cur;
  }
  if (!target) return applyUntargetedSmp(cur, docs as Obj[], entry.path ?? file);
  const targets = cur.filter((r) => selectsAny(target, r));
  for (const p of docs as Obj[]) {
    for (const t of targets) {
      const allowName = entry.options?.allowNameChange === true && nameOf(p) !== '';
      const allowKind = entry.options?.allowKindChange === true && typeof p.kind === 'string';
      const patch: Obj = { ...p, metadata: { ...(p.metadata ?? {}), name: allowName ? nameOf(p) : nameOf(t.obj) } };
      if (namespaceOf(t.obj)) patch.metadata.namespace = namespaceOf(t.obj);
      else delete patch.metadata.namespace;
      if (!allowKind) {
        patch.kind = t.obj.kind;
        patch.apiVersion = t.obj.apiVersion;
      }
      const before = nameOf(t.obj);
      const kindBefore = String(t.obj.kind ?? '');
      if (entry.options?.allowNameChange === true || entry.options?.allowKindChange === true) storePreviousId(t);
      if (!applySmp(t, patch)) {
        cur = cur.filter((r) => r !== t);
        continue;
      }
      if (t.obj.kind !== kindBefore) (t.prevKinds ??= []).push(kindBefore);
      if (nameOf(t.obj) !== before) t.names.push(nameOf(t.obj));
    }
  }
  return cur;
}

function applyJson6902Legacy(ctx: Ctx, dir: string, list: Resource[], k: Obj, file: string): void {
  for (const entry of (k.patchesJson6902 ?? []) as Obj[]) {
    const text = readPatchText(ctx, dir, entry, file);
    const docs = parseYamlDocuments(text, entry.path ?? file);
    const ops = docs.length === 1 && Array.isArray(docs[0]) ? (docs[0] as JsonPatchOp[]) : undefined;
    if (!ops) throw new KustomizeError('patchesJson6902 content must be a list of operations', entry.path ?? file);
    const t = (entry.target ?? {}) as Selector;
    const escape = (s?: string) => (s ? s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : s);
    const sel: Selector = { group: escape(t.group), version: escape(t.version), kind: escape(t.kind), name: escape(t.name), namespace: escape(t.namespace) };
    for (const r of list.filter((r) => selectsAny(sel, r))) {
      try {
        jsonPatch(ctx.trackMetadata, r, ops);
      } catch (e) {
        throw new KustomizeError(`applying JSON 6902 patch to ${describe(r.obj)}: ${(e as Error).message}`, entry.path ?? file);
      }
    }
  }
}

/** Where a generator was configured (a plugin config file, for generators under `generators:`). */
interface GeneratorOrigin {
  configuredIn: string;
  name?: string;
  namespace?: string;
}

function runGenerators(ctx: Ctx, dir: string, list: Resource[], k: Obj, file: string, from?: GeneratorOrigin): Resource[] {
  const gopts = (k.generatorOptions ?? {}) as GeneratorOptions;
  let cur = list;
  const run = (kind: 'ConfigMap' | 'Secret', entries: GeneratorArgs[]): void => {
    for (const args of entries) {
      const data = collectData(ctx.fs, dir, args, file, (abs) => guardFile(ctx, dir, abs, file));
      const obj = generate(kind, data, args, gopts);
      const behavior = args.behavior ?? 'create';
      const disable = args.options?.disableNameSuffixHash ?? gopts.disableNameSuffixHash ?? false;
      const r = newResource(obj);
      r.needsHash = !disable;
      r.origin = {
        configuredIn: from?.configuredIn ?? path.posix.join(dir, path.posix.basename(file)),
        configuredBy: `${kind}Generator`,
        configuredByName: from?.name,
        configuredByNamespace: from?.namespace,
      };
      if (behavior === 'create') {
        const ns = args.namespace ?? '';
        const clash = cur.find((x) => x.obj.kind === kind && x.names.includes(obj.metadata.name) && (x.namespaces.includes(ns) || namespaceOf(x.obj) === ns));
        if (clash) {
          throw new KustomizeError(`${kind} ${obj.metadata.name} already exists (as ${nameOf(clash.obj)}); generator behavior must be merge or replace`, file);
        }
        append(cur, indexOf(cur), [r], file);
        continue;
      }
      const ns = args.namespace ?? '';
      const existing = cur.filter((x) => x.obj.kind === kind && x.names.includes(obj.metadata.name) && (ns === '' ? true : x.namespaces.includes(ns)));
      if (existing.length !== 1) {
        throw new KustomizeError(`id ${JSON.stringify(`${kind}/${obj.metadata.name}`)} does not exist; cannot merge or replace`, file);
      }
      const e = existing[0]!;
      if (behavior === 'merge') {
        if (obj.data) e.obj.data = { ...(e.obj.data ?? {}), ...obj.data };
        if (obj.binaryData) e.obj.binaryData = { ...(e.obj.binaryData ?? {}), ...obj.binaryData };
      } else if (behavior === 'replace') {
        e.origin = r.origin;
        delete e.obj.data;
        delete e.obj.binaryData;
        if (obj.data) e.obj.data = obj.data;
        if (obj.binaryData) e.obj.binaryData = obj.binaryData;
      } else throw new KustomizeError(`unknown generator behavior ${JSON.stringify(behavior)}`, file);
      const meta = e.obj.metadata;
      if (obj.metadata.labels) meta.labels = { ...(meta.labels ?? {}), ...obj.metadata.labels };
      if (obj.metadata.annotations) meta.annotations = { ...(meta.annotations ?? {}), ...obj.metadata.annotations };
      if (args.options?.disableNameSuffixHash !== undefined || gopts.disableNameSuffixHash !== undefined) e.needsHash = !disable;
      if (obj.immutable) e.obj.immutable = true;
    }
  };
  run('ConfigMap', (k.configMapGenerator ?? []) as GeneratorArgs[]);
  run('Secret', (k.secretGenerator ?? []) as GeneratorArgs[]);
  return cur;
}

/**
 * The kustomization's builtin transformers, in kustomize's order. `config` holds the field specs
 * `configurations:` added (in this kustomization, its bases and components) to the builtin ones.
 */
function runTransformers(
  ctx: Ctx,
  dir: string,
  list: Resource[],
  k: Obj,
  file: string,
  config: TransformerConfig = emptyConfig(),
  fromFields = false,
): Resource[] {
  // Each builtin transformer instance the kustomization's fields configure, in kustomize's order.
  const ran = (kind: string, times = 1, on?: Resource[]): void => {
    if (!fromFields) return;
    const origin: TransformerOrigin = { configuredIn: path.posix.join(dir, path.posix.basename(file)), apiVersion: 'builtin', kind };
    for (let i = 0; i < times; i++) recordTransformer(ctx.trackMetadata, on ?? cur, origin);
  };
  const count = (field: string): number => (Array.isArray(k[field]) ? k[field].length : 0);
  let cur = applyPatches(ctx, dir, list, k, file, ran);
  if (typeof k.namespace === 'string' && k.namespace !== '') {
    setNamespace(cur, k.namespace, config.namespace);
    // Two objects may end up with one id (two Namespace objects both renamed to it).
    const seen = new Set<string>();
    for (const r of cur) {
      const key = idKey(r.obj);
      if (seen.has(key)) throw new KustomizeError(`namespace transformation produces ID conflict: ${describe(r.obj)}`, file);
      seen.add(key);
    }
    ran('NamespaceTransformer');
  }
  const prefix = typeof k.namePrefix === 'string' ? k.namePrefix : '';
  const suffix = typeof k.nameSuffix === 'string' ? k.nameSuffix : '';
  if (prefix || suffix) addPrefixSuffix(cur, prefix, suffix, config.namePrefix, config.nameSuffix);
  if (prefix) ran('PrefixTransformer');
  if (suffix) ran('SuffixTransformer');
  const hasCommonLabels = !!k.commonLabels && typeof k.commonLabels === 'object' && Object.keys(k.commonLabels).length > 0;
  // One LabelTransformer per `labels` entry and one for commonLabels, when either is set.
  if (count('labels') > 0 || hasCommonLabels) ran('LabelTransformer', count('labels') + 1);
  const withConfig = (specs: FieldSpec[], ...extra: FieldSpec[][]): FieldSpec[] =>
    extra.reduce((acc, e) => (e.length ? mergeSpecs(acc, e, 'labels', file) : acc), specs);
  for (const l of (k.labels ?? []) as Obj[]) {
    const specs = l.includeSelectors
      ? withConfig(COMMON_LABEL_SPECS, config.labels, config.commonLabels)
      : l.includeTemplates
        ? withConfig(TEMPLATE_LABEL_SPECS, config.labels, config.templateLabels)
        : withConfig(METADATA_LABEL_SPECS, config.labels);
    const extra = Array.isArray(l.fields) ? (l.fields as Obj[]).map((f) => ({ ...f, path: String(f.path) })) : [];
    addMapEntries(cur, [...specs, ...extra], stringMap(l.pairs ?? {}));
  }
  // `labels` entries run before commonLabels, so commonLabels wins on a shared key.
  if (k.commonLabels && typeof k.commonLabels === 'object') addMapEntries(cur, withConfig(COMMON_LABEL_SPECS, config.commonLabels), stringMap(k.commonLabels));
  if (k.commonAnnotations && typeof k.commonAnnotations === 'object') {
    addMapEntries(cur, withConfig(ANNOTATION_SPECS, config.commonAnnotations), stringMap(k.commonAnnotations));
    if (Object.keys(k.commonAnnotations).length > 0) ran('AnnotationsTransformer');
  }
  applyJson6902Legacy(ctx, dir, cur, k, file);
  ran('PatchJson6902Transformer', count('patchesJson6902'));
  ran('ReplicaCountTransformer', count('replicas'));
  if (Array.isArray(k.replicas)) {
    const missing = setReplicas(cur, k.replicas as ReplicaSpec[], config.replicas);
    if (missing.length) {
      throw new KustomizeError(`replicas: resource with name ${missing[0]} does not match a Deployment, StatefulSet, ReplicaSet or ReplicationController`, file);
    }
  }
  const images = [...((k.images ?? []) as ImageSpec[]), ...((k.imageTags ?? []) as ImageSpec[])];
  if (images.length) setImages(cur, images, config.images);
  ran('ImageTagTransformer', images.length);
  const reps: Replacement[] = [];
  for (const rep of (k.replacements ?? []) as Obj[]) {
    if (typeof rep.path === 'string') {
      const p = resolveIn(ctx, dir, rep.path, file);
      if (ctx.fs.stat(p) !== 'file') throw new KustomizeError(`replacement file ${rep.path} not found`, file);
      for (const d of parseYamlDocuments(ctx.fs.readFile(p).toString('utf8'), rep.path)) {
        if (Array.isArray(d)) reps.push(...(d as Replacement[]));
        else reps.push(d as Replacement);
      }
    } else reps.push(rep as Replacement);
  }
  if (reps.length) applyReplacements(cur, reps, file);
  if (count('replacements') > 0) ran('ReplacementTransformer');
  return cur;
}

function stringMap(m: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m as Obj)) out[k] = v === null ? '' : String(v);
  return out;
}

/** Configs listed under `generators:` / `transformers:`: files or inline YAML, builtin kinds only. */
function pluginConfigs(ctx: Ctx, dir: string, k: Obj, field: string, file: string): Obj[] {
  const out: Obj[] = [];
  // `__file` (relative to the root) names the config in errors, `__origin` (absolute) in origin annotations.
  const push = (o: Obj, src: string, origin: string): void => {
    if (o.apiVersion !== 'builtin') {
      throw new KustomizeError(`${field}: plugin ${o.apiVersion}/${o.kind} is not supported (only builtin kinds; plugins are off)`, src);
    }
    out.push({ ...o, __file: src, __origin: origin });
  };
  const entries = strList(k, field, file);
  // As kustomize: inline configs first, then files and kustomization directories in order.
  for (const entry of entries.filter((e) => e.includes('\n'))) {
    for (const d of parseYamlDocuments(entry, file)) push(d as Obj, file, path.posix.join(dir, path.posix.basename(file)));
  }
  for (const entry of entries.filter((e) => !e.includes('\n'))) {
    const p = resolveIn(ctx, dir, entry, file);
    const st = ctx.fs.stat(p);
    if (st === 'dir') {
      // A kustomization whose output objects are the plugin configs.
      for (const r of accumulate(ctx, p, emptyAcc(), false).list) push(r.obj, rel(ctx, p), r.origin?.path ?? p);
      continue;
    }
    if (st !== 'file') throw new KustomizeError(`${field} entry '${entry}' doesn't exist`, file);
    guardFile(ctx, dir, p, file);
    for (const d of parseYamlDocuments(ctx.fs.readFile(p).toString('utf8'), rel(ctx, p))) push(d as Obj, rel(ctx, p), p);
  }
  return out;
}

/** A builtin generator config (ConfigMapGenerator/SecretGenerator) as kustomization fields. */
function builtinAsKustomization(cfg: Obj, file: string): Obj {
  const { apiVersion: _a, kind, metadata, __file: _f, __origin: _o, ...rest } = cfg;
  const args = { ...rest, name: rest.name ?? metadata?.name, namespace: rest.namespace ?? metadata?.namespace };
  if (kind === 'ConfigMapGenerator') return { configMapGenerator: [args] };
  if (kind === 'SecretGenerator') return { secretGenerator: [args] };
  throw new KustomizeError(`generator kind ${kind} is not supported`, file);
}

function runBuiltinTransformer(ctx: Ctx, dir: string, list: Resource[], cfg: Obj, file: string): Resource[] {
  const src = String(cfg.__file ?? file);
  switch (cfg.kind) {
    case 'LabelTransformer':
    case 'AnnotationsTransformer': {
      const pairs = stringMap((cfg.kind === 'LabelTransformer' ? cfg.labels : cfg.annotations) ?? {});
      const specs = ((cfg.fieldSpecs ?? []) as Obj[]).map((f) => ({ ...f, path: String(f.path) }));
      addMapEntries(list, specs, pairs);
      return list;
    }
    case 'NamespaceTransformer':
      return runTransformers(ctx, dir, list, { namespace: cfg.metadata?.namespace ?? cfg.namespace }, src);
    case 'PrefixSuffixTransformer':
    case 'PrefixTransformer':
    case 'SuffixTransformer':
      if (Array.isArray(cfg.fieldSpecs)) {
        const specs = (cfg.fieldSpecs as Obj[]).map((f) => ({ ...f, path: String(f.path) }));
        addPrefixSuffixAt(list, String(cfg.prefix ?? ''), String(cfg.suffix ?? ''), specs);
        return list;
      }
      return runTransformers(ctx, dir, list, { namePrefix: cfg.prefix ?? '', nameSuffix: cfg.suffix ?? '' }, src);
    case 'ImageTagTransformer':
      return runTransformers(ctx, dir, list, { images: [cfg.imageTag] }, src);
    case 'ReplicaCountTransformer':
      return runTransformers(ctx, dir, list, { replicas: [cfg.replica] }, src);
    case 'PatchTransformer':
      return runTransformers(ctx, dir, list, { patches: [{ patch: cfg.patch, path: cfg.path, target: cfg.target, options: cfg.options }] }, src);
    case 'PatchStrategicMergeTransformer':
      return runTransformers(ctx, dir, list, { patchesStrategicMerge: [...(cfg.paths ?? []), ...(cfg.patches ? [cfg.patches] : [])] }, src);
    case 'PatchJson6902Transformer':
      return runTransformers(ctx, dir, list, { patchesJson6902: [{ target: cfg.target, path: cfg.path, patch: cfg.jsonOp }] }, src);
    case 'ReplacementTransformer':
      return runTransformers(ctx, dir, list, { replacements: cfg.replacements ?? [] }, src);
    default:
      throw new KustomizeError(`transformer kind ${cfg.kind} is not supported`, src);
  }
}

const KNOWN_KINDS = new Set(['Kustomization', 'Component']);

/** What a kustomization directory accumulates: its objects, vars and transformer configuration. */
interface Acc {
  list: Resource[];
  vars: Map<string, Var>;
  config: TransformerConfig;
}

function emptyAcc(): Acc {
  return { list: [], vars: new Map(), config: emptyConfig() };
}

function loadConfigurations(ctx: Ctx, dir: string, k: Obj, file: string): TransformerConfig {
  let c = emptyConfig();
  for (const entry of strList(k, 'configurations', file)) {
    const p = resolveIn(ctx, dir, entry, file);
    if (ctx.fs.stat(p) !== 'file') throw new KustomizeError(`configurations entry '${entry}' doesn't exist`, file);
    guardFile(ctx, dir, p, file);
    c = mergeConfig(c, parseConfig(ctx.fs.readFile(p).toString('utf8'), rel(ctx, p)), rel(ctx, p));
  }
  for (const entry of strList(k, 'crds', file)) {
    const p = resolveIn(ctx, dir, entry, file);
    if (ctx.fs.stat(p) !== 'file') throw new KustomizeError(`crds entry '${entry}' doesn't exist`, file);
    guardFile(ctx, dir, p, file);
    c = mergeConfig(c, configFromCrds(ctx.fs.readFile(p).toString('utf8'), rel(ctx, p)), rel(ctx, p));
  }
  return c;
}

/** Accumulates one kustomization directory; `input` holds what a component is applied to. */
function accumulate(ctx: Ctx, dir: string, input: Acc, asComponent: boolean): Acc {
  if (ctx.stack.includes(dir)) {
    throw new KustomizeError(`cycle detected: ${[...ctx.stack, dir].map((d) => rel(ctx, d)).join(' -> ')}`, rel(ctx, dir));
  }
  ctx.stack.push(dir);
  try {
    const { k, file } = loadKustomization(ctx, dir);
    const kind = (k.kind as string | undefined) ?? 'Kustomization';
    if (!KNOWN_KINDS.has(kind)) throw new KustomizeError(`unknown kustomization kind ${JSON.stringify(kind)}`, file);
    if (asComponent && kind !== 'Component') {
      throw new KustomizeError(`expected kind 'Component' for path '${dir}' but got '${kind}'`, file);
    }
    if (!asComponent && kind === 'Component') {
      throw new KustomizeError(`expected kind != 'Component' for path '${dir}'`, file);
    }
    for (const f of ['helmCharts', 'helmChartInflationGenerator', 'validators']) {
      if (Array.isArray(k[f]) && k[f].length > 0) {
        throw new KustomizeError(`${f} is not supported by this build (no plugins, no helm)`, file);
      }
    }
    const ownVars = parseVars(k, file);
    let list = input.list.slice();
    const vars = new Map(input.vars);
    let config = input.config;
    const index = indexOf(list);
    for (const entry of [...strList(k, 'resources', file), ...strList(k, 'bases', file)]) {
      const p = resolveIn(ctx, dir, entry, file);
      const st = ctx.fs.stat(p);
      if (st === undefined) throw new KustomizeError(`accumulating resources: '${entry}' doesn't exist`, file);
      if (st === 'dir') {
        const sub = accumulate(ctx, p, emptyAcc(), false);
        append(list, index, sub.list, file);
        config = mergeConfig(config, sub.config, file);
        mergeVarSet(vars, sub.vars.values(), file);
      } else {
        guardFile(ctx, dir, p, file);
        const objs = parseManifests(ctx.fs.readFile(p).toString('utf8'), rel(ctx, p));
        append(
          list,
          index,
          objs.map((o) => ({ ...newResource(o), origin: { path: p } })),
          rel(ctx, p),
        );
      }
    }
    config = mergeConfig(config, loadConfigurations(ctx, dir, k, file), file);
    list = runGenerators(ctx, dir, list, k, file);
    for (const cfg of pluginConfigs(ctx, dir, k, 'generators', file)) {
      const from = { configuredIn: String(cfg.__origin), name: cfg.metadata?.name, namespace: cfg.metadata?.namespace };
      list = runGenerators(ctx, dir, list, builtinAsKustomization(cfg, file), file, from);
    }
    // Components see the generated objects too: they come after generators.
    let acc: Acc = { list, vars, config };
    for (const entry of strList(k, 'components', file)) {
      const p = resolveIn(ctx, dir, entry, file);
      if (ctx.fs.stat(p) !== 'dir') throw new KustomizeError(`component '${entry}' must be a directory`, file);
      acc = accumulate(ctx, p, acc, true);
    }
    list = runTransformers(ctx, dir, acc.list, k, file, acc.config, true);
    for (const cfg of pluginConfigs(ctx, dir, k, 'transformers', file)) {
      list = runBuiltinTransformer(ctx, dir, list, cfg, file);
      recordTransformer(ctx.trackMetadata, list, {
        configuredIn: String(cfg.__origin),
        apiVersion: String(cfg.apiVersion),
        kind: String(cfg.kind),
        name: cfg.metadata?.name,
        namespace: cfg.metadata?.namespace,
      });
    }
    bindVars(list, ownVars, file);
    mergeVarSet(acc.vars, ownVars, file);
    return { list, vars: acc.vars, config: acc.config };
  } finally {
    ctx.stack.pop();
  }
}

/** Builds the kustomization in `dir` (absolute, inside `fs.root`) into objects. */
export function buildResources(fs: KFileSystem, dir: string, opts: BuildOptions = {}): Obj[] {
  const ctx: Ctx = { fs, opts, stack: [], trackMetadata: false };
  const abs = path.posix.resolve(fs.root, dir);
  if (!isWithin(fs.root, abs)) throw new KustomizeError(`path ${dir} is outside the root ${fs.root}`, dir);
  if (fs.stat(abs) !== 'dir') throw new KustomizeError(`'${dir}' is not a directory`, dir);
  const { k: top, file: topFile } = loadKustomization(ctx, abs);
  const meta = Array.isArray(top.buildMetadata) ? (top.buildMetadata as string[]) : [];
  ctx.trackMetadata = meta.length > 0;
  const acc = accumulate(ctx, abs, emptyAcc(), false);
  let list = acc.list;
  for (const r of list) {
    if (!r.needsHash) continue;
    storePreviousId(r);
    r.obj.metadata.name = `${nameOf(r.obj)}-${contentHash(r.obj)}`;
    r.names.push(r.obj.metadata.name);
  }
  annotateBuildMetadata(list, meta, abs);
  fixNameReferences(list, acc.config.nameReference, topFile);
  resolveVars(list, acc.vars, mergeSpecs(DEFAULT_VAR_SPECS, acc.config.varReference, 'VarReference'), topFile);
  // Objects marked local-config take part in the build (name references, replacements) but are not output.
  list = list.filter((r) => r.obj.metadata?.annotations?.['config.kubernetes.io/local-config'] !== 'true');
  const so = top.sortOptions as Obj | undefined;
  if (so) {
    if (so.order !== 'legacy' && so.order !== 'fifo') {
      throw new KustomizeError("the field 'sortOptions.order' must be one of [fifo, legacy]", 'kustomization.yaml');
    }
    if (so.order === 'fifo' && so.legacySortOptions) {
      throw new KustomizeError(
        "the field 'sortOptions.legacySortOptions' is set but the selected sort order is 'fifo', not 'legacy'",
        'kustomization.yaml',
      );
    }
    if (so.order === 'legacy') {
      const l = (so.legacySortOptions ?? {}) as Obj;
      list = so.legacySortOptions ? legacySort(list, l.orderFirst ?? [], l.orderLast ?? []) : legacySort(list);
    }
  } else if ((opts.reorder ?? 'legacy') === 'legacy') list = legacySort(list);
  return list.map((r) => r.obj);
}

/** Builds and prints as `kubectl kustomize` does. */
export function buildYaml(fs: KFileSystem, dir: string, opts: BuildOptions = {}): string {
  return emitDocuments(buildResources(fs, dir, opts));
}
