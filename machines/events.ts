/**
 * The events every Flux-object actor understands. Facts are past tense, commands imperative
 * (STYLE.md): a source's new revision, a dependency that became ready, a reconcile request
 * (interval, annotation, webhook, CLI), a spec change, the object's deletion, suspend/resume,
 * and drift of an applied object.
 */
import type { KubeObject, ObjectRef } from '../src/api/meta.js';

export type LifecycleEvent =
  | { type: 'source.revisionChanged'; revision: string; source?: ObjectRef }
  | { type: 'dependency.ready'; ref: ObjectRef; revision?: string }
  | { type: 'reconcile.requested'; requestedAt?: string }
  | { type: 'spec.changed'; object: KubeObject }
  | { type: 'object.deleted' }
  | { type: 'suspend' }
  | { type: 'resume' }
  | { type: 'object.drifted'; subject?: string };

export type LifecycleEventType = LifecycleEvent['type'];

/** Every event type, for exhaustive tests and generated charts. */
export const lifecycleEventTypes: readonly LifecycleEventType[] = [
  'source.revisionChanged',
  'dependency.ready',
  'reconcile.requested',
  'spec.changed',
  'object.deleted',
  'suspend',
  'resume',
  'object.drifted',
];
