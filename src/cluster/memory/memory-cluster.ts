/**
 * The embedded cluster: an in-memory Kubernetes API with the semantics fluxion relies on —
 * resourceVersions, generations, server-side apply with field ownership, watches from a
 * resourceVersion, CRDs, namespaces, finalizers, ownerReference garbage collection — plus
 * simulated workload controllers on an injected clock. See docs/simulator.md.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../api/clock.js';
import { systemClock } from '../../api/clock.js';
import type { KubeObject, ObjectRef } from '../../api/meta.js';
import { splitApiVersion } from '../../api/meta.js';
import { ApiError } from '../errors.js';
import type {
  ApplyOptions,
  Cluster,
  DeleteOptions,
  KubeEvent,
  ListQuery,
  ListResult,
  PatchType,
  ResourceInfo,
  Watch,
  WatchEvent,
  WatchQuery,
  WriteOptions,
} from '../types.js';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from '../selectors.js';
import type { FieldRequirement, Requirement } from '../selectors.js';
import { builtinResources } from './builtin-kinds.js';
import { deepEqual, deleteAt, describePath, fieldSet, getAt, isItemPath, isKeyField, mergeApplied, parsePathKey, pathKey, toFieldsV1 } from './fields.js';
import { jsonPatch, mergePatch } from './patches.js';
import { WORKLOAD_KINDS, clusterIpFor, failedStatus, failureDeadlineMs, progressingStatus, readyStatus, templateFails } from './workloads.js';

type Json = Record<string, unknown>;

export interface MemoryClusterOptions {
  clock?: Clock;
  /** Clock time a workload takes to roll out and become ready. Default 2000 ms. */
  rolloutDelayMs?: number;
  /** CRDs installed at start (e.g. the Flux CRDs from `fluxCrds()`). */
  crds?: KubeObject[];
  /** How many change events are kept for watches that resume from a resourceVersion. */
  historyLimit?: number;
  /** Run the simulated built-in controllers (rollouts, Jobs, PVCs, Services). Default true. */
  simulateControllers?: boolean;
}

interface ManagerEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  subresource?: string;
  fields: Set<string>;
}

/** A field manager as the API server names it in conflicts: `"kubectl-edit" using apps/v1 at <time>` for an Update. */
function describeManager(m: ManagerEntry): string {
  const name = `${JSON.stringify(m.manager)}${m.subresource ? ` with subresource ${JSON.stringify(m.subresource)}` : ''}`;
  if (m.operation !== 'Update') return name;
  return `${name} using ${m.apiVersion}${m.time ? ` at ${m.time}` : ''}`;
}

