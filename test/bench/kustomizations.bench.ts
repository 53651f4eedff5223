/**
 * Flux's own benchmark shape on the simulator: N Kustomizations × 4 objects (Deployment at 0
 * replicas, ServiceAccount, Service, Ingress) from one Git repository served locally by
 * `git http-backend`, cold start to every Kustomization Ready (`wait: true`). Flux needs 4m16s
 * for 1,000 on a kind cluster (flux-benchmark RESULTS.md). Also the commit-to-applied latency
 * after `reconcile.fluxcd.io/requestedAt` on the source.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { settle } from '../../src/api/clock.js';
import type { Condition } from '../../src/api/conditions.js';
import { createSimulator } from '../../src/sim/simulator.js';
import { startGitServer } from '../../src/sources/git/serve.js';
import type { Benchmark, BenchFigure } from './types.js';

const env = { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@x', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@x' };
const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, env, encoding: 'utf8' }).trim();

function app(i: number): Record<string, string> {
  const n = `app-${i}`;
  return {
    [`apps/${n}/deployment.yaml`]: `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${n}\n  namespace: apps\nspec:\n  replicas: 0\n  selector:\n    matchLabels: {app: ${n}}\n  template:\n    metadata:\n      labels: {app: ${n}}\n    spec:\n      serviceAccountName: ${n}\n      containers:\n        - name: app\n          image: ghcr.io/stefanprodan/podinfo:6.7.0\n          ports: [{containerPort: 9898, name: http}]\n`,
    [`apps/${n}/serviceaccount.yaml`]: `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${n}\n  namespace: apps\n`,
    [`apps/${n}/service.yaml`]: `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${n}\n  namespace: apps\nspec:\n  selector: {app: ${n}}\n  ports: [{port: 80, targetPort: http, name: http}]\n`,
    [`apps/${n}/ingress.yaml`]: `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: ${n}\n  namespace: apps\nspec:\n  rules:\n    - host: ${n}.example.com\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service: {name: ${n}, port: {number: 80}}\n`,
  };
}

async function coldStart(n: number, concurrency: number): Promise<BenchFigure[]> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'fluxion-bench-ks-'));
  const work = path.join(root, 'work');
  mkdirSync(work);
  for (let i = 0; i < n; i++) for (const [f, c] of Object.entries(app(i))) {
    mkdirSync(path.dirname(path.join(work, f)), { recursive: true });
    writeFileSync(path.join(work, f), c);
  }
  git(root, 'init', '-q', '--bare', '-b', 'main', 'apps.git');
  git(work, 'init', '-q', '-b', 'main');
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', 'apps');
  git(work, 'push', '-q', path.join(root, 'apps.git'), 'main');
  const server = await startGitServer({ root });
  const sim = createSimulator({ rolloutDelayMs: 50, healthPollMs: 100, concurrency });
  await sim.start();
  const cluster = sim.cluster;
  try {
    await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
    const t0 = performance.now();
    await cluster.create({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'apps', namespace: 'flux-system' }, spec: { url: server.url('apps.git'), interval: '10m', ref: { branch: 'main' } } });
    for (let i = 0; i < n; i++) {
      await cluster.create({
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: { name: `app-${i}`, namespace: 'flux-system' },
        spec: { interval: '1h', path: `./apps/app-${i}`, prune: true, wait: true, timeout: '5m', sourceRef: { kind: 'GitRepository', name: 'apps' } },
      });
    }
    const readyCount = async (): Promise<number> =>
      (await cluster.list({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', namespace: 'flux-system' })).items.filter((k) =>
        ((k.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
      ).length;
    for (let last = -1; ; ) {
      const ready = await readyCount();
      if (ready >= n) break;
      if (ready !== last) process.stderr.write(`  ${ready}/${n} Ready after ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
      last = ready;
      await new Promise((r) => setTimeout(r, 250));
    }
    const cold = (performance.now() - t0) / 1000;
    clearInterval(sampler);

    // Latencies are taken from watch events, stamped when the write happens: a polling loop would
    // measure its own starvation while 1,000 Kustomizations reconcile on the same event loop.
    const stamps = new Map<string, number>();
    const saWatch = await cluster.watch(
      { apiVersion: 'v1', kind: 'ServiceAccount', namespace: 'apps', fieldSelector: 'metadata.name=app-0', resourceVersion: (await cluster.list({ apiVersion: 'v1', kind: 'ServiceAccount', namespace: 'apps' })).resourceVersion },
      (e) => {
        const round = e.object.metadata.labels?.round;
        if (round !== undefined && !stamps.has(`sa-${round}`)) stamps.set(`sa-${round}`, performance.now());
      },
    );
    const deployWatch = await cluster.watch(
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'apps', fieldSelector: 'metadata.name=app-0', resourceVersion: (await cluster.list({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'apps' })).resourceVersion },
      (e) => {
        if ((e.object.spec as { replicas?: number } | undefined)?.replicas === 0) stamps.set('reverted', performance.now());
      },
    );
    const waitFor = async (key: string): Promise<number> => {
      while (!stamps.has(key)) await new Promise((r) => setTimeout(r, 5));
      return stamps.get(key) as number;
    };

    // Which revision each Kustomization last applied, kept by a watch.
    const applied = new Map<string, string | undefined>();
    const ksList = await cluster.list({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', namespace: 'flux-system' });
    for (const k of ksList.items) applied.set(k.metadata.name, (k.status as { lastAppliedRevision?: string } | undefined)?.lastAppliedRevision);
    const ksWatch = await cluster.watch({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', namespace: 'flux-system', resourceVersion: ksList.resourceVersion }, (e) => {
      applied.set(e.object.metadata.name, (e.object.status as { lastAppliedRevision?: string } | undefined)?.lastAppliedRevision);
    });

    // Commit-to-applied latency: a commit, a requestedAt on the source, app-0 applied at the new revision.
    const latencies: number[] = [];
    const allApplied: number[] = [];
    for (let round = 0; round < 5; round++) {
      writeFileSync(path.join(work, 'apps/app-0/serviceaccount.yaml'), `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app-0\n  namespace: apps\n  labels:\n    round: "${round}"\n`);
      git(work, 'commit', '-qam', `round ${round}`);
      git(work, 'push', '-q', path.join(root, 'apps.git'), 'main');
      const t = performance.now();
      await cluster.patch({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', name: 'apps', namespace: 'flux-system' }, { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': `r${round}` } } }, 'merge');
      latencies.push((await waitFor(`sa-${round}`)) - t);
      // Let every other Kustomization apply this revision before the next round (a watch keeps
      // count; listing 1,000 objects in a loop would load the event loop being measured).
      const revision = ((await cluster.get({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', name: 'apps', namespace: 'flux-system' }))?.status as { artifact?: { revision?: string } } | undefined)?.artifact?.revision;
      while ([...applied.values()].filter((r) => r === revision).length < n) await new Promise((r) => setTimeout(r, 20));
      allApplied.push(performance.now() - t);
    }
    latencies.sort((a, b) => a - b);
    allApplied.sort((a, b) => a - b);
    ksWatch.stop();

    // Drift-correction latency: another field manager scales app-0; fluxion's watch sees it and re-applies.
    const drift: number[] = [];
    for (let round = 0; round < 100; round++) {
      stamps.delete('reverted');
      const t = performance.now();
      await cluster.apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'app-0', namespace: 'apps' }, spec: { replicas: 3 } }, { fieldManager: 'kubectl-edit', force: true });
      drift.push((await waitFor('reverted')) - t);
    }
    drift.sort((a, b) => a - b);
    saWatch.stop();
    deployWatch.stop();
    return [
      { name: `${n} Kustomizations × 4 objects, cold start to all Ready (concurrency ${concurrency})`, value: cold, unit: 's', ...(n === 1000 ? { target: '<= 20 s', peer: { name: 'Flux 2.6 on kind (flux-benchmark)', value: 256 } } : {}), note: `peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB` },
      { name: `commit-to-applied latency after requestedAt on the source (${n} Kustomizations on it, median of 5)`, value: latencies[2] as number, unit: 'ms', target: 'p50 < 300 ms', note: `max of 5: ${(latencies[4] as number).toFixed(0)} ms` },
      { name: `commit to every one of the ${n} Kustomizations at the new revision (median of 5)`, value: allApplied[2] as number, unit: 'ms', note: 'one file changed: the other Kustomizations reuse their build and write nothing' },
      { name: `drift-correction latency, p50 of 100 edits by another field manager (${n} Kustomizations)`, value: drift[49] as number, unit: 'ms', target: 'p50 < 300 ms' },
      { name: `drift-correction latency, p99 of 100 edits (${n} Kustomizations)`, value: drift[98] as number, unit: 'ms', target: 'p99 < 1 s' },
    ];
  } finally {
    await sim.stop();
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
}

const bench: Benchmark = {
  title: 'Kustomizations at scale on the simulator',
  async run() {
    const sizes = (process.env.FLUXION_BENCH_KS ?? "100:4,1000:4,1000:16").split(",").map((s) => s.split(":").map(Number) as [number, number]);
    const out: BenchFigure[] = [];
    for (const [n, c] of sizes) out.push(...(await coldStart(n, c)));
    return out;
  },
};

export default bench;
