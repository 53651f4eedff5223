import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/api/clock.js';
import { ApiError } from '../../src/cluster/errors.js';
import { MemoryCluster } from '../../src/cluster/memory/index.js';
import type { Cluster } from '../../src/cluster/types.js';
import { LeaderElector } from '../../src/runtime/leader.js';

const leaseRef = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: 'flux-system', name: 'fluxion-leader-election' };

/** A replica: an elector whose every API call fails while it is partitioned (as if killed or cut off). */
function replica(cluster: Cluster, clock: ManualClock, identity: string) {
  const state = { partitioned: false, leading: false, starts: 0, stops: 0 };
  const guarded = new Proxy(cluster, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (state.partitioned) return Promise.reject(new Error(`${identity}: connection refused`));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  const elector = new LeaderElector({
    cluster: guarded,
    clock,
    namespace: 'flux-system',
    name: 'fluxion-leader-election',
    identity,
    onStartedLeading: () => {
      state.leading = true;
      state.starts++;
    },
    onStoppedLeading: () => {
      state.leading = false;
      state.stops++;
    },
  });
  return { elector, state, identity };
}

async function setup(n: number) {
  const clock = new ManualClock();
  const cluster = new MemoryCluster({ clock });
  await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
  const replicas = Array.from({ length: n }, (_, i) => replica(cluster, clock, `fluxion-${i}`));
  return { clock, cluster, replicas };
}

describe('LeaderElector', () => {
  it('the first candidate takes a missing Lease; a second one stands by', async () => {
    const { clock, cluster, replicas } = await setup(2);
    const [a, b] = replicas as [ReturnType<typeof replica>, ReturnType<typeof replica>];
    a.elector.start();
    await clock.advanceAsync(0);
    b.elector.start();
    await clock.advanceAsync(60_000);
    expect(a.state.leading).toBe(true);
    expect(b.state.leading).toBe(false);
    const lease = await cluster.get(leaseRef);
    expect(lease?.['spec']).toMatchObject({ holderIdentity: 'fluxion-0', leaseDurationSeconds: 35, leaseTransitions: 0 });
    expect((lease?.['spec'] as { renewTime: string }).renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  it('a standby takes over once the leader stops renewing, and the old leader has stepped down first', async () => {
    const { clock, cluster, replicas } = await setup(2);
    const [a, b] = replicas as [ReturnType<typeof replica>, ReturnType<typeof replica>];
    a.elector.start();
    await clock.advanceAsync(0);
    b.elector.start();
    await clock.advanceAsync(10_000);
    a.state.partitioned = true;
    const cutAt = clock.now();
    let aSteppedDownAt: number | undefined;
    let bLeadsAt: number | undefined;
    for (let t = 0; t < 60_000; t += 1_000) {
      await clock.advanceAsync(1_000);
      if (!a.state.leading && aSteppedDownAt === undefined) aSteppedDownAt = clock.now();
      if (b.state.leading && bLeadsAt === undefined) bLeadsAt = clock.now();
      expect(a.state.leading && b.state.leading).toBe(false);
    }
    expect(aSteppedDownAt! - cutAt).toBeLessThanOrEqual(30_000);
    expect(bLeadsAt! - cutAt).toBeGreaterThanOrEqual(30_000);
    expect(bLeadsAt! - cutAt).toBeLessThanOrEqual(45_000);
    expect((await cluster.get(leaseRef))?.['spec']).toMatchObject({ holderIdentity: 'fluxion-1', leaseTransitions: 1 });
  });

  it('a graceful stop releases the Lease so the standby takes over at its next retry', async () => {
    const { clock, cluster, replicas } = await setup(2);
    const [a, b] = replicas as [ReturnType<typeof replica>, ReturnType<typeof replica>];
    a.elector.start();
    await clock.advanceAsync(0);
    b.elector.start();
    await clock.advanceAsync(20_000);
    await a.elector.stop();
    expect(a.state).toMatchObject({ leading: false, stops: 1 });
    expect((await cluster.get(leaseRef))?.['spec']).toMatchObject({ holderIdentity: '' });
    await clock.advanceAsync(5_000);
    expect(b.state.leading).toBe(true);
  });

  it('two candidates racing for the same expired Lease: the API server lets one win (409 for the other)', async () => {
    const clock = new ManualClock();
    const cluster = new MemoryCluster({ clock });
    await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
    const a = replica(cluster, clock, 'a');
    const b = replica(cluster, clock, 'b');
    // Both start in the same tick: both see no Lease and try to create it.
    a.elector.start();
    b.elector.start();
    await clock.advanceAsync(1_000);
    expect([a.state.leading, b.state.leading].filter(Boolean)).toHaveLength(1);
  });

  it('a leader that cannot renew steps down after the renew deadline even if nobody takes over', async () => {
    const { clock, replicas } = await setup(1);
    const [a] = replicas as [ReturnType<typeof replica>];
    a.elector.start();
    await clock.advanceAsync(0);
    expect(a.state.leading).toBe(true);
    a.state.partitioned = true;
    await clock.advanceAsync(29_000);
    expect(a.state.leading).toBe(true);
    await clock.advanceAsync(6_000);
    expect(a.state.leading).toBe(false);
    a.state.partitioned = false;
    await clock.advanceAsync(5_000);
    expect(a.state).toMatchObject({ leading: true, starts: 2 });
  });

  it('property: never two leaders at once, and one leader again once the cluster is reachable', async () => {
    const action = fc.oneof(
      fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 40_000 }) }),
      fc.record({ kind: fc.constantFrom('partition' as const, 'heal' as const, 'stop' as const, 'start' as const), who: fc.integer({ min: 0, max: 2 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(action, { maxLength: 40 }), async (actions) => {
        const { clock, replicas } = await setup(3);
        for (const r of replicas) r.elector.start();
        await clock.advanceAsync(0);
        for (const a of actions) {
          if (a.kind === 'advance') {
            // Step in 1 s increments so the invariant is checked between every timer.
            for (let left = a.ms; left > 0; left -= 1_000) {
              await clock.advanceAsync(Math.min(1_000, left));
              expect(replicas.filter((r) => r.state.leading).length).toBeLessThanOrEqual(1);
            }
          } else {
            const r = replicas[a.who]!;
            if (a.kind === 'partition') r.state.partitioned = true;
            else if (a.kind === 'heal') r.state.partitioned = false;
            else if (a.kind === 'stop') await r.elector.stop();
            else r.elector.start();
            await clock.advanceAsync(0);
          }
          expect(replicas.filter((r) => r.state.leading).length).toBeLessThanOrEqual(1);
        }
        for (const r of replicas) {
          r.state.partitioned = false;
          r.elector.start();
        }
        for (let i = 0; i < 50; i++) await clock.advanceAsync(1_000);
        expect(replicas.filter((r) => r.state.leading)).toHaveLength(1);
        for (const r of replicas) await r.elector.stop();
      }),
      { numRuns: 100 },
    );
  });

  it('a leader whose start fails keeps the Lease and tries to start again at the next renewal', async () => {
    const clock = new ManualClock();
    const cluster = new MemoryCluster({ clock });
    await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
    let attempts = 0;
    const errors: unknown[] = [];
    const elector = new LeaderElector({
      cluster,
      clock,
      namespace: 'flux-system',
      name: 'fluxion-leader-election',
      identity: 'only',
      onStartedLeading: () => {
        if (++attempts < 3) throw new Error('engine did not start');
      },
      onStoppedLeading: () => undefined,
      onError: (err) => errors.push(err),
    });
    elector.start();
    await clock.advanceAsync(20_000);
    expect(attempts).toBe(3);
    expect(elector.isLeader).toBe(true);
    expect(errors.map((e) => (e as Error).message)).toEqual(['engine did not start', 'engine did not start']);
    await elector.stop();
  });

  it('a write conflict is not an error: the candidate just did not win', async () => {
    const clock = new ManualClock();
    const cluster = new MemoryCluster({ clock });
    await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
    const errors: unknown[] = [];
    const conflicting = new Proxy(cluster, {
      get(target, prop, receiver) {
        if (prop === 'create') return () => Promise.reject(new ApiError(409, 'AlreadyExists', 'leases.coordination.k8s.io "x" already exists'));
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
    let leading = false;
    const elector = new LeaderElector({
      cluster: conflicting,
      clock,
      namespace: 'flux-system',
      name: 'x',
      identity: 'me',
      onStartedLeading: () => void (leading = true),
      onStoppedLeading: () => void (leading = false),
      onError: (e) => errors.push(e),
    });
    elector.start();
    await clock.advanceAsync(0);
    expect(leading).toBe(false);
    expect(errors).toEqual([]);
    await elector.stop();
  });
});
