/**
 * Memory per idle supervised actor (target <= 20 KiB, bookkeeping included) and message
 * throughput across 10,000 actors, on the simulator with the real supervisor and controllers.
 * Each idle actor is a GitRepository that has reconciled once and sits Healthy, waiting for its
 * interval; its object lives in the MemoryCluster (not counted separately: it is part of what
 * an actor costs here).
 */
import { ManualClock, settle } from '../../src/api/clock.js';
import { fluxCrds } from '../../src/api/crds.js';
import { MemoryCluster } from '../../src/cluster/memory/index.js';
import { createController } from '../../src/controllers/controller.js';
import { Supervisor } from '../../src/runtime/supervisor.js';
import { lifecycleMachine } from '../../machines/index.js';
import type { Benchmark, BenchFigure } from './types.js';

const N = 10_000;

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function until(done: () => boolean): Promise<void> {
  while (!done()) await settle(1);
}

const bench: Benchmark = {
  title: 'Actors: memory and message throughput',
  async run(): Promise<BenchFigure[]> {
    const clock = new ManualClock();
    const cluster = new MemoryCluster({ clock, crds: fluxCrds(), historyLimit: 1000 });
    await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
    let runs = 0;
    const registration = createController(
      {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'GitRepository',
        machine: lifecycleMachine,
        reportingController: 'source-controller',
        isSource: true,
        steps: {
          reconcile: async () => {
            runs++;
            return { revision: 'main@sha1:0000000000000000000000000000000000000000' };
          },
        },
      },
      { cluster, clock, random: () => 0.5 },
    );
    const supervisor = new Supervisor({ cluster, clock, registrations: [registration], random: () => 0.5 });
    supervisor.limiter.setLimit('GitRepository', 64);
    await supervisor.start();

    const started = performance.now();
    for (let i = 0; i < N; i++) {
      await cluster.create({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: `repo-${i}`, namespace: 'flux-system' }, spec: { url: `https://example.com/r${i}`, interval: '1h' } });
    }
    await until(() => (supervisor.stats().states.Healthy ?? 0) === N);
    const coldMs = performance.now() - started;
    await settle(20);
    gc();
    const withActors = process.memoryUsage().heapUsed;

    // Throughput: every Healthy actor gets `resume` events, which it handles (counts) without I/O.
    const rounds = 20;
    const refs = Array.from({ length: N }, (_, i) => ({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', name: `repo-${i}`, namespace: 'flux-system' }));
    const t0 = performance.now();
    let sent = 0;
    for (let r = 0; r < rounds; r++) {
      for (const ref of refs) {
        supervisor.send(ref, { type: 'resume' });
        sent++;
      }
    }
    const sendMs = performance.now() - t0;
    // What the actors cost: the heap they and the supervisor's bookkeeping hold, measured by
    // stopping them (the cluster and its objects stay) and comparing.
    await supervisor.stop();
    await settle(5);
    gc();
    const withoutActors = process.memoryUsage().heapUsed;
    const perActor = (withActors - withoutActors) / N / 1024;
    return [
      { name: `heap per idle supervised actor (${N} Healthy GitRepository actors, supervisor bookkeeping included)`, value: perActor, unit: 'KiB', target: '<= 20 KiB', note: (globalThis as { gc?: unknown }).gc ? 'measured after forced GC' : 'run with --expose-gc for an exact figure' },
      { name: `cold start of ${N} actors to Healthy (create, reconcile, status write)`, value: coldMs / 1000, unit: 's', note: `${runs} reconciles` },
      { name: `message throughput across ${N} actors (events handled without I/O)`, value: sent / (sendMs / 1000), unit: 'msg/s', note: `${sent} events in ${sendMs.toFixed(0)} ms` },
    ];
  },
};

export default bench;
