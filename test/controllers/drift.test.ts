import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, settle } from '../../src/api/clock.js';
import type { Condition } from '../../src/api/conditions.js';
import { createSimulator } from '../../src/sim/simulator.js';
import type { Simulator } from '../../src/sim/simulator.js';

describe('drift detection by watching applied objects', () => {
  let dir: string;
  let clock: ManualClock;
  let sim: Simulator;
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', name: 'settings', namespace: 'apps' };
  const deploy = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'apps' };

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'fluxion-drift-'));
    mkdirSync(path.join(dir, 'deploy'));
    writeFileSync(path.join(dir, 'deploy/ns.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n');
    writeFileSync(path.join(dir, 'deploy/cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: apps\ndata:\n  mode: managed\n');
    writeFileSync(
      path.join(dir, 'deploy/web.yaml'),
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: apps\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers: [{name: web, image: nginx}]\n',
    );
    clock = new ManualClock();
    sim = createSimulator({ clock, rolloutDelayMs: 1_000, healthPollMs: 500, stateDir: path.join(dir, '.state'), randomSeed: () => 0.5 });
    await sim.start();
    await sim.cluster.create({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'local', namespace: 'flux-system' }, spec: { url: dir, interval: '1h', ignore: '.state/\n' } });
    await sim.cluster.create({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'apps', namespace: 'flux-system' },
      spec: { interval: '1h', path: './deploy', prune: true, sourceRef: { kind: 'GitRepository', name: 'local' } },
    });
    await until(async () => ready());
  });

  afterEach(async () => {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function ready(): Promise<boolean> {
    const ks = await sim.cluster.get({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name: 'apps', namespace: 'flux-system' });
    return ((ks?.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
  }
  /** Real I/O settles; the clock never passes an interval (1h) in these tests. */
  async function until(check: () => Promise<boolean>): Promise<void> {
    for (let i = 0; i < 200; i++) {
      for (let j = 0; j < 100; j++) {
        if (await check()) return;
        await settle(2);
      }
      await clock.advanceAsync(500);
    }
    throw new Error('not reached');
  }

  it('reverts a change made by another field manager without waiting for the interval', async () => {
    await sim.cluster.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'apps' }, data: { mode: 'hand-edited' } }, { fieldManager: 'kubectl', force: true });
    await until(async () => ((await sim.cluster.get(cm))?.data as { mode: string }).mode === 'managed');
    expect(clock.now() - Date.parse('2026-01-01T00:00:00Z')).toBeLessThan(3_600_000);
  });

  it('recreates an applied object that was deleted', async () => {
    await sim.cluster.delete(cm);
    await until(async () => (await sim.cluster.get(cm)) !== undefined);
  });

  it('does not react to its own writes or to status changes (no reconcile loop)', async () => {
    const readyAt = async (): Promise<string | undefined> =>
      (((await sim.cluster.get({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name: 'apps', namespace: 'flux-system' }))?.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).find((c) => c.type === 'Ready')
        ?.lastTransitionTime;
    const transition = await readyAt();
    const before = (await sim.cluster.get(deploy))?.metadata.resourceVersion;
    const eventsBefore = (await sim.cluster.list({ apiVersion: 'v1', kind: 'Event', namespace: 'flux-system' })).items;
    // Rollout status updates arrive; nothing fluxion applies changes.
    for (let i = 0; i < 10; i++) {
      await clock.advanceAsync(1_000);
      await settle(20);
    }
    const after = await sim.cluster.get(deploy);
    expect((after?.spec as { replicas: number }).replicas).toBe(2);
    const events = (await sim.cluster.list({ apiVersion: 'v1', kind: 'Event', namespace: 'flux-system' })).items;
    // No new reconcile outcome: the events of the first run are all there is.
    expect(events).toEqual(eventsBefore);
    expect(events.filter((e) => e.type === 'Warning')).toEqual([]);
    expect(Number(after?.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(before));
    expect(sim.supervisor.stats().states).toEqual({ Healthy: 2 });
    // Every run flips Ready to Unknown and back: an unchanged transition time means no run happened.
    expect(await readyAt()).toBe(transition);
  });
});
