/**
 * Helm's release actions — install, upgrade, rollback, uninstall, test, unlock — on the Cluster
 * port, with Helm's semantics: a release record per revision (pending while the action runs,
 * then deployed, failed or superseded) in Helm 3's storage, hooks run by weight with their delete
 * policies, CRDs from `crds/` created on install, resources applied in Helm's install order and
 * waited for, resources that left the chart deleted on upgrade, and ownership metadata
 * (`app.kubernetes.io/managed-by: Helm`, `meta.helm.sh/release-name|namespace`) so `helm` itself
 * recognises them.
 */
import { parseAllDocuments } from 'yaml';
import type { Clock } from '../../api/clock.js';
import type { KubeObject } from '../../api/meta.js';
import { refOf, subjectOf } from '../../api/meta.js';
import { ApplyManager } from '../../apply/manager.js';
import { computeHealth } from '../../apply/kstatus.js';
import { isApiError } from '../../cluster/errors.js';
import type { Cluster, PropagationPolicy } from '../../cluster/types.js';
import type { Chart } from '../chart/types.js';
import type { GoMap } from '../template/values.js';
import { INSTALL_ORDER } from '../chart/sort.js';
import type { HookDeletePolicy, HookEvent, Release, ReleaseChart, ReleaseHook, ReleaseStatus } from '../release/types.js';
import type { ReleaseStorage } from '../release/storage.js';
import { recreatePods } from './recreate.js';

export { podSelectorOf, recreatePods } from './recreate.js';
export type { RecreateResult } from './recreate.js';

/** One rendered document (as `renderChart` returns it). */
export interface RenderedDoc {
  source: string;
  content: string;
  objects: Record<string, unknown>[];
}

export interface RenderedHookDoc extends RenderedDoc {
  kind: string;
  name: string;
  events: readonly string[];
  weight: number;
  deletePolicies: readonly string[];
}

/** What an install or upgrade deploys. */
export interface RenderedChart {
  manifests: readonly RenderedDoc[];
  hooks: readonly RenderedHookDoc[];
  crds: readonly RenderedDoc[];
  notes: string;
  /** The (processed) root chart. */
  chart: Chart;
}

export interface ActionEnv {
  cluster: Cluster;
  clock: Clock;
  storage: ReleaseStorage;
  /** Lets clock time pass while waiting (frees the concurrency slot in the controller). */
  sleep(ms: number): Promise<void>;
  /** The field manager of every write (`helm-controller`). */
  fieldManager: string;
  /** Labels every object of the release gets (`helm.toolkit.fluxcd.io/name|namespace`). */
  ownerLabels?: Record<string, string>;
  /** Milliseconds between readiness polls while waiting. Default 2000. */
  pollMs?: number;
  /**
   * Helm's `Configuration.Log`: what an action reports without failing over it (a rollback whose
   * pods could not be recreated). Default: dropped.
   */
  log?: (message: string) => void;
}

export interface ReleaseTarget {
  name: string;
  /** Where the release's namespaced objects go. */
  namespace: string;
}

export interface DeployOptions {
  timeoutMs: number;
  /** Helm's --wait (Flux: on unless `disableWait`). */
  wait: boolean;
  disableHooks?: boolean;
  /** `crds` policy: Create (default on install), Skip (default on upgrade), CreateReplace. */
  crds?: 'Skip' | 'Create' | 'CreateReplace';
  createNamespace?: boolean;
  maxHistory?: number;
  /** Upgrade: delete resources the new revision created when it fails. */
  cleanupOnFail?: boolean;
  /** Upgrade: recreate objects whose immutable fields changed. */
  force?: boolean;
  description?: string;
}

/** What `helm rollback` takes. */
export interface RollbackOptions {
  timeoutMs: number;
  /** Helm's --wait. */
  wait: boolean;
  disableHooks?: boolean;
  /** Default: the last superseded or deployed revision before the latest. */
  toVersion?: number;
  maxHistory?: number;
  /** Recreate objects whose immutable fields changed. */
  force?: boolean;
  /** Delete resources the rollback created when it fails. */
  cleanupOnFail?: boolean;
  /**
   * `--recreate-pods`: once applied, delete the pods of every object the rollback updated (one it
   * did not create), found by the object's selector. A failure is only logged (`ActionEnv.log`).
   */
  recreate?: boolean;
}

