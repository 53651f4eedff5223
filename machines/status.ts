/**
 * The status a Flux object shows in each lifecycle state, as pure functions of the state and the
 * actor's context, so "conditions agree with the state" holds by construction and is testable.
 * Conditions follow kstatus: Reconciling=True while work is under way, Stalled=True when it
 * cannot succeed without a spec change, Ready=True only when healthy.
 */
import type { Condition } from '../src/api/conditions.js';
import { removeCondition, setCondition } from '../src/api/conditions.js';
import type { Failure } from '../src/api/errors.js';
import { MetaReasons } from '../src/api/reasons.js';

/** The top-level lifecycle states, as the design card draws them. */
export const LifecycleStates = ['NotExists', 'Reconciling', 'Applied', 'Healthy', 'Failed', 'Waiting', 'Suspended', 'Stalled', 'Finalizing', 'Pruned'] as const;
export type LifecycleState = (typeof LifecycleStates)[number];

export interface StatusFields {
  observedGeneration?: number;
  conditions: Condition[];
  lastHandledReconcileAt?: string;
  lastAppliedRevision?: string;
  lastAttemptedRevision?: string;
}

export interface StatusInput {
  state: LifecycleState;
  conditions: Condition[] | undefined;
  generation: number;
  /** True for sources (their success reason is `Succeeded`, not `ReconciliationSucceeded`). */
  isSource: boolean;
  failure: Failure | undefined;
  failures: number;
  attemptedRevision: string | undefined;
  appliedRevision: string | undefined;
  message: string | undefined;
  now: Date;
}

/** Conditions for a state; `undefined` for states that leave status untouched (Suspended, Finalizing, Pruned, NotExists). */
export function conditionsFor(s: StatusInput): Condition[] | undefined {
  const gen = s.generation;
  let c = s.conditions ?? [];
  switch (s.state) {
    case 'Reconciling':
    case 'Applied': {
      const revision = s.attemptedRevision ? ` for revision ${s.attemptedRevision}` : '';
      const message = s.state === 'Applied' ? `running health checks${revision}` : `reconciliation in progress${revision}`;
      const reason = s.failures > 0 ? MetaReasons.ProgressingWithRetry : MetaReasons.Progressing;
      c = setCondition(c, { type: 'Reconciling', status: 'True', reason, message }, s.now, gen);
      c = setCondition(c, { type: 'Ready', status: 'Unknown', reason, message }, s.now, gen);
      return removeCondition(c, 'Stalled');
    }
    case 'Healthy': {
      const reason = s.isSource ? MetaReasons.Succeeded : MetaReasons.ReconciliationSucceeded;
      const message = s.message ?? (s.appliedRevision ? `Applied revision: ${s.appliedRevision}` : 'reconciliation succeeded');
      c = setCondition(c, { type: 'Ready', status: 'True', reason, message }, s.now, gen);
      return removeCondition(removeCondition(c, 'Reconciling'), 'Stalled');
    }
    case 'Failed':
    case 'Waiting': {
      const f = s.failure ?? { kind: 'transient', reason: MetaReasons.ReconciliationFailed, message: 'reconciliation failed' };
      c = setCondition(c, { type: 'Ready', status: 'False', reason: f.reason, message: f.message }, s.now, gen);
      return removeCondition(removeCondition(c, 'Reconciling'), 'Stalled');
    }
    case 'Stalled': {
      const f = s.failure ?? { kind: 'stalled', reason: MetaReasons.ReconciliationFailed, message: 'reconciliation stalled' };
      c = setCondition(c, { type: 'Ready', status: 'False', reason: f.reason, message: f.message }, s.now, gen);
      c = setCondition(c, { type: 'Stalled', status: 'True', reason: f.reason, message: f.message }, s.now, gen);
      return removeCondition(c, 'Reconciling');
    }
    default:
      return undefined;
  }
}

/**
 * What a condition list says about the state, read the way kstatus reads it. Used by the
 * property tests to check that status always agrees with the machine.
 */
export function stateImpliedBy(conditions: readonly Condition[]): 'InProgress' | 'Current' | 'Failed' | 'NotReady' {
  const get = (t: string): Condition | undefined => conditions.find((c) => c.type === t);
  if (get('Stalled')?.status === 'True') return 'Failed';
  if (get('Reconciling')?.status === 'True') return 'InProgress';
  const ready = get('Ready');
  if (ready?.status === 'True') return 'Current';
  return 'NotReady';
}
