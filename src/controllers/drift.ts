/**
 * Drift detection by watching, not polling: every object a Kustomization applies is watched, and
 * a change to it that did not come from fluxion (a `kubectl scale`, an edit, a deletion) sends
 * `object.drifted` to the owning Kustomization, which re-applies at once. Flux finds the same
 * drift only at the next `spec.interval`.
 *
 * Our own writes and status-only changes (rollouts) are told apart by a fingerprint of what the
 * object looked like after our last apply: metadata labels and annotations plus everything but
 * status, ignoring what the API server manages.
 */
import { createHash } from 'node:crypto';
import type { KubeObject, ObjectRef } from '../api/meta.js';
import { keyOf, refOf, splitApiVersion, subjectOf } from '../api/meta.js';
import { Labels } from '../api/annotations.js';
import type { Cluster, Watch } from '../cluster/types.js';

export type DriftSink = (owner: ObjectRef, subject: string) => void;

function fingerprint(obj: KubeObject): string {
  const { metadata, status: _s, ...rest } = obj;
  const content = { ...rest, labels: metadata.labels ?? {}, annotations: metadata.annotations ?? {} };
  return createHash('sha1').update(JSON.stringify(content, Object.keys(flatten(content)).sort())).digest('hex');
}

function flatten(v: unknown, out: Record<string, true> = {}): Record<string, true> {
  if (v && typeof v === 'object') {
    for (const [k, c] of Object.entries(v as Record<string, unknown>)) {
      out[k] = true;
      flatten(c, out);
    }
  }
  return out;
}

export class DriftWatcher {
  private readonly applied = new Map<string, string>();
  /** Objects fluxion is writing right now: their watch events describe our own write, which may arrive before the write returns. */
  private readonly writing = new Map<string, number>();
  private readonly watches = new Map<string, Promise<Watch>>();
  private sink: DriftSink = () => undefined;
  private stopped = false;

  constructor(private readonly cluster: Cluster) {}

  /** Where drift is reported (the supervisor, once it exists). */
  onDrift(sink: DriftSink): void {
    this.sink = sink;
  }

  /**
   * Marks an object as being written by fluxion (`true`), or the write as failed (`false`).
   * Changes seen while the write is in flight are ours (or overwritten by ours) and are not drift.
   */
  writingObject(ref: ObjectRef, writing: boolean): void {
    const key = keyOf(ref);
    const n = (this.writing.get(key) ?? 0) + (writing ? 1 : -1);
    if (n > 0) this.writing.set(key, n);
    else this.writing.delete(key);
  }

  /** Records the object as fluxion applied it (ending a write in flight), and makes sure its kind is watched. */
  track(live: KubeObject): void {
    const key = keyOf(refOf(live));
    this.applied.set(key, fingerprint(live));
    // The write returned: events from now on are compared with what it produced.
    const n = (this.writing.get(key) ?? 0) - 1;
    if (n > 0) this.writing.set(key, n);
    else this.writing.delete(key);
    const { group } = splitApiVersion(live.apiVersion);
    const kindKey = `${group}/${live.kind}`;
    if (this.stopped || this.watches.has(kindKey)) return;
    this.watches.set(
      kindKey,
      this.cluster
        .list({ apiVersion: live.apiVersion, kind: live.kind, labelSelector: Labels.kustomizeName })
        .then((list) => this.cluster.watch({ apiVersion: live.apiVersion, kind: live.kind, labelSelector: Labels.kustomizeName, resourceVersion: list.resourceVersion }, (e) => {
          if (e.type !== 'MODIFIED' && e.type !== 'DELETED') return;
          this.observe(e.object, e.type === 'DELETED');
        })),
    );
  }

  /** Forgets an object fluxion pruned (its deletion is not drift). */
  forget(ref: ObjectRef): void {
    this.applied.delete(keyOf(ref));
  }

  private observe(obj: KubeObject, deleted: boolean): void {
    const key = keyOf(refOf(obj));
    const expected = this.applied.get(key);
    if (expected === undefined || this.writing.has(key)) return;
    if (!deleted && fingerprint(obj) === expected) return;
    if (deleted) this.applied.delete(key);
    const name = obj.metadata.labels?.[Labels.kustomizeName];
    const namespace = obj.metadata.labels?.[Labels.kustomizeNamespace];
    if (!name || !namespace) return;
    this.sink({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name, namespace }, `${subjectOf(refOf(obj))}${deleted ? ' deleted' : ' changed'}`);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const w of this.watches.values()) (await w.catch(() => undefined))?.stop();
    this.watches.clear();
  }
}
