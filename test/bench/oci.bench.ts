/**
 * flux-benchmark's own shape, which ships its apps as OCI artifacts: N apps of 4 objects
 * (Deployment at 0 replicas, ServiceAccount, Service, Ingress), each pushed to its own repository
 * of a registry on 127.0.0.1, each with an OCIRepository and a Kustomization (`wait: true`).
 * Flux needs 1m25s for 1,000 OCIRepositories and 4m16s for 1,000 Kustomizations on a kind
 * cluster (flux-benchmark RESULTS.md). Also: a re-check of every OCIRepository when nothing
 * moved (one HEAD each, no pulls), and one app's new push to its Kustomization applied.
 *
 * The registry runs in the same process (test/helpers/oci-registry.ts), so its work is counted
 * in fluxion's time.
 */
import { settle } from '../../src/api/clock.js';
import type { Condition } from '../../src/api/conditions.js';
import type { KubeObject } from '../../src/api/meta.js';
import { createSimulator } from '../../src/sim/simulator.js';
import { pushArtifact } from '../../src/sources/oci/push.js';
import { RegistryClient, parseOciUrl } from '../../src/sources/oci/registry.js';
import { startOciRegistry } from '../helpers/oci-registry.js';
import type { Benchmark, BenchFigure } from './types.js';

function app(n: string, round = 0): { path: string; content: Buffer }[] {
  const files: Record<string, string> = {
    'deployment.yaml': `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${n}\n  namespace: apps\nspec:\n  replicas: 0\n  selector:\n    matchLabels: {app: ${n}}\n  template:\n    metadata:\n      labels: {app: ${n}}\n    spec:\n      serviceAccountName: ${n}\n      containers:\n        - name: app\n          image: ghcr.io/stefanprodan/podinfo:6.7.0\n          ports: [{containerPort: 9898, name: http}]\n`,
    'serviceaccount.yaml': `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${n}\n  namespace: apps\n  labels:\n    round: "${round}"\n`,
    'service.yaml': `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${n}\n  namespace: apps\nspec:\n  selector: {app: ${n}}\n  ports: [{port: 80, targetPort: http, name: http}]\n`,
    'ingress.yaml': `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: ${n}\n  namespace: apps\nspec:\n  rules:\n    - host: ${n}.example.com\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service: {name: ${n}, port: {number: 80}}\n`,
  };
  return Object.entries(files).map(([p, c]) => ({ path: p, content: Buffer.from(c) }));
}

