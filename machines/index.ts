/** Every machine fluxion runs, by name. Charts in docs/ are generated from this list. */
import { createLifecycleMachine } from './lifecycle.js';

/** The shared lifecycle with a single `reconcile` step (HelmRepository, HelmChart, HelmRelease for now). */
export const lifecycleMachine = createLifecycleMachine({
  id: 'lifecycle',
  description: 'The lifecycle every Flux object shares: one reconcile step, then Healthy until the next interval.',
});

/** GitRepository: ask the remote first; fetch and store an artifact only when the revision moved. */
export const gitRepositoryMachine = createLifecycleMachine({
  id: 'gitRepository',
  description: 'GitRepository: check the remote ref, fetch only when it moved, store the artifact, tell referrers.',
  steps: ['checkRemote', 'fetch', 'storeArtifact'],
  shortCircuit: ['checkRemote'],
});

/** Kustomization: dependencies, artifact, build, staged apply, prune, then health checks. */
export const kustomizationMachine = createLifecycleMachine({
  id: 'kustomization',
  description: 'Kustomization: wait for dependencies, fetch the artifact, build, apply in stages, prune, check health.',
  steps: ['checkDependencies', 'fetchArtifact', 'build', 'applyStaged', 'prune'],
  healthCheck: true,
});

export const machines = {
  lifecycle: lifecycleMachine,
  gitRepository: gitRepositoryMachine,
  kustomization: kustomizationMachine,
} as const;

export type MachineName = keyof typeof machines;

export * from './events.js';
export * from './status.js';
export * from './lifecycle.js';
