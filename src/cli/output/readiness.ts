/**
 * When the `flux` CLI considers an object reconciled: kstatus over Flux's conditions
 * (`Reconciling=True` in progress, `Stalled=True` failed, generation not yet observed in
 * progress), and, for `resume`/`create`, a Ready condition for the current generation.
 */
import type { KubeObject } from '../../api/meta.js';
import { conditionsOf, readyCondition, statusOf } from './kinds.js';

export type KStatus = { status: 'Current' | 'InProgress' | 'Failed'; message: string };

/** kstatus' generic rules, as `kstatus.Compute` applies them to a Flux custom resource. */
export function kstatus(obj: KubeObject): KStatus {
  if (obj.metadata.deletionTimestamp) return { status: 'InProgress', message: 'Resource scheduled for deletion' };
  const observed = statusOf(obj).observedGeneration;
  if (typeof observed === 'number' && obj.metadata.generation !== undefined && observed !== obj.metadata.generation) {
    return { status: 'InProgress', message: `Resource not yet observed` };
  }
  for (const c of conditionsOf(obj)) {
    if (c.type === 'Reconciling' && c.status === 'True') return { status: 'InProgress', message: c.message };
    if (c.type === 'Stalled' && c.status === 'True') return { status: 'Failed', message: c.message };
  }
  return { status: 'Current', message: 'Resource is current' };
}

/** flux's `isObjectReady` (dynamic status): observed, Ready for this generation, kstatus Current. */
export function isObjectReady(obj: KubeObject | undefined): boolean {
  if (!obj) return false;
  const observed = Number(statusOf(obj).observedGeneration ?? -1);
  if (observed < 1) return false;
  const ready = readyCondition(obj);
  if (!ready) return false;
  const gen = obj.metadata.generation;
  if (ready.observedGeneration && ready.observedGeneration !== gen) return false;
  if (!ready.observedGeneration && observed !== gen) return false;
  const k = kstatus(obj);
  if (k.status === 'Failed') throw new Error(k.message);
  // Ready=False without Stalled is retried by the controller (a source not ready yet, a
  // dependency): keep waiting, until Ready=True or the timeout.
  return k.status === 'Current' && ready.status === 'True';
}

/**
 * flux's static readiness (Alert, Provider: no controller writes their status): the object
 * exists and kstatus finds it Current.
 */
export function isStaticObjectReady(obj: KubeObject | undefined): boolean {
  if (!obj) return false;
  const k = kstatus(obj);
  if (k.status === 'Failed') throw new Error(k.message);
  return k.status === 'Current';
}