/** `driftDetection.ignore[]`: JSON pointers left out of drift detection and correction, for the objects `target` selects. */
export interface DriftIgnoreRule {
  paths: string[];
  target?: { group?: string; version?: string; kind?: string; name?: string; namespace?: string };
}

/** Whether a rule's target (regular expressions, as kustomize selectors) selects the object. */
function selects(t: NonNullable<DriftIgnoreRule['target']>, o: KubeObject): boolean {
  const [group, version] = o.apiVersion.includes('/') ? (o.apiVersion.split('/') as [string, string]) : ['', o.apiVersion];
  const re = (pattern: string | undefined, value: string): boolean => pattern === undefined || new RegExp(`^(?:${pattern})$`).test(value);
  return re(t.group, group) && re(t.version, version) && re(t.kind, o.kind) && re(t.name, o.metadata.name) && re(t.namespace, o.metadata.namespace ?? '');
}

/** Sets `to`'s value at JSON pointer `pointer` to `from`'s (removing it when `from` has none). */
function copyPointer(from: unknown, to: unknown, pointer: string): void {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (!parts.length) return;
  let src: unknown = from;
  let dst = to as Record<string, unknown>;
  for (let i = 0; i < parts.length - 1; i++) {
    const k = parts[i]!;
    src = src && typeof src === 'object' ? (src as Record<string, unknown>)[k] : undefined;
    const next = dst[k];
    if (!next || typeof next !== 'object') {
      if (src === undefined) return;
      dst[k] = Array.isArray(src) ? [] : {};
    }
    dst = dst[k] as Record<string, unknown>;
  }
  const last = parts.at(-1)!;
  const value = src && typeof src === 'object' ? (src as Record<string, unknown>)[last] : undefined;
  if (value === undefined) delete dst[last];
  else dst[last] = structuredClone(value);
}

export class ActionError extends Error {
  constructor(
    message: string,
    /** The release record as the failed action left it. */
    readonly release?: Release,
  ) {
    super(message);
  }
}

const rank = new Map<string, number>(INSTALL_ORDER.map((k, i) => [k, i]));
const installRank = (kind: string): number => rank.get(kind) ?? INSTALL_ORDER.length;

/** The release's chart record: the root chart only, as Helm stores it. */
export function releaseChart(chart: Chart): ReleaseChart {
  return {
    metadata: chart.metadata,
    templates: chart.templates.map((t) => ({ name: t.name, data: t.data })),
    values: chart.values,
    ...(chart.schema ? { schema: chart.schema } : {}),
    files: chart.files.map((f) => ({ name: f.name, data: f.data })),
  };
}

/** Helm's release manifest: every non-hook document with its `# Source:` line. */
export function manifestText(docs: readonly RenderedDoc[]): string {
  return docs.map((d) => `---\n# Source: ${d.source}\n${d.content}\n`).join('');
}

/** The objects of a stored manifest (for pruning on upgrade and for uninstall). */
export function manifestObjects(manifest: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const doc of parseAllDocuments(manifest)) {
    const o = doc.toJS() as KubeObject | null;
    if (o && typeof o === 'object' && o.kind && o.metadata?.name) out.push(o);
  }
  return out;
}

function hookRecord(h: RenderedHookDoc): ReleaseHook {
  return {
    name: h.name,
    kind: h.kind,
    path: h.source,
    manifest: h.content,
    events: h.events as HookEvent[],
    lastRun: { phase: '' },
    weight: h.weight,
    deletePolicies: h.deletePolicies as HookDeletePolicy[],
  };
}

export class ReleaseActions {
  private readonly apply: ApplyManager;

  constructor(private readonly env: ActionEnv) {
    this.apply = new ApplyManager(env.cluster, env.clock);
  }

  private now(): number {
    return this.env.clock.now();
  }

  /** Objects ready for the API: namespace defaulted for namespaced kinds, Helm's ownership metadata added. */
  private async prepare(target: ReleaseTarget, docs: readonly { objects: Record<string, unknown>[] }[]): Promise<KubeObject[]> {
    const out: KubeObject[] = [];
    for (const d of docs) {
      for (const raw of d.objects) {
        const o = structuredClone(raw) as unknown as KubeObject;
        if (!o.apiVersion || !o.kind || !o.metadata?.name) throw new ActionError(`rendered object without apiVersion, kind or metadata.name: ${JSON.stringify(raw).slice(0, 120)}`);
        const info = await this.env.cluster.resourceFor(o.apiVersion, o.kind);
        if (info?.namespaced !== false && !o.metadata.namespace) o.metadata.namespace = target.namespace;
        if (info && !info.namespaced) delete o.metadata.namespace;
        o.metadata.labels = { ...(o.metadata.labels ?? {}), 'app.kubernetes.io/managed-by': 'Helm' };
        o.metadata.annotations = { ...(o.metadata.annotations ?? {}), 'meta.helm.sh/release-name': target.name, 'meta.helm.sh/release-namespace': target.namespace };
        out.push(o);
      }
    }
    return out;
  }

