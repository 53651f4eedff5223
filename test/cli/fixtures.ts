/** A known Flux state for the CLI golden tests: sources, Kustomizations, a HelmRelease, events. */
import { gzipSync } from 'node:zlib';
import type { KubeObject } from '../../src/api/meta.js';
import type { CliHarness } from './harness.js';
import { cond } from './harness.js';

export const SHA = '696f056df216eea4f9401adbee0ff744d4df390f';
export const INDEX_DIGEST = 'sha256:1b4a8c0f0e0d3f8b9a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a';

const git = (name: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  kind: 'GitRepository',
  metadata: { name, namespace: 'flux-system' },
  spec: { interval: '1m', ref: { branch: 'main' }, ...spec },
});

const ks = (name: string, spec: Record<string, unknown>, namespace = 'flux-system'): KubeObject => ({
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  metadata: { name, namespace },
  spec: { interval: '10m', path: `./${name}`, prune: true, sourceRef: { kind: 'GitRepository', name: 'podinfo' }, ...spec },
});

/** Seeds the cluster behind `h` with the known state. */
export async function seedFluxState(h: CliHarness): Promise<void> {
  const { cluster } = h;
  for (const ns of ['apps', 'infra']) await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  await h.seed(git('podinfo', { url: 'https://github.com/stefanprodan/podinfo' }), {
    conditions: [cond('Ready', 'True', 'Succeeded', `stored artifact for revision 'main@sha1:${SHA}'`)],
    artifact: { path: `gitrepository/flux-system/podinfo/${SHA}.tar.gz`, url: 'http://x', revision: `main@sha1:${SHA}`, digest: 'sha256:00', lastUpdateTime: '2026-11-01T10:00:00Z', size: 1536 },
  });
  await h.seed(git('broken', { url: 'https://example.invalid/repo', ref: { tag: 'v1.0.0' } }), {
    conditions: [cond('Ready', 'False', 'GitOperationFailed', "failed to checkout and determine revision: unable to clone 'https://example.invalid/repo'")],
  });
  await h.seed(
    { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', metadata: { name: 'bitnami', namespace: 'flux-system' }, spec: { url: 'https://charts.bitnami.com/bitnami', interval: '1h' } },
    {
      conditions: [cond('Ready', 'True', 'Succeeded', `stored artifact: revision '${INDEX_DIGEST}'`)],
      artifact: { path: 'helmrepository/flux-system/bitnami/index.yaml', url: 'http://x', revision: INDEX_DIGEST, digest: INDEX_DIGEST, lastUpdateTime: '2026-11-01T10:00:00Z', size: 2_621_440 },
    },
  );
  await h.seed(ks('apps', { targetNamespace: 'apps' }), {
    conditions: [cond('Ready', 'True', 'ReconciliationSucceeded', `Applied revision: main@sha1:${SHA}`)],
    lastAppliedRevision: `main@sha1:${SHA}`,
    lastAttemptedRevision: `main@sha1:${SHA}`,
    inventory: {
      entries: [
        { id: '_apps__Namespace', v: 'v1' },
        { id: 'apps_web_apps_Deployment', v: 'v1' },
        { id: 'flux-system_infra_kustomize.toolkit.fluxcd.io_Kustomization', v: 'v1' },
        { id: 'flux-system_redis_helm.toolkit.fluxcd.io_HelmRelease', v: 'v2' },
      ],
    },
  });
  await h.seed(ks('infra', { suspend: true }), {
    conditions: [cond('Ready', 'False', 'BuildFailed', "kustomize build failed: accumulating resources: 'infra/missing.yaml' not found")],
    lastAttemptedRevision: `main@sha1:${SHA}`,
    inventory: { entries: [{ id: 'infra_settings__ConfigMap', v: 'v1' }, { id: '_infra-admin_rbac.authorization.k8s.io_ClusterRole', v: 'v1' }] },
  });
  await h.seed(
    {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'redis', namespace: 'flux-system' },
      spec: { interval: '5m', targetNamespace: 'apps', chart: { spec: { chart: 'redis', version: '18.x', sourceRef: { kind: 'HelmRepository', name: 'bitnami' } } } },
    },
    {
      conditions: [cond('Ready', 'True', 'InstallSucceeded', 'Helm install succeeded for release apps/redis.v1 with chart redis@18.1.0')],
      history: [{ chartName: 'redis', chartVersion: '18.1.0', name: 'redis', namespace: 'apps', version: 1, status: 'deployed', digest: 'sha256:aa', configDigest: 'sha256:bb', firstDeployed: '2026-11-01T10:00:00Z', lastDeployed: '2026-11-01T10:00:00Z' }],
      lastAttemptedRevision: '18.1.0',
      helmChart: 'flux-system/flux-system-redis',
      storageNamespace: 'apps',
    },
  );
  await h.seed(
    { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmChart', metadata: { name: 'flux-system-redis', namespace: 'flux-system' }, spec: { chart: 'redis', version: '18.x', interval: '5m', sourceRef: { kind: 'HelmRepository', name: 'bitnami' } } },
    {
      conditions: [cond('Ready', 'True', 'ChartPullSucceeded', "pulled 'redis' chart with version '18.1.0'")],
      artifact: { path: 'helmchart/flux-system/flux-system-redis/redis-18.1.0.tgz', url: 'http://x', revision: '18.1.0', digest: 'sha256:cc', lastUpdateTime: '2026-11-01T10:00:00Z', size: 512 },
    },
  );
  await cluster.create({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'apps', labels: { 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' } },
    spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
  });
  // Helm's storage: data.release is base64(gzip(release JSON)), base64-encoded again as Secret data.
  const manifest = '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: redis-config\n---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: redis-master\n  namespace: apps\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: redis-reader\n';
  const release = gzipSync(Buffer.from(JSON.stringify({ name: 'redis', namespace: 'apps', version: 1, manifest }))).toString('base64');
  await cluster.create({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'sh.helm.release.v1.redis.v1', namespace: 'apps', labels: { name: 'redis', owner: 'helm', status: 'deployed', version: '1' } },
    type: 'helm.sh/release.v1',
    data: { release: Buffer.from(release).toString('base64') },
  });
  await cluster.create({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'redis-config', namespace: 'apps', labels: { 'helm.toolkit.fluxcd.io/name': 'redis', 'helm.toolkit.fluxcd.io/namespace': 'flux-system' } },
    data: { maxmemory: '64mb' },
  });
  await cluster.recordEvent({ involvedObject: { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name: 'apps', namespace: 'flux-system' }, type: 'Normal', reason: 'ReconciliationSucceeded', message: 'Reconciliation finished in 1.2s, next run in 10m0s', reportingController: 'kustomize-controller' });
  await cluster.recordEvent({ involvedObject: { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', name: 'broken', namespace: 'flux-system' }, type: 'Warning', reason: 'GitOperationFailed', message: "failed to checkout and determine revision: unable to clone 'https://example.invalid/repo'", reportingController: 'source-controller' });
  await cluster.recordEvent({ involvedObject: { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', name: 'podinfo', namespace: 'flux-system' }, type: 'Normal', reason: 'NewArtifact', message: `stored artifact for commit 'Merge pull request #1'`, reportingController: 'source-controller' });
  await cluster.recordEvent({ involvedObject: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'apps' }, type: 'Normal', reason: 'ScalingReplicaSet', message: 'Scaled up replica set web-1 to 1', reportingController: 'deployment-controller' });
}
