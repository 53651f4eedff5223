/**
 * A stand-in for Flux's controllers in CLI tests: it answers `reconcile.fluxcd.io/requestedAt`
 * and new generations the way they do — `lastHandledReconcileAt`, `observedGeneration` and a
 * Ready condition — succeeding, failing, or staying silent per object name.
 */
import type { KubeObject } from '../../src/api/meta.js';
import type { MemoryCluster } from '../../src/cluster/memory/index.js';
import type { Watch } from '../../src/cluster/types.js';

export type Behaviour = { ready: true; revision: string } | { ready: false; reason: string; message: string } | 'silent';

const KINDS: [string, string][] = [
  ['source.toolkit.fluxcd.io/v1', 'GitRepository'],
  ['source.toolkit.fluxcd.io/v1', 'OCIRepository'],
  ['source.toolkit.fluxcd.io/v1', 'HelmRepository'],
  ['source.toolkit.fluxcd.io/v1', 'HelmChart'],
  ['source.toolkit.fluxcd.io/v1', 'Bucket'],
  ['notification.toolkit.fluxcd.io/v1', 'Receiver'],
  ['kustomize.toolkit.fluxcd.io/v1', 'Kustomization'],
  ['helm.toolkit.fluxcd.io/v2', 'HelmRelease'],
];

const SUCCESS: Record<string, [string, (rev: string) => string]> = {
  GitRepository: ['Succeeded', (r) => `stored artifact for revision '${r}'`],
  OCIRepository: ['Succeeded', (r) => `stored artifact for digest '${r}'`],
  HelmRepository: ['Succeeded', (r) => `stored artifact: revision '${r}'`],
  HelmChart: ['ChartPullSucceeded', (r) => `pulled chart with version '${r}'`],
  Bucket: ['Succeeded', (r) => `stored artifact for revision '${r}'`],
  // A Receiver's "revision" is the webhook path the controller generates.
  Receiver: ['Succeeded', (r) => `Receiver initialized for path: ${r}`],
  Kustomization: ['ReconciliationSucceeded', (r) => `Applied revision: ${r}`],
  HelmRelease: ['UpgradeSucceeded', (r) => `Helm upgrade succeeded for release with chart ${r}`],
};

export async function startFakeController(cluster: MemoryCluster, behaviour: (obj: KubeObject) => Behaviour): Promise<{ stop(): void }> {
  const watches: Watch[] = [];
  const handle = async (obj: KubeObject): Promise<void> => {
    const b = behaviour(obj);
    if (b === 'silent' || (obj.spec as { suspend?: boolean } | undefined)?.suspend) return;
    const status = (obj.status ?? {}) as Record<string, unknown>;
    const requested = obj.metadata.annotations?.['reconcile.fluxcd.io/requestedAt'];
    if (status.observedGeneration === obj.metadata.generation && (!requested || status.lastHandledReconcileAt === requested)) return;
    const gen = obj.metadata.generation;
    const [reason, message] = SUCCESS[obj.kind]!;
    const ready = b.ready ? { type: 'Ready', status: 'True', reason, message: message(b.revision) } : { type: 'Ready', status: 'False', reason: b.reason, message: b.message };
    const next: Record<string, unknown> = {
      ...status,
      observedGeneration: gen,
      ...(requested ? { lastHandledReconcileAt: requested } : {}),
      conditions: [{ ...ready, lastTransitionTime: '2026-11-01T10:00:00Z', observedGeneration: gen }],
    };
    if (b.ready && obj.kind === 'Receiver') next.webhookPath = b.revision;
    if (b.ready && (obj.kind.endsWith('Repository') || obj.kind === 'HelmChart' || obj.kind === 'Bucket')) next.artifact = { path: 'x', url: 'x', revision: b.revision, digest: 'sha256:00', lastUpdateTime: '2026-11-01T10:00:00Z', size: 1 };
    if (b.ready && obj.kind === 'Kustomization') next.lastAppliedRevision = b.revision;
    if (b.ready && obj.kind === 'HelmRelease') next.history = [{ chartName: 'redis', chartVersion: b.revision, name: obj.metadata.name, namespace: obj.metadata.namespace, version: 2, status: 'deployed' }];
    try {
      await cluster.updateStatus({ ...obj, status: next });
    } catch {
      // A newer version arrived meanwhile: its own event brings us back.
    }
  };
  for (const [apiVersion, kind] of KINDS) {
    watches.push(await cluster.watch({ apiVersion, kind }, (e) => void (e.type === 'ADDED' || e.type === 'MODIFIED' ? handle(e.object) : undefined)));
  }
  return { stop: () => watches.forEach((w) => w.stop()) };
}