  /** Helm refuses to take over objects that belong to another release (or to no release) on install. */
  private async checkOwnership(target: ReleaseTarget, objects: readonly KubeObject[], mine: ReadonlySet<string>): Promise<void> {
    for (const o of objects) {
      const ref = refOf(o);
      if (mine.has(subjectOf(ref))) continue;
      const live = await this.env.cluster.get(ref);
      if (!live) continue;
      const name = live.metadata.annotations?.['meta.helm.sh/release-name'];
      const ns = live.metadata.annotations?.['meta.helm.sh/release-namespace'];
      const managed = live.metadata.labels?.['app.kubernetes.io/managed-by'];
      if (name === target.name && ns === target.namespace && managed === 'Helm') continue;
      const problems = [
        managed !== 'Helm' ? `label validation error: missing key "app.kubernetes.io/managed-by": must be set to "Helm"` : undefined,
        name !== target.name ? `annotation validation error: ${name === undefined ? 'missing key "meta.helm.sh/release-name"' : `key "meta.helm.sh/release-name" must equal "${target.name}": current value is "${name}"`}` : undefined,
        ns !== target.namespace ? `annotation validation error: ${ns === undefined ? 'missing key "meta.helm.sh/release-namespace"' : `key "meta.helm.sh/release-namespace" must equal "${target.namespace}": current value is "${ns}"`}` : undefined,
      ].filter(Boolean);
      throw new ActionError(
        `rendered manifests contain a resource that already exists. Unable to continue with install: ${o.kind} "${o.metadata.name}" in namespace "${o.metadata.namespace ?? ''}" exists and cannot be imported into the current release: invalid ownership metadata; ${problems.join('; ')}`,
      );
    }
  }

  /** `force`: objects whose immutable fields changed are deleted and created again (`helm upgrade --force`). */
  private async applyObjects(objects: readonly KubeObject[], force = false): Promise<void> {
    const ordered = [...objects].sort((a, b) => installRank(a.kind) - installRank(b.kind));
    await this.apply.applyAll(ordered, { fieldManager: this.env.fieldManager, force, ...(this.env.ownerLabels ? { ownerLabels: this.env.ownerLabels } : {}) });
  }

  /** Helm's --wait: every object Current (kstatus) within the deadline; a Failed one fails at once. */
  private async waitReady(objects: readonly KubeObject[], deadline: number): Promise<void> {
    for (;;) {
      const pending: string[] = [];
      for (const o of objects) {
        const live = await this.env.cluster.get(refOf(o));
        const h = computeHealth(live, this.now());
        if (h.status === 'Failed') throw new ActionError(`resource ${subjectOf(refOf(o))} failed: ${h.message}`);
        if (h.status !== 'Current') pending.push(subjectOf(refOf(o)));
      }
      if (pending.length === 0) return;
      if (this.now() >= deadline) throw new ActionError(`context deadline exceeded: timed out waiting for the condition on ${pending.join(', ')}`);
      await this.env.sleep(Math.max(1, Math.min(this.env.pollMs ?? 2000, deadline - this.now())));
    }
  }

  private async deleteObjects(objects: readonly KubeObject[], propagationPolicy: PropagationPolicy = 'Background'): Promise<void> {
    const reversed = [...objects].sort((a, b) => installRank(b.kind) - installRank(a.kind));
    for (const o of reversed) {
      try {
        await this.env.cluster.delete(refOf(o), { propagationPolicy });
      } catch (err) {
        if (!isApiError(err, 404)) throw err;
      }
    }
  }

