/** Every machine fluxion runs, by name. Charts in docs/ are generated from this list. */
import { createLifecycleMachine } from './lifecycle.js';

/** The shared lifecycle with a single `reconcile` step (kinds without their own pipeline yet). */
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

/** OCIRepository: resolve the reference to a digest with one HEAD; pull and store only when it moved. */
export const ociRepositoryMachine = createLifecycleMachine({
  id: 'ociRepository',
  description: 'OCIRepository: resolve the tag or semver range to a digest, pull the layer only when it moved, store the artifact, tell referrers.',
  steps: ['checkRemote', 'pull', 'storeArtifact'],
  shortCircuit: ['checkRemote'],
});

/** Bucket: list the objects into a key → ETag index; download and store only when its digest moved. */
export const bucketMachine = createLifecycleMachine({
  id: 'bucket',
  description: 'Bucket: list the objects and digest their ETags, download them only when the digest moved, store the artifact, tell referrers.',
  steps: ['listObjects', 'download', 'storeArtifact'],
  shortCircuit: ['listObjects'],
});

/** HelmRepository: fetch index.yaml; store it only when its digest moved. */
export const helmRepositoryMachine = createLifecycleMachine({
  id: 'helmRepository',
  description: 'HelmRepository: fetch the index, store it when its digest changed, tell referrers.',
  steps: ['fetchIndex', 'storeArtifact'],
  shortCircuit: ['fetchIndex'],
});

/** HelmChart: resolve and pull (or package) the chart; store it when the result would differ. */
export const helmChartMachine = createLifecycleMachine({
  id: 'helmChart',
  description: 'HelmChart: resolve the version from the source, pull or package the chart, store it, tell referrers.',
  steps: ['fetchChart', 'storeArtifact'],
  shortCircuit: ['fetchChart'],
});

/**
 * ArtifactGenerator (source-watcher): read the sources' artifacts; when neither they, the spec
 * nor the generated ExternalArtifacts moved, stop there. Otherwise build one artifact per entry
 * and write the ExternalArtifacts (telling only the consumers of those whose revision moved),
 * removing those no longer listed.
 */
export const artifactGeneratorMachine = createLifecycleMachine({
  id: 'artifactGenerator',
  description: 'ArtifactGenerator: observe the sources, build the artifacts when anything moved, write the ExternalArtifacts, tell their consumers.',
  steps: ['observeSources', 'buildArtifacts', 'applyArtifacts'],
  shortCircuit: ['observeSources'],
});

/** Kustomization: dependencies, artifact, build, staged apply, prune, then health checks. */
export const kustomizationMachine = createLifecycleMachine({
  id: 'kustomization',
  description: 'Kustomization: wait for dependencies, fetch the artifact, build, apply in stages, prune, check health.',
  steps: ['checkDependencies', 'fetchArtifact', 'build', 'applyStaged', 'prune'],
  healthCheck: true,
});

/**
 * HelmRelease: dependencies, the chart, then helm-controller's decision loop. `determine` reads
 * the release as Helm stored it and names the next action — install when absent, upgrade when
 * out of sync, correctDrift when the cluster drifted, test when tests are due, rollback or
 * uninstall to remediate a failure (counting retries), unlock a release left pending by a crash —
 * until the release is in sync.
 */
export const helmReleaseMachine = createLifecycleMachine({
  id: 'helmRelease',
  description: 'HelmRelease: wait for dependencies, load the chart, then install/upgrade/test/remediate until the release is in sync.',
  steps: ['checkDependencies', 'loadChart'],
  decision: { step: 'determine', actions: ['install', 'upgrade', 'correctDrift', 'test', 'rollback', 'uninstall', 'unlock'] },
});

/** ImageRepository: list the registry's tags, drop the excluded ones, record the scan; a new tag set tells the policies. */
export const imageRepositoryMachine = createLifecycleMachine({
  id: 'imageRepository',
  description: "ImageRepository: scan the registry's tags, drop excluded ones, record the result, tell the ImagePolicies when the tag set moved.",
  steps: ['scan'],
});

/** ImagePolicy: read the scanned tags, filter them, let the policy pick the latest; resolve its digest if asked. */
export const imagePolicyMachine = createLifecycleMachine({
  id: 'imagePolicy',
  description: 'ImagePolicy: read the tags of its ImageRepository, filter and order them by the policy, resolve the digest when asked.',
  steps: ['selectTag'],
});

export const machines = {
  lifecycle: lifecycleMachine,
  gitRepository: gitRepositoryMachine,
  ociRepository: ociRepositoryMachine,
  bucket: bucketMachine,
  helmRepository: helmRepositoryMachine,
  helmChart: helmChartMachine,
  artifactGenerator: artifactGeneratorMachine,
  kustomization: kustomizationMachine,
  helmRelease: helmReleaseMachine,
  imageRepository: imageRepositoryMachine,
  imagePolicy: imagePolicyMachine,
} as const;

export type MachineName = keyof typeof machines;

export * from './events.js';
export * from './status.js';
export * from './lifecycle.js';