const isReady = (o: KubeObject): boolean => ((o.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

async function run(n: number, concurrency: number): Promise<BenchFigure[]> {
  const registry = await startOciRegistry();
  const clientFor = (i: number) => new RegistryClient(parseOciUrl(`oci://${registry.host}/apps/app-${i}`, { plainHttp: true }));
  for (let i = 0; i < n; i++) await pushArtifact(clientFor(i), 'latest', app(`app-${i}`), { source: 'https://github.com/fluxcd/flux-benchmark', revision: 'main@sha1:0000000000000000000000000000000000000000' });
  const sim = createSimulator({ rolloutDelayMs: 50, healthPollMs: 100, concurrency });
  await sim.start();
  const cluster = sim.cluster;
  try {
    await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
    // Readiness is counted by watches: listing 2,000 objects in a loop would load the event loop being measured.
    const readySources = new Set<string>();
    const readyKs = new Set<string>();
    let sourcesAt: number | undefined;
    let ksAt: number | undefined;
    const track = (kind: string, apiVersion: string, set: Set<string>, done: () => void) =>
      cluster.watch({ apiVersion, kind, namespace: 'flux-system' }, (e) => {
        if (isReady(e.object)) set.add(e.object.metadata.name);
        if (set.size >= n) done();
      });
    const w1 = await track('OCIRepository', 'source.toolkit.fluxcd.io/v1', readySources, () => (sourcesAt ??= performance.now()));
    const w2 = await track('Kustomization', 'kustomize.toolkit.fluxcd.io/v1', readyKs, () => (ksAt ??= performance.now()));
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      await cluster.create({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository', metadata: { name: `app-${i}`, namespace: 'flux-system' }, spec: { url: `oci://${registry.host}/apps/app-${i}`, insecure: true, interval: '1h', ref: { tag: 'latest' } } });
      await cluster.create({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: `app-${i}`, namespace: 'flux-system' }, spec: { interval: '1h', path: './', prune: true, wait: true, timeout: '5m', sourceRef: { kind: 'OCIRepository', name: `app-${i}` } } });
    }
    for (let lastReport = performance.now(); ksAt === undefined; ) {
      await new Promise((r) => setTimeout(r, 20));
      if (performance.now() - lastReport > 1000) {
        process.stderr.write(`  ${readySources.size}/${n} OCIRepositories, ${readyKs.size}/${n} Kustomizations Ready after ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
        lastReport = performance.now();
      }
    }
    w1.stop();
    w2.stop();
    const cold = ((ksAt as number) - t0) / 1000;
    clearInterval(sampler);

    // Every OCIRepository asked again with nothing moved: one HEAD each, nothing pulled.
    registry.requests.length = 0;
    const handled = new Set<string>();
    const list = await cluster.list({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository', namespace: 'flux-system' });
    const watch = await cluster.watch({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository', namespace: 'flux-system', resourceVersion: list.resourceVersion }, (e) => {
      const st = e.object.status as { lastHandledReconcileAt?: string; conditions?: Condition[] } | undefined;
      if (st?.lastHandledReconcileAt === 'recheck' && !(st.conditions ?? []).some((c) => c.type === 'Reconciling')) handled.add(e.object.metadata.name);
    });
    const t1 = performance.now();
    for (let i = 0; i < n; i++) await cluster.patch({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository', name: `app-${i}`, namespace: 'flux-system' }, { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': 'recheck' } } }, 'merge');
    while (handled.size < n) await new Promise((r) => setTimeout(r, 20));
    const recheck = (performance.now() - t1) / 1000;
    watch.stop();
    await settle(10);
    const heads = registry.requests.filter((r) => r.startsWith('HEAD /v2/')).length;
    const gets = registry.requests.filter((r) => r.startsWith('GET ')).length;

    // One app pushed again: its OCIRepository asked, its Kustomization applies the new content.
    const latencies: number[] = [];
    for (let round = 1; round <= 5; round++) {
      await pushArtifact(clientFor(0), 'latest', app('app-0', round));
      let appliedAt = 0;
      const saList = await cluster.list({ apiVersion: 'v1', kind: 'ServiceAccount', namespace: 'apps' });
      const w = await cluster.watch({ apiVersion: 'v1', kind: 'ServiceAccount', namespace: 'apps', fieldSelector: 'metadata.name=app-0', resourceVersion: saList.resourceVersion }, (e) => {
        if (e.object.metadata.labels?.round === String(round) && !appliedAt) appliedAt = performance.now();
      });
      const t = performance.now();
      await cluster.patch({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository', name: 'app-0', namespace: 'flux-system' }, { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': `push-${round}` } } }, 'merge');
      while (!appliedAt) await new Promise((r) => setTimeout(r, 5));
      latencies.push(appliedAt - t);
      w.stop();
    }
    latencies.sort((a, b) => a - b);
    return [
      { name: `${n} OCIRepositories (one 4-object app each), cold start to all Ready (concurrency ${concurrency})`, value: ((sourcesAt ?? performance.now()) - t0) / 1000, unit: 's', ...(n === 1000 ? { peer: { name: 'Flux 2.6 on kind (flux-benchmark)', value: 85 } } : n === 100 ? { peer: { name: 'Flux 2.6 on kind (flux-benchmark)', value: 24 } } : {}) },
      { name: `… and their ${n} Kustomizations, cold start to all Ready`, value: cold, unit: 's', ...(n === 1000 ? { peer: { name: 'Flux 2.6 on kind (flux-benchmark)', value: 256 } } : n === 100 ? { peer: { name: 'Flux 2.6 on kind (flux-benchmark)', value: 28 } } : {}), note: `peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB` },
      { name: `re-check of all ${n} OCIRepositories with nothing pushed`, value: recheck, unit: 's', note: `${heads} HEAD requests, ${gets} GETs (nothing pulled)` },
      { name: 'push-to-applied latency after requestedAt on the OCIRepository (median of 5)', value: latencies[2] as number, unit: 'ms', note: `max of 5: ${(latencies[4] as number).toFixed(0)} ms` },
    ];
  } finally {
    await sim.stop();
    await registry.close();
  }
}

const bench: Benchmark = {
  title: 'OCIRepository: flux-benchmark’s apps as OCI artifacts',
  async run() {
    return [...(await run(100, 4)), ...(await run(1000, 4))];
  },
};

export default bench;