  /** Runs the hooks of `event` by weight, then name; records each run on the release's hook records. */
  private async runHooks(event: HookEvent, target: ReleaseTarget, hooks: readonly RenderedHookDoc[], record: ReleaseHook[], deadline: number): Promise<void> {
    const due = hooks
      .map((h, i) => ({ h, rec: record[i]! }))
      .filter(({ h }) => h.events.includes(event))
      .sort((a, b) => a.h.weight - b.h.weight || (a.h.name < b.h.name ? -1 : a.h.name > b.h.name ? 1 : 0));
    for (const { h, rec } of due) {
      const objects = await this.prepare(target, [h]);
      const policies = h.deletePolicies.length ? h.deletePolicies : ['before-hook-creation'];
      if (policies.includes('before-hook-creation')) await this.deleteObjects(objects);
      rec.lastRun = { startedAt: this.now(), phase: 'Running' };
      let failure: string | undefined;
      try {
        for (const o of objects) await this.env.cluster.create(o, { fieldManager: this.env.fieldManager });
        // Helm waits for Jobs and Pods to complete; other hook kinds are done once created.
        await this.waitComplete(objects.filter((o) => o.kind === 'Job' || o.kind === 'Pod'), deadline);
      } catch (err) {
        failure = (err as Error).message;
      }
      rec.lastRun = { startedAt: rec.lastRun.startedAt, completedAt: this.now(), phase: failure ? 'Failed' : 'Succeeded' };
      if (failure) {
        if (policies.includes('hook-failed')) await this.deleteObjects(objects);
        throw new ActionError(`${event} hooks failed: ${failure}`);
      }
      if (policies.includes('hook-succeeded')) await this.deleteObjects(objects);
    }
  }

  /**
   * `--recreate-pods` for the updated objects, selected by their live state (where the API server
   * filled in defaults such as a Job's selector). Never fails the action: Helm only logs it.
   */
  private async recreate(updated: readonly KubeObject[]): Promise<void> {
    const live: KubeObject[] = [];
    try {
      for (const o of updated) {
        const obj = await this.env.cluster.get(refOf(o));
        if (obj) live.push(obj);
      }
    } catch (err) {
      this.env.log?.(`unable to recreate pods: ${(err as Error).message}`);
      return;
    }
    const { error } = await recreatePods(this.env.cluster, live);
    if (error) this.env.log?.(error);
  }

  private async waitComplete(objects: readonly KubeObject[], deadline: number): Promise<void> {
    for (const o of objects) {
      for (;;) {
        const live = await this.env.cluster.get(refOf(o));
        const status = (live?.status ?? {}) as { phase?: string; conditions?: { type: string; status: string; message?: string }[] };
        if (o.kind === 'Pod') {
          if (status.phase === 'Succeeded') break;
          if (status.phase === 'Failed') throw new ActionError(`pod ${o.metadata.name} failed`);
        } else {
          if (status.conditions?.some((c) => c.type === 'Complete' && c.status === 'True')) break;
          const failed = status.conditions?.find((c) => c.type === 'Failed' && c.status === 'True');
          if (failed) throw new ActionError(`job ${o.metadata.name} failed: ${failed.message ?? 'BackoffLimitExceeded'}`);
        }
        if (this.now() >= deadline) throw new ActionError(`timed out waiting for the condition on ${o.kind.toLowerCase()}s/${o.metadata.name}`);
        await this.env.sleep(Math.max(1, Math.min(this.env.pollMs ?? 2000, deadline - this.now())));
      }
    }
  }

  private async createCrds(target: ReleaseTarget, crds: readonly RenderedDoc[], replace: boolean): Promise<void> {
    for (const o of await this.prepare(target, crds)) {
      const live = await this.env.cluster.get(refOf(o));
      if (live && !replace) continue;
      await this.env.cluster.apply(o, { fieldManager: this.env.fieldManager, force: true });
    }
  }

  private newRelease(target: ReleaseTarget, rendered: RenderedChart, config: GoMap, version: number, status: ReleaseStatus, description: string, firstDeployed: number): Release {
    return {
      name: target.name,
      namespace: target.namespace,
      version,
      info: { firstDeployed, lastDeployed: this.now(), description, status, ...(rendered.notes ? { notes: rendered.notes } : {}) },
      chart: releaseChart(rendered.chart),
      config,
      manifest: manifestText(rendered.manifests),
      hooks: rendered.hooks.map(hookRecord),
    };
  }

