/**
 * The dependsOn gatekeeper, as kustomize-controller has it: every dependency must exist, have
 * observed its latest generation and be Ready; a dependency that shares the source must have
 * applied the same revision. A dependency cycle cannot resolve itself: Stalled.
 */
import type { KubeObject } from '../api/meta.js';
import { isConditionTrue } from '../api/conditions.js';
import type { Condition } from '../api/conditions.js';
import { StalledError, WaitingError } from '../api/errors.js';
import { dependsOnOf, sourceRefsOf } from '../api/kinds.js';
import { keyOf } from '../api/meta.js';
import { FluxionReasons, MetaReasons } from '../api/reasons.js';
import { describeCycle } from '../runtime/router.js';
import type { EffectContext } from './controller.js';

/** Throws WaitingError(DependencyNotReady) or StalledError(DependencyCycle); resolves when all are ready. */
export async function checkDependencies(object: KubeObject, ctx: EffectContext, requeueMs = 30_000, sourceRevision?: string): Promise<void> {
  const deps = dependsOnOf(object);
  if (deps.length === 0) return;
  const self = { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name, namespace: object.metadata.namespace ?? 'default' };
  const cycle = ctx.routing.dependencyCycle(self);
  if (cycle) throw new StalledError(FluxionReasons.DependencyCycle, `dependency cycle: ${describeCycle(cycle)}`);
  const mySources = new Set(sourceRefsOf(object).map(keyOf));
  for (const dep of deps) {
    const name = `${dep.namespace}/${dep.name}`;
    const live = await ctx.cluster.get(dep).catch(() => undefined);
    if (!live) throw new WaitingError(MetaReasons.DependencyNotReady, `dependency '${name}' not found`, requeueMs);
    const status = (live.status ?? {}) as { observedGeneration?: number; conditions?: Condition[]; lastAppliedRevision?: string };
    const ready = status.observedGeneration === live.metadata.generation && isConditionTrue(status.conditions, 'Ready');
    if (!ready) throw new WaitingError(MetaReasons.DependencyNotReady, `dependency '${name}' is not ready`, requeueMs);
    const sharesSource = sourceRevision !== undefined && sourceRefsOf(live).some((s) => mySources.has(keyOf(s)));
    if (sharesSource && status.lastAppliedRevision !== sourceRevision) {
      throw new WaitingError(MetaReasons.DependencyNotReady, `dependency '${name}' revision is not up to date`, requeueMs);
    }
  }
}
