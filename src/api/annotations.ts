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