  /** `helm install`: revision 1 (or the next after an uninstalled history). */
  async install(target: ReleaseTarget, rendered: RenderedChart, config: GoMap, options: DeployOptions): Promise<Release> {
    const deadline = this.now() + options.timeoutMs;
    const history = await this.env.storage.history(target.name);
    const version = (history.at(-1)?.version ?? 0) + 1;
    const release = this.newRelease(target, rendered, config, version, 'pending-install', 'Initial install underway', this.now());
    if (options.createNamespace && !(await this.env.cluster.get({ apiVersion: 'v1', kind: 'Namespace', name: target.namespace }))) {
      await this.env.cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: target.namespace, labels: { name: target.namespace } } });
    }
    if ((options.crds ?? 'Create') !== 'Skip') await this.createCrds(target, rendered.crds, options.crds === 'CreateReplace');
    const objects = await this.prepare(target, rendered.manifests);
    await this.checkOwnership(target, objects, new Set());
    await this.env.storage.create(release, options.maxHistory !== undefined ? { maxHistory: options.maxHistory } : {});
    try {
      if (!options.disableHooks) await this.runHooks('pre-install', target, rendered.hooks, release.hooks, deadline);
      await this.applyObjects(objects);
      if (options.wait) await this.waitReady(objects, deadline);
      if (!options.disableHooks) await this.runHooks('post-install', target, rendered.hooks, release.hooks, deadline);
    } catch (err) {
      release.info = { ...release.info, status: 'failed', description: `Release "${target.name}" failed: ${(err as Error).message}`, lastDeployed: this.now() };
      await this.env.storage.update(release);
      throw new ActionError((err as Error).message, release);
    }
    release.info = { ...release.info, status: 'deployed', description: options.description ?? 'Install complete', lastDeployed: this.now() };
    await this.env.storage.update(release);
    return release;
  }

  /** `helm upgrade`: the next revision; resources that left the chart are deleted; the previous deployed revision is superseded. */
  async upgrade(target: ReleaseTarget, rendered: RenderedChart, config: GoMap, options: DeployOptions): Promise<Release> {
    const deadline = this.now() + options.timeoutMs;
    const history = await this.env.storage.history(target.name);
    const last = history.at(-1);
    if (!last) throw new ActionError(`"${target.name}" has no deployed releases`);
    const current = history.filter((r) => r.info.status === 'deployed').at(-1) ?? last;
    const release = this.newRelease(target, rendered, config, last.version + 1, 'pending-upgrade', 'Preparing upgrade', current.info.firstDeployed ?? this.now());
    if (options.crds === 'Create' || options.crds === 'CreateReplace') await this.createCrds(target, rendered.crds, options.crds === 'CreateReplace');
    const objects = await this.prepare(target, rendered.manifests);
    const before = await this.prepare(target, [{ objects: manifestObjects(current.manifest) as unknown as Record<string, unknown>[] }]);
    const keep = new Set(objects.map((o) => subjectOf(refOf(o))));
    await this.checkOwnership(target, objects, new Set(before.map((o) => subjectOf(refOf(o)))));
    await this.env.storage.create(release, options.maxHistory !== undefined ? { maxHistory: options.maxHistory } : {});
    const existed = new Set<string>();
    for (const o of objects) if (await this.env.cluster.get(refOf(o))) existed.add(subjectOf(refOf(o)));
    try {
      if (!options.disableHooks) await this.runHooks('pre-upgrade', target, rendered.hooks, release.hooks, deadline);
      await this.applyObjects(objects, options.force ?? false);
      await this.deleteObjects(before.filter((o) => !keep.has(subjectOf(refOf(o)))));
      if (options.wait) await this.waitReady(objects, deadline);
      if (!options.disableHooks) await this.runHooks('post-upgrade', target, rendered.hooks, release.hooks, deadline);
    } catch (err) {
      release.info = { ...release.info, status: 'failed', description: `Upgrade "${target.name}" failed: ${(err as Error).message}`, lastDeployed: this.now() };
      await this.env.storage.update(release);
      if (options.cleanupOnFail) await this.deleteObjects(objects.filter((o) => !existed.has(subjectOf(refOf(o)))));
      throw new ActionError((err as Error).message, release);
    }
    for (const r of history) {
      if (r.info.status === 'deployed') await this.env.storage.update({ ...r, info: { ...r.info, status: 'superseded' } });
    }
    release.info = { ...release.info, status: 'deployed', description: options.description ?? 'Upgrade complete', lastDeployed: this.now() };
    await this.env.storage.update(release);
    return release;
  }

  /** `helm rollback`: a new revision with the manifest, chart and values of `toVersion` (default: the one before the latest). */
  async rollback(target: ReleaseTarget, options: RollbackOptions): Promise<Release> {
    const history = await this.env.storage.history(target.name);
    const last = history.at(-1);
    if (!last) throw new ActionError(`release: not found`);
    const previous = options.toVersion !== undefined ? history.find((r) => r.version === options.toVersion) : history.filter((r) => r.version < last.version && (r.info.status === 'superseded' || r.info.status === 'deployed')).at(-1);
    if (!previous) throw new ActionError(`release has no ${options.toVersion ?? last.version - 1} version`);
    const deadline = this.now() + options.timeoutMs;
    const hooks = previous.hooks.map((h) => ({ source: h.path, content: h.manifest, objects: manifestObjects(h.manifest) as unknown as Record<string, unknown>[], kind: h.kind, name: h.name, events: h.events, weight: h.weight, deletePolicies: h.deletePolicies }));
    const release: Release = {
      ...previous,
      version: last.version + 1,
      info: { firstDeployed: previous.info.firstDeployed ?? this.now(), lastDeployed: this.now(), description: `Rollback to ${previous.version}`, status: 'pending-rollback', ...(previous.info.notes ? { notes: previous.info.notes } : {}) },
      hooks: previous.hooks.map((h) => ({ ...h, lastRun: { phase: '' } })),
    };
    const objects = await this.prepare(target, [{ objects: manifestObjects(previous.manifest) as unknown as Record<string, unknown>[] }]);
    const current = history.filter((r) => r.info.status === 'deployed').at(-1) ?? last;
    const before = await this.prepare(target, [{ objects: manifestObjects(current.manifest) as unknown as Record<string, unknown>[] }]);
    const keep = new Set(objects.map((o) => subjectOf(refOf(o))));
    const inCurrent = new Set(before.map((o) => subjectOf(refOf(o))));
    await this.env.storage.create(release, options.maxHistory !== undefined ? { maxHistory: options.maxHistory } : {});
    const existed = new Set<string>();
    for (const o of objects) if (await this.env.cluster.get(refOf(o))) existed.add(subjectOf(refOf(o)));
    try {
      if (!options.disableHooks) await this.runHooks('pre-rollback', target, hooks, release.hooks, deadline);
      await this.applyObjects(objects, options.force ?? false);
      await this.deleteObjects(before.filter((o) => !keep.has(subjectOf(refOf(o)))));
      // Helm recreates the pods of what it updated: objects of the current release that were there already.
      if (options.recreate) await this.recreate(objects.filter((o) => existed.has(subjectOf(refOf(o))) && inCurrent.has(subjectOf(refOf(o)))));
      if (options.wait) await this.waitReady(objects, deadline);
      if (!options.disableHooks) await this.runHooks('post-rollback', target, hooks, release.hooks, deadline);
    } catch (err) {
      release.info = { ...release.info, status: 'failed', description: `Rollback "${target.name}" failed: ${(err as Error).message}` };
      await this.env.storage.update(release);
      if (options.cleanupOnFail) await this.deleteObjects(objects.filter((o) => !existed.has(subjectOf(refOf(o)))));
      throw new ActionError((err as Error).message, release);
    }
    for (const r of history) if (r.info.status === 'deployed') await this.env.storage.update({ ...r, info: { ...r.info, status: 'superseded' } });
    release.info = { ...release.info, status: 'deployed' };
    await this.env.storage.update(release);
    return release;
  }

  /** `helm uninstall`: delete the release's resources (hooks around it); keep the records as `uninstalled` with keepHistory. */
  async uninstall(target: ReleaseTarget, options: { timeoutMs: number; disableHooks?: boolean; keepHistory?: boolean; deletionPropagation?: 'background' | 'foreground' | 'orphan' }): Promise<Release | undefined> {
    const history = await this.env.storage.history(target.name);
    const last = history.at(-1);
    if (!last) return undefined;
    const deadline = this.now() + options.timeoutMs;
    const hooks = last.hooks.map((h) => ({ source: h.path, content: h.manifest, objects: manifestObjects(h.manifest) as unknown as Record<string, unknown>[], kind: h.kind, name: h.name, events: h.events, weight: h.weight, deletePolicies: h.deletePolicies }));
    const release: Release = { ...last, info: { ...last.info, status: 'uninstalling', description: 'Deletion in progress (or silently failed)' } };
    await this.env.storage.update(release);
    if (!options.disableHooks) await this.runHooks('pre-delete', target, hooks, release.hooks, deadline);
    const objects = await this.prepare(target, [{ objects: manifestObjects(last.manifest) as unknown as Record<string, unknown>[] }]);
    const policy = ({ background: 'Background', foreground: 'Foreground', orphan: 'Orphan' } as const)[options.deletionPropagation ?? 'background'];
    await this.deleteObjects(objects, policy);
    if (!options.disableHooks) await this.runHooks('post-delete', target, hooks, release.hooks, deadline);
    release.info = { ...release.info, status: 'uninstalled', description: 'Uninstallation complete', deleted: this.now() };
    if (options.keepHistory) {
      await this.env.storage.update(release);
      return release;
    }
    for (const r of history) await this.env.storage.delete(target.name, r.version);
    return release;
  }

  /** `helm test`: runs the test hooks of the latest release and records their runs on it. */
  async test(target: ReleaseTarget, options: { timeoutMs: number; filters?: { name: string; exclude?: boolean }[] }): Promise<{ release: Release; failure?: string }> {
    const release = await this.env.storage.last(target.name);
    if (!release) throw new ActionError(`release: not found`);
    const include = (options.filters ?? []).filter((f) => !f.exclude).map((f) => f.name);
    const exclude = new Set((options.filters ?? []).filter((f) => f.exclude).map((f) => f.name));
    const selected = release.hooks.map((h, i) => ({ h, i })).filter(({ h }) => h.events.includes('test') && !exclude.has(h.name) && (include.length === 0 || include.includes(h.name)));
    const docs = selected.map(({ h }) => ({ source: h.path, content: h.manifest, objects: manifestObjects(h.manifest) as unknown as Record<string, unknown>[], kind: h.kind, name: h.name, events: h.events, weight: h.weight, deletePolicies: h.deletePolicies }));
    const records = selected.map(({ h }) => h);
    let failure: string | undefined;
    try {
      await this.runHooks('test', target, docs, records, this.now() + options.timeoutMs);
    } catch (err) {
      failure = (err as Error).message;
    }
    await this.env.storage.update(release);
    return { release, ...(failure ? { failure } : {}) };
  }

  /** Marks a release left in a pending state by a crashed run as failed, so the next action can proceed. */
  async unlock(target: ReleaseTarget): Promise<Release | undefined> {
    const last = await this.env.storage.last(target.name);
    if (!last || !last.info.status.startsWith('pending-')) return last;
    const release: Release = { ...last, info: { ...last.info, status: 'failed', description: `Release unlocked from stale '${last.info.status}' state` } };
    await this.env.storage.update(release);
    return release;
  }

  /**
   * The manifest's objects with the ignored paths (driftDetection.ignore) set to what the cluster
   * has, so neither detection nor correction touches them.
   */
  private async withIgnored(target: ReleaseTarget, release: Release, ignore: readonly DriftIgnoreRule[]): Promise<KubeObject[]> {
    const objects = await this.prepare(target, [{ objects: manifestObjects(release.manifest) as unknown as Record<string, unknown>[] }]);
    if (!ignore.length) return objects;
    const out: KubeObject[] = [];
    for (const o of objects) {
      const paths = ignore.filter((r) => !r.target || selects(r.target, o)).flatMap((r) => r.paths);
      if (!paths.length) {
        out.push(o);
        continue;
      }
      const live = await this.env.cluster.get(refOf(o));
      const copy = structuredClone(o);
      for (const p of paths) copyPointer(live, copy, p);
      out.push(copy);
    }
    return out;
  }

  /** The release's objects whose live state differs from the manifest (or that are gone): Helm drift. */
  async drifted(target: ReleaseTarget, release: Release, ignore: readonly DriftIgnoreRule[] = []): Promise<string[]> {
    const out: string[] = [];
    for (const o of await this.withIgnored(target, release, ignore)) {
      const change = await this.apply.wouldChange(o, { fieldManager: this.env.fieldManager, ...(this.env.ownerLabels ? { ownerLabels: this.env.ownerLabels } : {}) });
      if (change !== 'unchanged') out.push(`${subjectOf(refOf(o))} ${change}`);
    }
    return out;
  }

  /** Re-applies the release's manifest (ignored paths left as they are), as helm-controller corrects drift. */
  async correctDrift(target: ReleaseTarget, release: Release, ignore: readonly DriftIgnoreRule[] = []): Promise<void> {
    await this.applyObjects(await this.withIgnored(target, release, ignore));
  }
}
