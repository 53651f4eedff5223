/**
 * The server-side apply manager, as Flux's fluxcd/pkg/ssa works: objects are applied in stages
 * (definitions, classes, the rest; each stage must be established before the next), each one
 * dry-run first and applied only when the dry-run result differs from the live object, with
 * the `kustomize.toolkit.fluxcd.io/ssa` (Override | Merge | IfNotPresent | Ignore) and `force`
 * annotations honoured. Prune deletes only objects that carry the owner's labels and are not
 * marked `prune: disabled`. Results are change sets.
 */
import type { Clock } from '../api/clock.js';
import type { KubeObject, ObjectRef } from '../api/meta.js';
import { refOf, subjectOf } from '../api/meta.js';
import { Annotations } from '../api/annotations.js';
import type { Cluster } from '../cluster/types.js';
import { isApiError } from '../cluster/errors.js';
import type { ApiError } from '../cluster/errors.js';
import type { ChangeEntry } from './change-set.js';
import { stages } from './staging.js';
import { computeHealth } from './kstatus.js';

export interface ApplyOptions {
  fieldManager: string;
  /** Told of every object as it stands after it was applied or found unchanged (drift watching). */
  onApplied?: (live: KubeObject) => void;
  /** Told before an object is written, and with `false` when the write failed (drift watching holds its events meanwhile). */
  onApplying?: (ref: ObjectRef, writing: boolean) => void;
  /** Recreate objects whose immutable fields changed (spec.force or the force annotation). */
  force?: boolean;
  /** Labels every applied object gets (the owner labels). */
  ownerLabels?: Record<string, string>;
}

type Json = Record<string, unknown>;

const annotation = (obj: KubeObject, name: string): string | undefined => obj.metadata.annotations?.[name]?.toLowerCase();

/** What the API server would store, minus what it manages itself: for "did anything change". */
function comparable(obj: KubeObject): Json {
  const { metadata, status: _status, ...rest } = obj;
  const { managedFields: _mf, resourceVersion: _rv, generation: _g, uid: _u, creationTimestamp: _c, ...meta } = metadata;
  return { ...rest, metadata: meta };
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Json = {};
    for (const k of Object.keys(v as Json).sort()) out[k] = sortKeys((v as Json)[k]);
    return out;
  }
  return v;
}

/** Immutable-field errors from the API server (422 Invalid with "field is immutable"). */
export function isImmutableError(err: unknown): boolean {
  return isApiError(err, 422) && /immutable/i.test((err as ApiError).message);
}

export class ApplyManager {
  constructor(
    private readonly cluster: Cluster,
    private readonly clock: Clock,
  ) {}

  /** Applies every object, stage by stage; returns the change set. Stops at the first error. */
  async applyAll(objects: readonly KubeObject[], options: ApplyOptions): Promise<ChangeEntry[]> {
    const changes: ChangeEntry[] = [];
    for (const { stage, objects: group } of stages(objects)) {
      for (const obj of group) changes.push(await this.applyOne(obj, options));
      if (stage !== 'resources') await this.waitEstablished(group);
    }
    return changes;
  }

  private withOwner(obj: KubeObject, options: ApplyOptions): KubeObject {
    if (!options.ownerLabels) return obj;
    return { ...obj, metadata: { ...obj.metadata, labels: { ...(obj.metadata.labels ?? {}), ...options.ownerLabels } } };
  }

  async applyOne(input: KubeObject, options: ApplyOptions): Promise<ChangeEntry> {
    const obj = this.withOwner(input, options);
    const subject = subjectOf(refOf(obj));
    const policy = annotation(obj, Annotations.ssa);
    const live = await this.cluster.get(refOf(obj));
    if (policy === 'ignore') return { subject, action: 'skipped' };
    if (policy === 'ifnotpresent' && live) return { subject, action: 'skipped' };
    const force = options.force || annotation(obj, Annotations.force) === 'enabled';
    // Merge keeps fields other managers set; Override (default) takes ownership of what we apply.
    const takeOwnership = policy !== 'merge';
    const dry = await this.tryApply(obj, { fieldManager: options.fieldManager, force: takeOwnership, dryRun: true }, force);
    if (live && equal(comparable(dry), comparable(live))) {
      options.onApplied?.(live);
      return { subject, action: 'unchanged' };
    }
    options.onApplying?.(refOf(obj), true);
    let result: KubeObject;
    try {
      result = await this.tryApply(obj, { fieldManager: options.fieldManager, force: takeOwnership, dryRun: false }, force);
    } catch (err) {
      options.onApplying?.(refOf(obj), false);
      throw err;
    }
    options.onApplied?.(result);
    return { subject, action: live ? 'configured' : 'created' };
  }

  /** Whether applying `input` would change the live object (server-side dry run), without writing. */
  async wouldChange(input: KubeObject, options: ApplyOptions): Promise<'missing' | 'changed' | 'unchanged'> {
    const obj = this.withOwner(input, options);
    const live = await this.cluster.get(refOf(obj));
    if (!live) return 'missing';
    const dry = await this.tryApply(obj, { fieldManager: options.fieldManager, force: true, dryRun: true }, false);
    return equal(comparable(dry), comparable(live)) ? 'unchanged' : 'changed';
  }

  private async tryApply(obj: KubeObject, opts: { fieldManager: string; force: boolean; dryRun: boolean }, recreate: boolean): Promise<KubeObject> {
    try {
      return await this.cluster.apply(obj, opts);
    } catch (err) {
      if (!recreate || !isImmutableError(err)) throw err;
      if (opts.dryRun) return obj;
      await this.cluster.delete(refOf(obj), { propagationPolicy: 'Background' });
      return this.cluster.apply(obj, opts);
    }
  }

  /** CRDs Established and Namespaces present before the objects that need them. */
  private async waitEstablished(objects: readonly KubeObject[]): Promise<void> {
    for (const obj of objects) {
      for (let i = 0; i < 50; i++) {
        const live = await this.cluster.get(refOf(obj));
        if (!live) break;
        const h = computeHealth(live, this.clock.now());
        if (h.status === 'Current' || obj.kind !== 'CustomResourceDefinition') break;
        await new Promise<void>((r) => this.clock.setTimeout(r, 100));
      }
    }
  }

  /**
   * Deletes the objects in `refs` that still carry the owner labels and are not marked
   * `prune: disabled` (or ssa: Ignore). Returns the change set.
   */
  async prune(refs: readonly ObjectRef[], ownerLabels: Record<string, string>): Promise<ChangeEntry[]> {
    const changes: ChangeEntry[] = [];
    for (const ref of refs) {
      const subject = subjectOf(ref);
      let live: KubeObject | undefined;
      try {
        live = await this.cluster.get(ref);
      } catch (err) {
        // The kind itself may be gone (its CRD pruned first): nothing left to delete.
        if (isApiError(err, 404)) continue;
        throw err;
      }
      if (!live) continue;
      const owned = Object.entries(ownerLabels).every(([k, v]) => live?.metadata.labels?.[k] === v);
      if (!owned || annotation(live, Annotations.prune) === 'disabled' || annotation(live, Annotations.ssa) === 'ignore') {
        changes.push({ subject, action: 'skipped' });
        continue;
      }
      try {
        await this.cluster.delete(ref, { propagationPolicy: 'Background' });
      } catch (err) {
        if (!isApiError(err, 404)) throw err;
      }
      changes.push({ subject, action: 'deleted' });
    }
    return changes;
  }
}


