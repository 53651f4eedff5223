import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, settle } from '../../src/api/clock.js';
import type { Condition } from '../../src/api/conditions.js';
import { fluxCrds } from '../../src/api/crds.js';
import type { KubeObject } from '../../src/api/meta.js';
import { MemoryCluster } from '../../src/cluster/memory/index.js';
import type { Cluster, WatchEvent } from '../../src/cluster/types.js';
import { createManager } from '../../src/controllers/manager.js';
import type { Manager } from '../../src/controllers/manager.js';

/** One controller replica (its own state directory, as a pod has) whose API calls fail while it is cut off. */
function replica(cluster: Cluster, clock: ManualClock, dir: string, identity: string) {
  const state = { cutOff: false, lost: 0 };
  const guarded = new Proxy(cluster, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (state.cutOff) return Promise.reject(new Error(`${identity}: connection refused`));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  const manager = createManager({
    cluster: guarded,
    clock,
    namespace: 'flux-system',
    identity,
    stateDir: path.join(dir, `.state-${identity}`),
    healthPollMs: 500,
    randomSeed: () => 0.5,
    onLostLeadership: () => void state.lost++,
  });
  return { manager, state };
}

describe('controller manager: leader election around the engine', () => {
  let dir: string;
  let clock: ManualClock;
  let cluster: MemoryCluster;
  let replicas: { manager: Manager; state: { cutOff: boolean; lost: number } }[];
  const ks = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name: 'apps', namespace: 'flux-system' };
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', name: 'settings', namespace: 'apps' };

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'fluxion-manager-'));
    mkdirSync(path.join(dir, 'deploy'));
    writeFileSync(path.join(dir, 'deploy/ns.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n');
    writeFileSync(path.join(dir, 'deploy/cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: apps\ndata:\n  mode: managed\n');
    clock = new ManualClock();
    cluster = new MemoryCluster({ clock, crds: fluxCrds() });
    await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
    await cluster.create({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'local', namespace: 'flux-system' }, spec: { url: dir, interval: '1h', ignore: '.state-*/\n' } });
    await cluster.create({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'apps', namespace: 'flux-system' },
      spec: { interval: '1h', path: './deploy', prune: true, sourceRef: { kind: 'GitRepository', name: 'local' } },
    });
    replicas = [replica(cluster, clock, dir, 'fluxion-a'), replica(cluster, clock, dir, 'fluxion-b')];
  });

  afterEach(async () => {
    for (const r of replicas) {
      r.state.cutOff = false;
      await r.manager.stop();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  async function ready(): Promise<boolean> {
    const obj = await cluster.get(ks);
    return ((obj?.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
  }

  async function until(check: () => Promise<boolean> | boolean, stepMs = 500): Promise<void> {
    for (let i = 0; i < 400; i++) {
      for (let j = 0; j < 50; j++) {
        if (await check()) return;
        await settle(2);
      }
      await clock.advanceAsync(stepMs);
    }
    throw new Error('not reached');
  }

  it('only the leader reconciles; a standby takes over when the leader is cut off, without re-creating anything', async () => {
    const [a, b] = replicas as [(typeof replicas)[0], (typeof replicas)[0]];
    await a.manager.start();
    await clock.advanceAsync(0);
    await b.manager.start();
    await until(ready);
    expect(a.manager.isLeader()).toBe(true);
    expect(b.manager.isLeader()).toBe(false);
    expect(b.manager.engine()).toBeUndefined();
    expect(a.manager.isReady() && b.manager.isReady()).toBe(true);

    const before = (await cluster.get(cm)) as KubeObject;
    const writes: WatchEvent[] = [];
    const watch = await cluster.watch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'apps', resourceVersion: (await cluster.list({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'apps' })).resourceVersion }, (e) => writes.push(e));

    a.state.cutOff = true;
    await until(() => b.manager.isLeader(), 1_000);
    expect(a.manager.isLeader()).toBe(false);
    expect(a.manager.engine()).toBeUndefined();
    expect(a.state.lost).toBe(1);
    expect(a.manager.isReady()).toBe(false);

    // The new leader reconciles from the cluster's state: Ready again, nothing re-created or rewritten.
    await cluster.patch(ks, { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': 'after-failover' } } }, 'merge');
    await until(async () => (((await cluster.get(ks))?.status as { lastHandledReconcileAt?: string } | undefined)?.lastHandledReconcileAt ?? '') === 'after-failover' && (await ready()));
    const after = (await cluster.get(cm)) as KubeObject;
    expect(after.metadata.uid).toBe(before.metadata.uid);
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(writes).toEqual([]);
    watch.stop();
    const lease = await cluster.get({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', name: 'fluxion-leader-election', namespace: 'flux-system' });
    expect(lease?.['spec']).toMatchObject({ holderIdentity: 'fluxion-b', leaseTransitions: 1 });
  });

  it('a graceful stop hands over at the standby’s next retry', async () => {
    const [a, b] = replicas as [(typeof replicas)[0], (typeof replicas)[0]];
    await a.manager.start();
    await clock.advanceAsync(0);
    await b.manager.start();
    await until(ready);
    await a.manager.stop();
    expect(a.state.lost).toBe(0);
    await clock.advanceAsync(5_000);
    expect(b.manager.isLeader()).toBe(true);
  });

  it('a restarted single replica resumes from the inventory in the cluster (prune still works, nothing orphaned)', async () => {
    const [a] = replicas as [(typeof replicas)[0]];
    await a.manager.start();
    await until(ready);
    await a.manager.stop();
    // The file is removed while no controller runs; the next leader prunes it from the stored inventory.
    rmSync(path.join(dir, 'deploy/cm.yaml'));
    const again = replica(cluster, clock, dir, 'fluxion-c');
    replicas.push(again);
    await again.manager.start();
    await until(async () => (await cluster.get(cm)) === undefined);
    await until(ready);
  });

  it('without leader election the engine runs at once', async () => {
    const manager = createManager({ cluster, clock, namespace: 'flux-system', leaderElection: false, stateDir: path.join(dir, '.state-solo') });
    replicas.push({ manager, state: { cutOff: false, lost: 0 } });
    await manager.start();
    expect(manager.isLeader()).toBe(true);
    await until(ready);
    expect(await cluster.get({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', name: 'fluxion-leader-election', namespace: 'flux-system' })).toBeUndefined();
  });
});
