/**
 * MemoryCluster throughput: server-side apply of 10,000 small ConfigMaps spread over 10
 * namespaces (each apply computes managed fields and merges), then a no-op re-apply of the same
 * objects (the path fluxion's "nothing changed" detection measures against), then a list of one
 * namespace (must not scan the others). Simulated controllers are off: ConfigMaps have none.
 */
import { ManualClock } from '../../src/api/clock.js';
import type { KubeObject } from '../../src/api/meta.js';
import { MemoryCluster } from '../../src/cluster/memory/index.js';
import type { Benchmark, BenchFigure } from './types.js';

const N = 10_000;
const NAMESPACES = 10;

function configMap(i: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `cm-${i}`, namespace: `ns-${i % NAMESPACES}`, labels: { app: `app-${i % 50}` } },
    data: { index: String(i), greeting: 'hello', mode: i % 2 ? 'odd' : 'even' },
  };
}

const bench: Benchmark = {
  title: 'MemoryCluster: server-side apply throughput',
  async run(): Promise<BenchFigure[]> {
    const cluster = new MemoryCluster({ clock: new ManualClock(), simulateControllers: false });
    for (let n = 0; n < NAMESPACES; n++) await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `ns-${n}` } });
    const objects = Array.from({ length: N }, (_, i) => configMap(i));

    let t0 = performance.now();
    for (const o of objects) await cluster.apply(o, { fieldManager: 'bench' });
    const createMs = performance.now() - t0;

    const before = (await cluster.list({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns-0' })).resourceVersion;
    t0 = performance.now();
    for (const o of objects) await cluster.apply(o, { fieldManager: 'bench' });
    const noopMs = performance.now() - t0;
    const after = (await cluster.list({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns-0' })).resourceVersion;
    if (before !== after) throw new Error(`no-op re-apply bumped resourceVersion ${before} -> ${after}`);

    const LISTS = 200;
    t0 = performance.now();
    for (let i = 0; i < LISTS; i++) await cluster.list({ apiVersion: 'v1', kind: 'ConfigMap', namespace: `ns-${i % NAMESPACES}`, labelSelector: 'app=app-3' });
    const listMs = (performance.now() - t0) / LISTS;

    return [
      { name: `apply (create) of ${N} small ConfigMaps`, value: (N / createMs) * 1000, unit: 'obj/s', note: `${createMs.toFixed(0)} ms total` },
      { name: `no-op re-apply of the same ${N} objects`, value: (N / noopMs) * 1000, unit: 'obj/s', note: `${noopMs.toFixed(0)} ms total; resourceVersion unchanged` },
      { name: `list one namespace with a label selector (${N / NAMESPACES} objects in it)`, value: listMs, unit: 'ms', note: `mean of ${LISTS} lists` },
    ];
  },
};

export default bench;