/** The API server's conflict message: one line for one conflict, else grouped by manager (sorted). */
function conflictMessage(conflicts: { manager: string; owner: ManagerEntry; path: string }[]): string {
  const [only] = conflicts;
  if (conflicts.length === 1 && only) return `Apply failed with 1 conflict: conflict with ${describeManager(only.owner)}: ${only.path}`;
  const byManager = new Map<string, { owner: ManagerEntry; paths: string[] }>();
  for (const c of conflicts) {
    const key = `${c.owner.manager}\0${c.owner.operation}\0${c.owner.subresource ?? ''}`;
    const group = byManager.get(key) ?? { owner: c.owner, paths: [] };
    group.paths.push(c.path);
    byManager.set(key, group);
  }
  const lines: string[] = [];
  for (const key of [...byManager.keys()].sort()) {
    const group = byManager.get(key) as { owner: ManagerEntry; paths: string[] };
    lines.push(`conflicts with ${describeManager(group.owner)}:`, ...group.paths.map((p) => `- ${p}`));
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

interface Entry {
  obj: KubeObject;
  managers: ManagerEntry[];
}

interface Kind {
  group: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  versions: string[];
  shortNames?: string[];
  categories?: string[];
  statusSubresource: boolean;
  scaleSubresource: boolean;
  builtin: boolean;
  /** Set for kinds that come from a CRD. */
  crd?: string;
}

interface Change {
  rv: number;
  gk: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
  /** For MODIFIED: the object as last published, so selector watches see it enter or leave. */
  previous?: KubeObject;
}

interface Watcher {
  gk: string;
  namespace: string | undefined;
  labels: Requirement[];
  fields: FieldRequirement[];
  apiVersion: string;
  onEvent: (e: WatchEvent) => void;
  queue: WatchEvent[];
  scheduled: boolean;
  stopped: boolean;
  resolveDone: () => void;
}

const gkOf = (group: string, kind: string): string => `${group}/${kind}`;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const PATH_SEGMENT_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);
const SYSTEM_MANAGER = 'kube-controller-manager';

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const copy = <T>(v: T): T => structuredClone(v);

function withoutMeta(obj: KubeObject): Json {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}

export class MemoryCluster implements Cluster {
  readonly clock: Clock;
  private readonly rolloutDelayMs: number;
  private readonly historyLimit: number;
  private readonly simulate: boolean;
  private readonly kinds = new Map<string, Kind>();
  private readonly store = new Map<string, Map<string, Map<string, Entry>>>();
  private readonly owners = new Map<string, Set<string>>();
  /** Owner uids each object was last indexed under (key → uids), to keep `owners` exact. */
  private readonly ownedBy = new Map<string, string[]>();
  private readonly watchers = new Map<string, Set<Watcher>>();
  private readonly history: Change[] = [];
  /** The object each key last published (a reference, not a copy: writes replace objects). */
  private readonly published = new Map<string, KubeObject>();
  private readonly eventNames = new Map<string, string>();
  private readonly timers = new Map<string, unknown>();
  private rv = 0;
  private uidSeq = 0;
  private ipSeq = 0;
  private nameSeq = 0;

  constructor(options: MemoryClusterOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.rolloutDelayMs = options.rolloutDelayMs ?? 2000;
    this.historyLimit = options.historyLimit ?? 10_000;
    this.simulate = options.simulateControllers ?? true;
    for (const r of builtinResources()) this.registerKind({ ...r, versions: [r.version], scaleSubresource: r.scaleSubresource ?? false, builtin: true });
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      this.createSync({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, {});
    }
    for (const crd of options.crds ?? []) this.createSync(crd, { fieldManager: 'fluxion' });
  }

  /** Number of stored objects (all kinds). */
  get size(): number {
    let n = 0;
    for (const byNs of this.store.values()) for (const byName of byNs.values()) n += byName.size;
    return n;
  }

  /** Current resourceVersion of the whole store. */
  get resourceVersion(): string {
    return String(this.rv);
  }

  // ---- discovery ------------------------------------------------------------------------

  async resourceFor(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    const k = this.kindFor(apiVersion, kind);
    return k ? this.info(k, splitApiVersion(apiVersion).version) : undefined;
  }

  async resources(): Promise<ResourceInfo[]> {
    const out: ResourceInfo[] = [];
    for (const k of this.kinds.values()) for (const v of k.versions) out.push(this.info(k, v));
    return out;
  }

  private info(k: Kind, version: string): ResourceInfo {
    const r: ResourceInfo = { group: k.group, version, kind: k.kind, plural: k.plural, singular: k.singular, namespaced: k.namespaced, statusSubresource: k.statusSubresource };
    if (k.shortNames?.length) r.shortNames = k.shortNames;
    if (k.categories?.length) r.categories = k.categories;
    if (k.scaleSubresource) r.scaleSubresource = true;
    return r;
  }

  private registerKind(k: Kind): void {
    const gk = gkOf(k.group, k.kind);
    const existing = this.kinds.get(gk);
    if (existing) existing.versions = [...new Set([...existing.versions, ...k.versions])];
    else this.kinds.set(gk, k);
  }

  private kindFor(apiVersion: string, kind: string): Kind | undefined {
    const { group, version } = splitApiVersion(apiVersion);
    const k = this.kinds.get(gkOf(group, kind));
    return k && k.versions.includes(version) ? k : undefined;
  }

  private requireKind(apiVersion: string, kind: string): Kind {
    const k = this.kindFor(apiVersion, kind);
    if (!k) throw new ApiError(404, 'NotFound', `the server could not find the requested resource (${kind}.${apiVersion})`, { kind });
    return k;
  }

  private resourceName(k: Kind): string {
    return k.group ? `${k.plural}.${k.group}` : k.plural;
  }

  private notFound(k: Kind, name: string): ApiError {
    return new ApiError(404, 'NotFound', `${this.resourceName(k)} "${name}" not found`, { name, group: k.group, kind: k.plural });
  }

  // ---- reads ----------------------------------------------------------------------------

  private namespaceOf(k: Kind, ns: string | undefined): string {
    return k.namespaced ? ns || 'default' : '';
  }

  private entry(k: Kind, ns: string, name: string): Entry | undefined {
    return this.store.get(gkOf(k.group, k.kind))?.get(ns)?.get(name);
  }

  private present(k: Kind, obj: KubeObject, apiVersion: string): KubeObject {
    const out = copy(obj);
    // Served versions share one stored form (conversion strategy None, as fluxion converts itself).
    if (k.versions.length > 1) out.apiVersion = apiVersion;
    return out;
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    const k = this.requireKind(ref.apiVersion, ref.kind);
    const e = this.entry(k, this.namespaceOf(k, ref.namespace), ref.name);
    return e ? this.present(k, e.obj, ref.apiVersion) : undefined;
  }

  async list(query: ListQuery): Promise<ListResult> {
    const k = this.requireKind(query.apiVersion, query.kind);
    const labels = parseLabelSelector(query.labelSelector);
    const fields = parseFieldSelector(query.fieldSelector);
    const items: KubeObject[] = [];
    for (const e of this.entries(k, query.namespace)) {
      if (matchesLabels(labels, e.obj.metadata.labels) && matchesFields(fields, e.obj)) items.push(this.present(k, e.obj, query.apiVersion));
    }
    return { items, resourceVersion: String(this.rv) };
  }

  private *entries(k: Kind, namespace?: string): Generator<Entry> {
    const byNs = this.store.get(gkOf(k.group, k.kind));
    if (!byNs) return;
    const namespaces = k.namespaced && namespace ? [namespace] : [...byNs.keys()].sort();
    for (const ns of namespaces) {
      const byName = byNs.get(ns);
      if (!byName) continue;
      for (const name of [...byName.keys()].sort()) yield byName.get(name) as Entry;
    }
  }

  // ---- validation -----------------------------------------------------------------------

  private validate(k: Kind, obj: KubeObject): void {
    const causes: { field: string; message: string }[] = [];
    const name = obj.metadata?.name;
    if (!name) causes.push({ field: 'metadata.name', message: 'Required value: name or generateName is required' });
    else if (PATH_SEGMENT_KINDS.has(k.kind) ? /[/%]/.test(name) || name === '.' || name === '..' : !DNS1123_SUBDOMAIN.test(name) || name.length > 253) {
      causes.push({
        field: 'metadata.name',
        message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
      });
    }
    for (const [key, value] of Object.entries(obj.metadata?.labels ?? {})) {
      if (!LABEL_KEY.test(key)) causes.push({ field: 'metadata.labels', message: `Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.'` });
      if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
        causes.push({ field: 'metadata.labels', message: `Invalid value: "${String(value)}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character` });
      }
    }
    for (const [key, value] of Object.entries(obj.metadata?.annotations ?? {})) {
      if (typeof value !== 'string') causes.push({ field: `metadata.annotations.${key}`, message: `Invalid value: annotation values must be strings` });
    }
    if (k.kind === 'CustomResourceDefinition') this.validateCrd(obj, causes);
    if (causes.length) {
      const kindName = k.group ? `${k.kind}.${k.group}` : k.kind;
      throw new ApiError(422, 'Invalid', `${kindName} "${name ?? ''}" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`, {
        name: name ?? '',
        group: k.group,
        kind: k.kind,
        causes: causes.map((c) => ({ reason: 'FieldValueInvalid', field: c.field, message: c.message })),
      });
    }
  }

  private validateCrd(obj: KubeObject, causes: { field: string; message: string }[]): void {
    const spec = isObject(obj.spec) ? obj.spec : {};
    const names = isObject(spec.names) ? spec.names : {};
    if (!spec.group) causes.push({ field: 'spec.group', message: 'Required value' });
    if (!names.plural || !names.kind) causes.push({ field: 'spec.names', message: 'Required value: plural and kind are required' });
    if (names.plural && spec.group && obj.metadata.name !== `${String(names.plural)}.${String(spec.group)}`) {
      causes.push({ field: 'metadata.name', message: `Invalid value: "${obj.metadata.name}": must be spec.names.plural+"."+spec.group` });
    }
    const versions = Array.isArray(spec.versions) ? (spec.versions as Json[]) : [];
    if (!versions.length) causes.push({ field: 'spec.versions', message: 'Required value: must have at least one version' });
    if (versions.length && versions.filter((v) => v.storage === true).length !== 1) causes.push({ field: 'spec.versions', message: 'Invalid value: must have exactly one version marked as storage version' });
  }

  private requireNamespace(k: Kind, ns: string, name = ''): void {
    if (!k.namespaced) return;
    const nsEntry = this.store.get('/Namespace')?.get('')?.get(ns);
    if (!nsEntry) throw new ApiError(404, 'NotFound', `namespaces "${ns}" not found`, { name: ns, kind: 'namespaces' });
    if (nsEntry.obj.metadata.deletionTimestamp) {
      throw new ApiError(403, 'Forbidden', `${this.resourceName(k)} "${name}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`, { name, kind: k.plural });
    }
  }

  // ---- writes ---------------------------------------------------------------------------

  private now(): string {
    return new Date(this.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  private newUid(): string {
    this.uidSeq++;
    return randomUUID();
  }

  /** Strips what clients may not set and fixes identity fields. */
  private prepare(k: Kind, input: KubeObject): KubeObject {
    const obj = copy(input);
    if (!isObject(obj.metadata)) obj.metadata = { name: '' };
    obj.apiVersion = input.apiVersion;
    if (k.namespaced) obj.metadata.namespace = obj.metadata.namespace || 'default';
    else delete obj.metadata.namespace;
    delete obj.metadata.managedFields;
    return obj;
  }

  async create(input: KubeObject, options: WriteOptions = {}): Promise<KubeObject> {
    return this.createSync(input, options);
  }

  private createSync(input: KubeObject, options: WriteOptions): KubeObject {
    const k = this.requireKind(input.apiVersion, input.kind);
    const obj = this.prepare(k, input);
    if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = `${obj.metadata.generateName}${(++this.nameSeq).toString(36).padStart(5, 'x')}`;
    this.validate(k, obj);
    const ns = this.namespaceOf(k, obj.metadata.namespace);
    this.requireNamespace(k, ns, obj.metadata.name);
    if (this.entry(k, ns, obj.metadata.name)) {
      throw new ApiError(409, 'AlreadyExists', `${this.resourceName(k)} "${obj.metadata.name}" already exists`, { name: obj.metadata.name, group: k.group, kind: k.plural });
    }
    if (k.statusSubresource) delete obj.status;
    delete obj.metadata.deletionTimestamp;
    delete obj.metadata.resourceVersion;
    obj.metadata.uid = this.newUid();
    obj.metadata.creationTimestamp = this.now();
    obj.metadata.generation = 1;
    const entry: Entry = { obj, managers: [] };
    this.takeOwnership(entry, k, options.fieldManager ?? defaultManager(), fieldSet(obj as Json, k.builtin), obj.apiVersion);
    this.initialise(k, entry);
    if (options.dryRun) return this.render(k, entry, obj.apiVersion);
    this.commit(k, entry, 'ADDED');
    return this.present(k, entry.obj, input.apiVersion);
  }

  /** Defaults the API server fills in on create. */
  private initialise(k: Kind, entry: Entry): void {
    const obj = entry.obj;
    if (k.kind === 'Service' && k.group === '') {
      const spec = isObject(obj.spec) ? obj.spec : (obj.spec = {});
      if (spec.clusterIP === undefined && spec.type !== 'ExternalName') {
        spec.clusterIP = clusterIpFor(this.ipSeq++);
        spec.clusterIPs = [spec.clusterIP];
      }
      spec.type ??= 'ClusterIP';
    }
    if (k.kind === 'Namespace' && k.group === '') obj.status = { phase: 'Active' };
  }

  async update(input: KubeObject, options: WriteOptions = {}): Promise<KubeObject> {
    const k = this.requireKind(input.apiVersion, input.kind);
    const next = this.prepare(k, input);
    const ns = this.namespaceOf(k, next.metadata.namespace);
    const entry = this.entry(k, ns, next.metadata.name);
    if (!entry) throw this.notFound(k, next.metadata.name);
    if (input.metadata.resourceVersion && input.metadata.resourceVersion !== entry.obj.metadata.resourceVersion) throw this.conflict(k, next.metadata.name);
    return this.replace(k, entry, next, options.fieldManager ?? defaultManager(), options.dryRun ?? false, input.apiVersion);
  }

  private conflict(k: Kind, name: string): ApiError {
    return new ApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${this.resourceName(k)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      { name, group: k.group, kind: k.plural },
    );
  }

  /** Shared by update and patch: the main resource changes, status is kept. */
  private replace(k: Kind, entry: Entry, next: KubeObject, manager: string, dryRun: boolean, apiVersion: string): KubeObject {
    const live = entry.obj;
    this.validate(k, next);
    next.metadata.uid = live.metadata.uid as string;
    next.metadata.creationTimestamp = live.metadata.creationTimestamp as string;
    next.metadata.namespace = live.metadata.namespace;
    if (live.metadata.deletionTimestamp) next.metadata.deletionTimestamp = live.metadata.deletionTimestamp;
    else delete next.metadata.deletionTimestamp;
    if (k.statusSubresource) {
      if (live.status !== undefined) next.status = copy(live.status);
      else delete next.status;
    }
    next.metadata.generation = live.metadata.generation ?? 1;
    if (!deepEqual(withoutMeta(live), withoutMeta(next))) next.metadata.generation += 1;
    next.metadata.resourceVersion = live.metadata.resourceVersion;
    const candidate: Entry = { obj: next, managers: entry.managers.map((m) => ({ ...m, fields: new Set(m.fields) })) };
    this.recordUpdate(candidate, k, manager, live, next, apiVersion);
    return this.finishWrite(k, entry, candidate, dryRun, apiVersion);
  }

  /** Commits a candidate unless it changes nothing, then handles finalization. */
  private finishWrite(k: Kind, entry: Entry, candidate: Entry, dryRun: boolean, apiVersion: string): KubeObject {
    const changed = !deepEqual(stripVolatile(entry.obj), stripVolatile(candidate.obj)) || !sameManagers(entry.managers, candidate.managers);
    if (dryRun || !changed) return dryRun ? this.render(k, candidate, apiVersion) : this.present(k, entry.obj, apiVersion);
    entry.obj = candidate.obj;
    entry.managers = candidate.managers;
    if (entry.obj.metadata.deletionTimestamp && !(entry.obj.metadata.finalizers ?? []).length) {
      this.remove(k, entry);
      return this.present(k, entry.obj, apiVersion);
    }
    this.commit(k, entry, 'MODIFIED');
    return this.present(k, entry.obj, apiVersion);
  }

  async patch(ref: ObjectRef, patch: unknown, type: PatchType, options: WriteOptions & { subresource?: 'status' | 'scale' } = {}): Promise<KubeObject> {
    const k = this.requireKind(ref.apiVersion, ref.kind);
    const ns = this.namespaceOf(k, ref.namespace);
    const entry = this.entry(k, ns, ref.name);
    if (!entry) throw this.notFound(k, ref.name);
    const manager = options.fieldManager ?? defaultManager();
    const apply = (doc: unknown): unknown => {
      if (type === 'merge') return mergePatch(doc, patch);
      if (type === 'json') return jsonPatch(doc, patch);
      throw new ApiError(415, 'UnsupportedMediaType', 'strategic merge patch is not supported by the simulator; use a merge, JSON or apply patch');
    };
    if (options.subresource === 'scale') {
      if (!k.scaleSubresource) throw this.notFound(k, ref.name);
      const scaled = apply(this.scaleOf(entry.obj)) as Json;
      const replicas = isObject(scaled.spec) ? scaled.spec.replicas : undefined;
      if (typeof replicas !== 'number') throw new ApiError(422, 'Invalid', 'spec.replicas: Required value');
      const next = copy(entry.obj);
      (next.spec as Json).replicas = replicas;
      this.replace(k, entry, next, manager, options.dryRun ?? false, ref.apiVersion);
      return this.scaleOf(entry.obj) as unknown as KubeObject;
    }
    if (options.subresource === 'status') {
      const next = apply(copy(entry.obj)) as KubeObject;
      return this.writeStatus(k, entry, next.status, manager, options.dryRun ?? false, ref.apiVersion);
    }
    const patched = apply(copy(entry.obj)) as KubeObject;
    if (!isObject(patched.metadata)) throw new ApiError(422, 'Invalid', 'metadata: Required value');
    if (patched.metadata.name !== ref.name) throw new ApiError(422, 'Invalid', `metadata.name: Invalid value: "${String(patched.metadata.name)}": field is immutable`);
    if (patched.metadata.resourceVersion && patched.metadata.resourceVersion !== entry.obj.metadata.resourceVersion) throw this.conflict(k, ref.name);
    return this.replace(k, entry, this.prepare(k, patched), manager, options.dryRun ?? false, ref.apiVersion);
  }

  private scaleOf(obj: KubeObject): Json {
    const spec = isObject(obj.spec) ? obj.spec : {};
    const status = isObject(obj.status) ? obj.status : {};
    return {
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: obj.metadata.name, namespace: obj.metadata.namespace, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion, creationTimestamp: obj.metadata.creationTimestamp },
      spec: { replicas: spec.replicas ?? 1 },
      status: { replicas: status.replicas ?? 0, selector: '' },
    };
  }

  async updateStatus(obj: KubeObject, options: WriteOptions = {}): Promise<KubeObject> {
    const k = this.requireKind(obj.apiVersion, obj.kind);
    const entry = this.entry(k, this.namespaceOf(k, obj.metadata.namespace), obj.metadata.name);
    if (!entry) throw this.notFound(k, obj.metadata.name);
    if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== entry.obj.metadata.resourceVersion) throw this.conflict(k, obj.metadata.name);
    return this.writeStatus(k, entry, obj.status, options.fieldManager ?? defaultManager(), options.dryRun ?? false, obj.apiVersion);
  }

  private writeStatus(k: Kind, entry: Entry, status: unknown, manager: string, dryRun: boolean, apiVersion: string): KubeObject {
    const next = copy(entry.obj);
    if (status === undefined) delete next.status;
    else next.status = copy(status);
    const candidate: Entry = { obj: next, managers: entry.managers.map((m) => ({ ...m, fields: new Set(m.fields) })) };
    this.touchManager(candidate, manager, 'Update', apiVersion, 'status');
    return this.finishWrite(k, entry, candidate, dryRun, apiVersion);
  }

  async apply(input: KubeObject, options: ApplyOptions): Promise<KubeObject> {
    if (!options?.fieldManager) throw new ApiError(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    const k = this.requireKind(input.apiVersion, input.kind);
    const applied = this.prepare(k, input);
    if (!applied.metadata.name) throw new ApiError(422, 'Invalid', 'metadata.name: Required value: name is required');
    if (k.statusSubresource) delete applied.status;
    const ns = this.namespaceOf(k, applied.metadata.namespace);
    const entry = this.entry(k, ns, applied.metadata.name);
    if (applied.metadata.resourceVersion && entry && applied.metadata.resourceVersion !== entry.obj.metadata.resourceVersion) throw this.conflict(k, applied.metadata.name);
    delete applied.metadata.resourceVersion;
    const newFields = fieldSet(applied as Json, k.builtin);
    if (!entry) {
      const created = this.createSync({ ...applied }, { fieldManager: options.fieldManager, dryRun: true });
      const fresh: Entry = { obj: this.prepare(k, created), managers: [] };
      fresh.obj.metadata.uid = created.metadata.uid as string;
      fresh.obj.metadata.creationTimestamp = created.metadata.creationTimestamp as string;
      fresh.obj.metadata.generation = 1;
      this.setManager(fresh, options.fieldManager, 'Apply', input.apiVersion, newFields);
      if (options.dryRun) return this.render(k, fresh, input.apiVersion);
      this.commit(k, fresh, 'ADDED');
      return this.present(k, fresh.obj, input.apiVersion);
    }
    const live = entry.obj;
    // Conflicts: fields another manager owns whose value would change.
    const conflicts: { manager: string; owner: ManagerEntry; path: string }[] = [];
    const candidateManagers = entry.managers.map((m) => ({ ...m, fields: new Set(m.fields) }));
    for (const key of newFields) {
      const path = parsePathKey(key);
      if (isItemPath(path)) continue;
      for (const m of candidateManagers) {
        if (m.manager === options.fieldManager && m.operation === 'Apply') continue;
        if (m.subresource || !m.fields.has(key)) continue;
        if (deepEqual(getAt(live, path, k.builtin), getAt(applied, path, k.builtin))) continue;
        if (options.force) m.fields.delete(key);
        else conflicts.push({ manager: m.manager, owner: m, path: describePath(path) });
      }
    }
    if (conflicts.length) {
      throw new ApiError(409, 'Conflict', conflictMessage(conflicts), {
        name: applied.metadata.name,
        group: k.group,
        kind: k.plural,
        causes: conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${describeManager(c.owner)}`, field: c.path })),
      });
    }
    let next = mergeApplied(live, applied, k.builtin) as KubeObject;
    next.metadata = { ...next.metadata, uid: live.metadata.uid as string, creationTimestamp: live.metadata.creationTimestamp as string } as KubeObject['metadata'];
    // Fields this manager applied before and no longer applies are removed, unless someone else owns them.
    const previous = candidateManagers.find((m) => m.manager === options.fieldManager && m.operation === 'Apply' && !m.subresource);
    if (previous) {
      const others = candidateManagers.filter((m) => m !== previous && !m.subresource);
      const ownedElsewhere = (key: string): boolean => others.some((m) => m.fields.has(key) || [...m.fields].some((f) => f.startsWith(key.slice(0, -1))));
      const removed = [...previous.fields].filter((f) => !newFields.has(f) && !ownedElsewhere(f) && !isKeyField(parsePathKey(f)));
      removed.sort((a, b) => b.length - a.length);
      next = copy(next);
      for (const key of removed) deleteAt(next as Json, parsePathKey(key), k.builtin);
      // Removal may have pruned maps the applied configuration itself sets (e.g. `data: {}`).
      next = mergeApplied(next, applied, k.builtin) as KubeObject;
    }
    if (k.statusSubresource && live.status !== undefined) next.status = copy(live.status);
    next.metadata.generation = live.metadata.generation ?? 1;
    if (!deepEqual(withoutMeta(live), withoutMeta(next))) next.metadata.generation += 1;
    next.metadata.resourceVersion = live.metadata.resourceVersion;
    this.validate(k, next);
    const candidate: Entry = { obj: next, managers: candidateManagers };
    this.setManager(candidate, options.fieldManager, 'Apply', input.apiVersion, newFields);
    return this.finishWrite(k, entry, candidate, options.dryRun ?? false, input.apiVersion);
  }

  // ---- field managers -------------------------------------------------------------------

  private setManager(entry: Entry, manager: string, operation: 'Apply' | 'Update', apiVersion: string, fields: Set<string>, subresource?: string): void {
    const existing = entry.managers.find((m) => m.manager === manager && m.operation === operation && m.subresource === subresource);
    if (existing) {
      if (!sameSet(existing.fields, fields) || existing.apiVersion !== apiVersion) existing.time = this.now();
      existing.fields = fields;
      existing.apiVersion = apiVersion;
    } else {
      const m: ManagerEntry = { manager, operation, apiVersion, time: this.now(), fields };
      if (subresource) m.subresource = subresource;
      entry.managers.push(m);
    }
    entry.managers = entry.managers.filter((m) => m.fields.size > 0 || m.subresource);
  }

  private touchManager(entry: Entry, manager: string, operation: 'Update', apiVersion: string, subresource: string): void {
    const statusFields = new Set([...fieldSet({ status: entry.obj.status } as Json, false)].map((f) => f));
    this.setManager(entry, manager, operation, apiVersion, statusFields, subresource);
  }

  private takeOwnership(entry: Entry, _k: Kind, manager: string, fields: Set<string>, apiVersion: string): void {
    this.setManager(entry, manager, 'Update', apiVersion, fields);
  }

  /** An Update takes every field whose value it changed; removed fields leave every owner. */
  private recordUpdate(entry: Entry, k: Kind, manager: string, before: KubeObject, after: KubeObject, apiVersion: string): void {
    const beforeFields = fieldSet(before as Json, k.builtin);
    const afterFields = fieldSet(after as Json, k.builtin);
    const changed = new Set<string>();
    for (const key of afterFields) {
      if (!beforeFields.has(key) || !deepEqual(getAt(before, parsePathKey(key), k.builtin), getAt(after, parsePathKey(key), k.builtin))) changed.add(key);
    }
    for (const m of entry.managers) {
      if (m.subresource) continue;
      for (const key of [...m.fields]) if (!afterFields.has(key) || (changed.has(key) && m.manager !== manager)) m.fields.delete(key);
    }
    if (changed.size === 0) {
      entry.managers = entry.managers.filter((m) => m.fields.size > 0 || m.subresource);
      return;
    }
    const mine = entry.managers.find((m) => m.manager === manager && m.operation === 'Update' && !m.subresource);
    const fields = new Set([...(mine?.fields ?? []), ...changed]);
    this.setManager(entry, manager, 'Update', apiVersion, fields);
  }

  private render(k: Kind, entry: Entry, apiVersion: string): KubeObject {
    const out = this.present(k, entry.obj, apiVersion);
    out.metadata.managedFields = renderManagers(entry.managers);
    return out;
  }

  // ---- commit, watch fan-out ------------------------------------------------------------

  private commit(k: Kind, entry: Entry, type: 'ADDED' | 'MODIFIED'): void {
    const gk = gkOf(k.group, k.kind);
    const ns = entry.obj.metadata.namespace ?? '';
    let byNs = this.store.get(gk);
    if (!byNs) this.store.set(gk, (byNs = new Map()));
    let byName = byNs.get(ns);
    if (!byName) byNs.set(ns, (byName = new Map()));
    byName.set(entry.obj.metadata.name, entry);
    entry.obj.metadata.resourceVersion = String(++this.rv);
    entry.obj.metadata.managedFields = renderManagers(entry.managers);
    const key = `${gk}/${ns}/${entry.obj.metadata.name}`;
    for (const uid of this.ownedBy.get(key) ?? []) this.owners.get(uid)?.delete(key);
    const uids = ownerUids(entry.obj);
    if (uids.length) this.ownedBy.set(key, uids);
    else this.ownedBy.delete(key);
    for (const uid of uids) {
      let set = this.owners.get(uid);
      if (!set) this.owners.set(uid, (set = new Set()));
      set.add(key);
    }
    const previous = this.published.get(key);
    this.published.set(key, entry.obj);
    this.publish({ rv: this.rv, gk, type, object: entry.obj, ...(type === 'MODIFIED' && previous && previous !== entry.obj ? { previous } : {}) });
    this.afterCommit(k, entry, type);
  }

  private publish(change: Change): void {
    this.history.push(change);
    // Trim in batches: splicing one element off the front on every write would move the whole
    // array each time. At least `historyLimit` changes are always kept.
    if (this.history.length > this.historyLimit + Math.max(1, this.historyLimit >> 2)) this.history.splice(0, this.history.length - this.historyLimit);
    const watchers = this.watchers.get(change.gk);
    if (!watchers) return;
    for (const w of watchers) this.deliver(w, change);
  }

  private deliver(w: Watcher, change: Change): void {
    if (w.stopped) return;
    const obj = change.object;
    if (w.namespace && obj.metadata.namespace !== w.namespace) return;
    const selects = (o: KubeObject): boolean => matchesLabels(w.labels, o.metadata.labels) && matchesFields(w.fields, o);
    const now = selects(obj);
    // As the API server's watch cache: an object that stops matching a selector is DELETED for
    // that watch, one that starts matching is ADDED.
    const before = change.previous ? selects(change.previous) : now;
    if (!now && !before) return;
    const type = now === before ? change.type : now ? 'ADDED' : 'DELETED';
    const object = copy(obj);
    if ((this.kinds.get(w.gk)?.versions.length ?? 0) > 1) object.apiVersion = w.apiVersion;
    w.queue.push({ type, object });
    this.schedule(w);
  }

  private schedule(w: Watcher): void {
    if (w.scheduled) return;
    w.scheduled = true;
    queueMicrotask(() => {
      w.scheduled = false;
      const events = w.queue.splice(0);
      for (const e of events) {
        if (w.stopped) return;
        w.onEvent(e);
      }
    });
  }

  async watch(query: WatchQuery, onEvent: (event: WatchEvent) => void): Promise<Watch> {
    const k = this.requireKind(query.apiVersion, query.kind);
    const gk = gkOf(k.group, k.kind);
    let resolveDone: () => void = () => undefined;
    const done = new Promise<void>((r) => (resolveDone = r));
    const w: Watcher = {
      gk,
      namespace: k.namespaced ? query.namespace : undefined,
      labels: parseLabelSelector(query.labelSelector),
      fields: parseFieldSelector(query.fieldSelector),
      apiVersion: query.apiVersion,
      onEvent,
      queue: [],
      scheduled: false,
      stopped: false,
      resolveDone,
    };
    const stop = (): void => {
      if (w.stopped) return;
      w.stopped = true;
      this.watchers.get(gk)?.delete(w);
      w.resolveDone();
    };
    const from = query.resourceVersion && query.resourceVersion !== '0' ? Number(query.resourceVersion) : undefined;
    if (from !== undefined) {
      const oldest = this.history[0]?.rv ?? this.rv + 1;
      if (!Number.isFinite(from) || (from < oldest - 1 && from < this.rv)) {
        const gone = new ApiError(410, 'Gone', `too old resource version: ${query.resourceVersion} (${oldest - 1})`);
        w.queue.push({ type: 'ERROR', object: gone.toStatus() as unknown as KubeObject });
        this.schedule(w);
        queueMicrotask(() => queueMicrotask(stop));
        return { stop, done };
      }
      for (const change of this.history) if (change.gk === gk && change.rv > from) this.deliver(w, change);
    } else {
      for (const e of this.entries(k, w.namespace)) this.deliver(w, { rv: 0, gk, type: 'ADDED', object: e.obj });
    }
    let set = this.watchers.get(gk);
    if (!set) this.watchers.set(gk, (set = new Set()));
    set.add(w);
    return { stop, done };
  }

  // ---- delete, finalizers, garbage collection -------------------------------------------

  async delete(ref: ObjectRef, options: DeleteOptions = {}): Promise<KubeObject | undefined> {
    const k = this.requireKind(ref.apiVersion, ref.kind);
    const entry = this.entry(k, this.namespaceOf(k, ref.namespace), ref.name);
    if (!entry) throw this.notFound(k, ref.name);
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== entry.obj.metadata.uid) {
      throw new ApiError(409, 'Conflict', `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${entry.obj.metadata.uid}`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== entry.obj.metadata.resourceVersion) {
      throw new ApiError(409, 'Conflict', `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${entry.obj.metadata.resourceVersion}`);
    }
    if (options.dryRun) return this.present(k, entry.obj, ref.apiVersion);
    const policy = options.propagationPolicy ?? 'Background';
    return this.deleteEntry(k, entry, policy, ref.apiVersion);
  }

  private deleteEntry(k: Kind, entry: Entry, policy: 'Background' | 'Foreground' | 'Orphan', apiVersion: string): KubeObject | undefined {
    if (k.kind === 'Namespace' && k.group === '') return this.deleteNamespace(entry, apiVersion);
    if ((entry.obj.metadata.finalizers ?? []).length) {
      if (!entry.obj.metadata.deletionTimestamp) {
        entry.obj = copy(entry.obj);
        entry.obj.metadata.deletionTimestamp = this.now();
        entry.obj.metadata.deletionGracePeriodSeconds = 0;
        this.commit(k, entry, 'MODIFIED');
      }
      if (policy === 'Orphan') this.orphanDependents(entry);
      return this.present(k, entry.obj, apiVersion);
    }
    if (policy === 'Foreground') this.deleteDependents(entry);
    if (policy === 'Orphan') this.orphanDependents(entry);
    this.remove(k, entry);
    return undefined;
  }

  private deleteNamespace(entry: Entry, apiVersion: string): KubeObject | undefined {
    const nsKind = this.kinds.get('/Namespace') as Kind;
    const name = entry.obj.metadata.name;
    if (!entry.obj.metadata.deletionTimestamp) {
      entry.obj = copy(entry.obj);
      entry.obj.metadata.deletionTimestamp = this.now();
      entry.obj.status = { phase: 'Terminating' };
      this.commit(nsKind, entry, 'MODIFIED');
    }
    for (const kind of this.kinds.values()) {
      if (!kind.namespaced) continue;
      for (const e of [...this.entries(kind, name)]) if (!e.obj.metadata.deletionTimestamp || !(e.obj.metadata.finalizers ?? []).length) this.deleteEntry(kind, e, 'Background', e.obj.apiVersion);
    }
    const remaining = [...this.kinds.values()].some((kind) => kind.namespaced && this.store.get(gkOf(kind.group, kind.kind))?.get(name)?.size);
    if (remaining) return this.present(nsKind, entry.obj, apiVersion);
    this.remove(nsKind, entry);
    return undefined;
  }

  private dependents(entry: Entry): Entry[] {
    const uid = entry.obj.metadata.uid;
    if (!uid) return [];
    const keys = this.owners.get(uid);
    if (!keys) return [];
    const out: Entry[] = [];
    for (const key of keys) {
      const [group, kind, ns, name] = key.split('/') as [string, string, string, string];
      const e = this.store.get(gkOf(group, kind))?.get(ns)?.get(name);
      if (e) out.push(e);
    }
    return out;
  }

  private deleteDependents(entry: Entry): void {
    for (const d of this.dependents(entry)) {
      const k = this.kinds.get(gkOf(splitApiVersion(d.obj.apiVersion).group, d.obj.kind));
      if (k && this.entry(k, d.obj.metadata.namespace ?? '', d.obj.metadata.name) === d) this.deleteEntry(k, d, 'Background', d.obj.apiVersion);
    }
  }

  private orphanDependents(entry: Entry): void {
    const uid = entry.obj.metadata.uid;
    for (const d of this.dependents(entry)) {
      const k = this.kinds.get(gkOf(splitApiVersion(d.obj.apiVersion).group, d.obj.kind));
      if (!k) continue;
      d.obj = copy(d.obj);
      d.obj.metadata.ownerReferences = (d.obj.metadata.ownerReferences ?? []).filter((o) => o.uid !== uid);
      if (!d.obj.metadata.ownerReferences.length) delete d.obj.metadata.ownerReferences;
      this.commit(k, d, 'MODIFIED');
    }
  }

  /** Removes an entry for good: DELETED event, dependents collected, CRD objects dropped. */
  private remove(k: Kind, entry: Entry): void {
    const gk = gkOf(k.group, k.kind);
    const ns = entry.obj.metadata.namespace ?? '';
    const byName = this.store.get(gk)?.get(ns);
    if (!byName || byName.get(entry.obj.metadata.name) !== entry) return;
    byName.delete(entry.obj.metadata.name);
    this.cancelTimers(`${gk}/${ns}/${entry.obj.metadata.name}`);
    const key = `${gk}/${ns}/${entry.obj.metadata.name}`;
    for (const uid of this.ownedBy.get(key) ?? []) this.owners.get(uid)?.delete(key);
    this.ownedBy.delete(key);
    this.published.delete(key);
    const gone = copy(entry.obj);
    gone.metadata.resourceVersion = String(++this.rv);
    this.publish({ rv: this.rv, gk, type: 'DELETED', object: gone });
    // Background garbage collection of dependents.
    this.deleteDependents(entry);
    if (entry.obj.metadata.uid) this.owners.delete(entry.obj.metadata.uid);
    if (k.kind === 'CustomResourceDefinition') this.unregisterCrd(entry.obj);
    if (k.namespaced && ns) this.finishNamespace(ns);
  }

  /** The namespace controller's last step: a terminating namespace goes once it is empty. */
  private finishNamespace(name: string): void {
    const nsKind = this.kinds.get('/Namespace') as Kind;
    const nsEntry = this.entry(nsKind, '', name);
    if (!nsEntry?.obj.metadata.deletionTimestamp) return;
    const remaining = [...this.kinds.values()].some((kind) => kind.namespaced && this.store.get(gkOf(kind.group, kind.kind))?.get(name)?.size);
    if (!remaining) this.remove(nsKind, nsEntry);
  }

  // ---- CRDs -----------------------------------------------------------------------------

  private registerCrd(entry: Entry): void {
    const spec = entry.obj.spec as Json;
    const names = spec.names as Json;
    const versions = (spec.versions as Json[]).filter((v) => v.served !== false);
    const storage = versions.find((v) => v.storage === true) ?? versions[0];
    const subresources = isObject(storage?.subresources) ? storage.subresources : {};
    const kind: Kind = {
      group: String(spec.group),
      kind: String(names.kind),
      plural: String(names.plural),
      singular: String(names.singular ?? String(names.kind).toLowerCase()),
      namespaced: spec.scope !== 'Cluster',
      versions: versions.map((v) => String(v.name)),
      statusSubresource: 'status' in subresources,
      scaleSubresource: 'scale' in subresources,
      builtin: false,
      crd: entry.obj.metadata.name,
    };
    if (Array.isArray(names.shortNames)) kind.shortNames = names.shortNames as string[];
    if (Array.isArray(names.categories)) kind.categories = names.categories as string[];
    this.kinds.set(gkOf(kind.group, kind.kind), kind);
  }

  private unregisterCrd(crd: KubeObject): void {
    const spec = crd.spec as Json;
    const gk = gkOf(String(spec.group), String((spec.names as Json).kind));
    const kind = this.kinds.get(gk);
    if (!kind || kind.crd !== crd.metadata.name) return;
    for (const e of [...this.entries(kind)]) this.remove(kind, e);
    this.kinds.delete(gk);
    this.store.delete(gk);
  }

  // ---- events ---------------------------------------------------------------------------

  async recordEvent(event: KubeEvent): Promise<void> {
    const nsExists = (ns: string): boolean => !!this.store.get('/Namespace')?.get('')?.get(ns) && !this.store.get('/Namespace')?.get('')?.get(ns)?.obj.metadata.deletionTimestamp;
    const ns = event.involvedObject.namespace && nsExists(event.involvedObject.namespace) ? event.involvedObject.namespace : 'default';
    const io = event.involvedObject;
    const dedupe = `${ns}/${io.kind}/${io.namespace ?? ''}/${io.name}/${event.type}/${event.reason}/${event.message}`;
    const now = this.now();
    const existingName = this.eventNames.get(dedupe);
    const eventKind = this.kinds.get('/Event') as Kind;
    const existing = existingName ? this.entry(eventKind, ns, existingName) : undefined;
    if (existing) {
      const next = copy(existing.obj);
      next.count = Number(next.count ?? 1) + 1;
      next.lastTimestamp = now;
      this.replace(eventKind, existing, next, event.reportingController, false, 'v1');
      return;
    }
    const name = `${io.name}.${(this.clock.now() * 1000 + ++this.nameSeq).toString(16)}`;
    this.eventNames.set(dedupe, name);
    const obj: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: ns, ...(event.annotations ? { annotations: event.annotations } : {}) },
      involvedObject: { ...io },
      type: event.type,
      reason: event.reason,
      message: event.message,
      source: { component: event.reportingController },
      reportingComponent: event.reportingController,
      reportingInstance: event.reportingController,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    this.createSync(obj, { fieldManager: event.reportingController });
  }

  // ---- built-in controllers -------------------------------------------------------------

  private afterCommit(k: Kind, entry: Entry, type: 'ADDED' | 'MODIFIED'): void {
    if (k.kind === 'CustomResourceDefinition' && k.group === 'apiextensions.k8s.io') {
      this.registerCrd(entry);
      const status = isObject(entry.obj.status) ? entry.obj.status : {};
      const conditions = Array.isArray(status.conditions) ? (status.conditions as Json[]) : [];
      if (!conditions.some((c) => c.type === 'Established' && c.status === 'True')) {
        const now = this.now();
        const names = (entry.obj.spec as Json).names;
        entry.obj = copy(entry.obj);
        entry.obj.status = {
          conditions: [
            { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: now },
            { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: now },
          ],
          acceptedNames: names,
          storedVersions: ((entry.obj.spec as Json).versions as Json[]).filter((v) => v.storage).map((v) => v.name),
        };
        this.commit(k, entry, 'MODIFIED');
      }
      return;
    }
    if (!this.simulate || entry.obj.metadata.deletionTimestamp) return;
    const gk = gkOf(k.group, k.kind);
    if (k.kind === 'PersistentVolumeClaim' && k.group === '' && type === 'ADDED') {
      this.systemStatus(k, entry, { phase: 'Bound', accessModes: (entry.obj.spec as Json | undefined)?.accessModes, capacity: ((entry.obj.spec as Json | undefined)?.resources as Json | undefined)?.requests });
      return;
    }
    if (!WORKLOAD_KINDS.has(gk)) return;
    const status = isObject(entry.obj.status) ? entry.obj.status : {};
    const gen = entry.obj.metadata.generation ?? 1;
    if (k.kind !== 'Job' && k.kind !== 'Pod' && status.observedGeneration === gen) return;
    if ((k.kind === 'Job' || k.kind === 'Pod') && (type !== 'ADDED' || status.startTime)) return;
    const now = this.now();
    const progressing = progressingStatus(entry.obj, now);
    if (progressing) this.systemStatus(k, entry, progressing);
    const key = `${gk}/${entry.obj.metadata.namespace ?? ''}/${entry.obj.metadata.name}`;
    this.cancelTimers(key);
    const fails = templateFails(entry.obj);
    const delay = fails ? Math.max(failureDeadlineMs(entry.obj), this.rolloutDelayMs) : this.rolloutDelayMs;
    if (fails && k.kind !== 'Deployment' && k.kind !== 'Job' && k.kind !== 'Pod') return;
    this.timers.set(
      key,
      this.clock.setTimeout(() => {
        this.timers.delete(key);
        const current = this.entry(k, entry.obj.metadata.namespace ?? '', entry.obj.metadata.name);
        if (!current || (current.obj.metadata.generation ?? 1) !== gen || current.obj.metadata.deletionTimestamp) return;
        const next = fails ? failedStatus(current.obj, this.now()) : readyStatus(current.obj, this.now());
        if (next) this.systemStatus(k, current, next);
      }, delay),
    );
  }

  private systemStatus(k: Kind, entry: Entry, status: Json): void {
    this.writeStatus(k, entry, status, SYSTEM_MANAGER, false, entry.obj.apiVersion);
  }

  private cancelTimers(key: string): void {
    const t = this.timers.get(key);
    if (t !== undefined) {
      this.clock.clearTimeout(t);
      this.timers.delete(key);
    }
  }
}

function defaultManager(): string {
  return 'unknown';
}

function ownerUids(obj: KubeObject): string[] {
  return (obj.metadata.ownerReferences ?? []).map((o) => o.uid).filter(Boolean);
}

function stripVolatile(obj: KubeObject): KubeObject {
  const { managedFields: _mf, resourceVersion: _rv, ...meta } = obj.metadata;
  return { ...obj, metadata: meta as KubeObject['metadata'] };
}

function sameSet(a: Set<string>, b: Set<string>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

function sameManagers(a: ManagerEntry[], b: ManagerEntry[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((m, i) => {
    const o = b[i] as ManagerEntry;
    return m.manager === o.manager && m.operation === o.operation && m.subresource === o.subresource && m.apiVersion === o.apiVersion && sameSet(m.fields, o.fields);
  });
}

function renderManagers(managers: ManagerEntry[]): NonNullable<KubeObject['metadata']['managedFields']> {
  return managers.map((m) => {
    const out: NonNullable<KubeObject['metadata']['managedFields']>[number] = {
      manager: m.manager,
      operation: m.operation,
      apiVersion: m.apiVersion,
      time: m.time,
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(m.fields),
    };
    if (m.subresource) out.subresource = m.subresource;
    return out;
  });
}

export { pathKey };
