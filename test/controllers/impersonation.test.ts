/**
 * spec.serviceAccountName: the engine, on the client-node backend against the served simulator,
 * applies a Kustomization's objects as the named service account — the API server's audit log
 * shows the impersonated user on every write, and the controller's own user elsewhere.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, settle } from '../../src/api/clock.js';
import { fluxCrds } from '../../src/api/crds.js';
import { connectCluster } from '../../src/cli/connect.js';
import { serveCluster } from '../../src/cluster/http/index.js';
import type { AuditEntry, ServedCluster } from '../../src/cluster/http/index.js';
import { MemoryCluster } from '../../src/cluster/memory/index.js';
import { createEngine } from '../../src/controllers/engine.js';
import type { Engine } from '../../src/controllers/engine.js';
import { startGitServer } from '../../src/sources/git/serve.js';
import type { GitServer } from '../../src/sources/git/serve.js';
import { makeRepo } from '../helpers/git.js';
import type { TestRepo } from '../helpers/git.js';

describe('serviceAccountName impersonation through the Kubernetes API', () => {
  let tmp: string;
  let memory: MemoryCluster;
  let served: ServedCluster;
  let audit: AuditEntry[];
  let repo: TestRepo;
  let git: GitServer;
  let engine: Engine;
  const clock = new ManualClock();

  beforeEach(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'fluxion-sa-'));
    memory = new MemoryCluster({ crds: fluxCrds() });
    for (const ns of ['flux-system', 'apps']) await memory.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    audit = [];
    served = await serveCluster(memory, {
      port: 0,
      audit: (e) => audit.push(e),
      // RBAC for one service account: it may not write ConfigMaps.
      authorize: (r) => (r.user === 'system:serviceaccount:apps:restricted' && r.resource === 'configmaps' && !['get', 'list', 'watch'].includes(r.verb) ? '' : undefined),
    });
    await served.writeKubeconfig(path.join(tmp, 'kubeconfig'));
    repo = makeRepo('app');
    repo.commit({ 'deploy/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: apps\ndata:\n  a: "1"\n' });
    git = await startGitServer({ root: repo.root });
    const cluster = await connectCluster({ kubeconfig: path.join(tmp, 'kubeconfig'), env: {}, qps: 0 });
    engine = createEngine({ cluster, clock, stateDir: path.join(tmp, 'state'), randomSeed: () => 0.5 });
    await engine.start();
  });

  afterEach(async () => {
    await engine.stop();
    await served.close();
    await git.close();
    repo.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  const ks = (name: string, sa: string) => ({
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name, namespace: 'apps' },
    spec: { interval: '1h', path: './deploy', prune: true, serviceAccountName: sa, sourceRef: { kind: 'GitRepository', name: 'app' } },
  });
  const readyOf = async (name: string) =>
    ((await memory.get({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name, namespace: 'apps' }))?.status as { conditions?: { type: string; status: string; reason: string; message: string }[] } | undefined)?.conditions?.find((c) => c.type === 'Ready');

  it('reports what RBAC forbids the service account, naming the verb and the resource', async () => {
    await memory.create({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'app', namespace: 'apps' }, spec: { url: git.url('app.git'), interval: '1h', ref: { branch: 'main' } } });
    await memory.create(ks('limited', 'restricted'));
    for (let i = 0; i < 20_000 && !(await readyOf('limited'))?.message.includes('forbidden'); i++) await settle(2);
    const ready = await readyOf('limited');
    expect(ready).toMatchObject({ status: 'False', reason: 'ReconciliationFailed' });
    expect(ready?.message).toContain('configmaps "settings" is forbidden: User "system:serviceaccount:apps:restricted" cannot patch resource "configmaps" in API group "" in the namespace "apps"');
    expect(await memory.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'settings', namespace: 'apps' })).toBeUndefined();
  });

  it('writes the objects as system:serviceaccount:<ns>:<name>', async () => {
    await memory.create({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'app', namespace: 'apps' }, spec: { url: git.url('app.git'), interval: '1h', ref: { branch: 'main' } } });
    await memory.create({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'app', namespace: 'apps' },
      spec: { interval: '1h', path: './deploy', prune: true, serviceAccountName: 'deployer', sourceRef: { kind: 'GitRepository', name: 'app' } },
    });
    const ready = async () =>
      ((await memory.get({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name: 'app', namespace: 'apps' }))?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
    for (let i = 0; i < 20_000 && !(await ready()); i++) await settle(2);
    expect(await ready()).toBe(true);
    const writes = audit.filter((e) => e.path.includes('/configmaps/settings') && e.method === 'PATCH');
    expect(writes.length).toBeGreaterThan(0);
    expect(new Set(writes.map((e) => e.user))).toEqual(new Set(['system:serviceaccount:apps:deployer']));
    // The controller's own bookkeeping (status of the Kustomization) is not impersonated.
    const statusWrites = audit.filter((e) => e.path.endsWith('/kustomizations/app/status'));
    expect(statusWrites.length).toBeGreaterThan(0);
    expect(statusWrites.every((e) => e.user === 'fluxion')).toBe(true);
  });
});
