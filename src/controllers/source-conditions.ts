/**
 * The conditions every source-controller kind adds to its status: `ArtifactInStorage` while an
 * artifact is stored, and `FetchFailed` while a failure of the fetch kind lasts (removed once a
 * reconcile succeeds; kept through other failures, as source-controller keeps it).
 */
import type { Condition } from '../api/conditions.js';
import { removeCondition, setCondition } from '../api/conditions.js';
import type { LifecycleContext } from '../../machines/lifecycle.js';

export interface SourceConditionRules {
  /** Failure reasons that mean the fetch failed (authentication, URL, the protocol's own). */
  fetchReasons: ReadonlySet<string>;
  /** The ArtifactInStorage message for the stored revision, in the kind's own words. */
  stored: (revision: string) => string;
}

export function sourceConditions(status: Record<string, unknown>, context: LifecycleContext, now: Date, rules: SourceConditionRules): Condition[] {
  let conditions = (status.conditions as Condition[] | undefined) ?? [];
  const revision = (status.artifact as { revision?: string } | undefined)?.revision;
  if (revision) conditions = setCondition(conditions, { type: 'ArtifactInStorage', status: 'True', reason: 'Succeeded', message: rules.stored(revision) }, now, context.generation);
  const f = context.failure;
  if (f && rules.fetchReasons.has(f.reason)) conditions = setCondition(conditions, { type: 'FetchFailed', status: 'True', reason: f.reason, message: f.message }, now, context.generation);
  else if (!f) conditions = removeCondition(conditions, 'FetchFailed');
  return conditions;
}
