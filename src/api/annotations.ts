/** Annotation, label and finalizer names fluxion shares with Flux. */

export const Annotations = {
  requestedAt: 'reconcile.fluxcd.io/requestedAt',
  forceAt: 'reconcile.fluxcd.io/forceAt',
  resetAt: 'reconcile.fluxcd.io/resetAt',
  ssa: 'kustomize.toolkit.fluxcd.io/ssa',
  prune: 'kustomize.toolkit.fluxcd.io/prune',
  force: 'kustomize.toolkit.fluxcd.io/force',
  reconcile: 'kustomize.toolkit.fluxcd.io/reconcile',
  substitute: 'kustomize.toolkit.fluxcd.io/substitute',
} as const;

export const Labels = {
  kustomizeName: 'kustomize.toolkit.fluxcd.io/name',
  kustomizeNamespace: 'kustomize.toolkit.fluxcd.io/namespace',
  helmName: 'helm.toolkit.fluxcd.io/name',
  helmNamespace: 'helm.toolkit.fluxcd.io/namespace',
  shardKey: 'sharding.fluxcd.io/key',
  watch: 'reconcile.fluxcd.io/watch',
} as const;

/** The finalizer every Flux controller puts on the objects it reconciles. */
export const FLUX_FINALIZER = 'finalizers.fluxcd.io';

/**
 * The values Flux gives meaning to on the annotations and labels above. Flux compares them
 * without regard to case (users write both `disabled` and `Disabled`): use `hasFluxValue`.
 */
export const AnnotationValues = {
  /** `kustomize.toolkit.fluxcd.io/ssa`: overwrite drift (the default), merge, create only, never touch. */
  ssaOverride: 'Override',
  ssaMerge: 'Merge',
  ssaIfNotPresent: 'IfNotPresent',
  ssaIgnore: 'Ignore',
  /** `…/prune`, `…/reconcile`, `…/substitute`: opt this object out. */
  disabled: 'disabled',
  /** `…/force` (recreate on an immutable-field change) and the `reconcile.fluxcd.io/watch` label. */
  enabled: 'Enabled',
} as const;

/** True when `map` (an object's annotations or labels) sets `key` to `value`, ignoring case. */
export function hasFluxValue(map: Record<string, string> | undefined, key: string, value: string): boolean {
  const v = map?.[key];
  return typeof v === 'string' && v.toLowerCase() === value.toLowerCase();
}
