/**
 * Helm on the simulator: rendering the podinfo chart in-process and as a command beside
 * `helm template`, and 100 HelmReleases of podinfo from a local chart repository, cold start to
 * all Ready (Flux needs 27 s for 100 on a kind cluster, flux-benchmark RESULTS.md).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import path from 'node:path';
import type { Condition } from '../../src/api/conditions.js';
import { loadChart } from '../../src/helm/chart/load.js';
import { renderChartSync } from '../../src/helm/render.js';
import { createSimulator } from '../../src/sim/simulator.js';
import { startHelmRepo } from '../helpers/helm-repo.js';
import { oracles } from '../helpers/oracles.js';
import type { Benchmark, BenchFigure } from './types.js';

const run = promisify(execFile);
const PODINFO = '/work/shared/conformance/helm/podinfo-6.14.1/charts/podinfo';
const root = path.resolve(import.meta.dirname, '../..');

async function rendering(): Promise<BenchFigure[]> {
  const chart = loadChart(PODINFO);
  const values = { redis: { enabled: true }, ingress: { enabled: true }, hpa: { enabled: true } };
  for (let i = 0; i < 20; i++) renderChartSync(chart, { values, releaseName: 'web', namespace: 'apps' });
  const n = 200;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) renderChartSync(chart, { values, releaseName: 'web', namespace: 'apps' });
  const perRender = (performance.now() - t0) / n;

  const { helm } = await oracles();
  const time = async (cmd: string, args: string[]): Promise<number> => {
    const best: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      await run(cmd, args, { cwd: root, maxBuffer: 1 << 26, env: { ...process.env, KUBECONFIG: '/dev/null' } });
      best.push(performance.now() - t);
    }
    return Math.min(...best);
  };
  // The compiled command (`npm ci` builds dist/), as users run it.
  const compiled = path.join(root, 'dist/src/cli/fluxion.js');
  const entry = existsSync(compiled) ? [compiled] : ['--import', 'tsx', 'src/cli/fluxion.ts'];
  const ours = await time(process.execPath, [...entry, 'helm', 'template', PODINFO, '--set', 'redis.enabled=true,ingress.enabled=true']);
  const theirs = await time(helm, ['template', PODINFO, '--set', 'redis.enabled=true,ingress.enabled=true']);
  return [
    { name: 'render podinfo in-process (redis, ingress, hpa on), warm, per render', value: perRender, unit: 'ms', target: '< 20 ms' },
    { name: '`fluxion helm template` podinfo as a command (best of 3, Node start included)', value: ours, unit: 'ms', peer: { name: 'helm template 3.17.2', value: theirs }, note: existsSync(compiled) ? 'compiled dist/' : 'through tsx: TypeScript compiled at start' },
  ];
}

async function releases(n: number): Promise<BenchFigure[]> {
  const charts = await startHelmRepo();
  await charts.publishDirs([PODINFO]);
  const sim = createSimulator({ rolloutDelayMs: 50, healthPollMs: 100 });
  await sim.start();
  const cluster = sim.cluster;
  try {
    await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
    const t0 = performance.now();
    await cluster.create({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', metadata: { name: 'podinfo', namespace: 'flux-system' }, spec: { url: charts.url, interval: '1h' } });
    for (let i = 0; i < n; i++) {
      await cluster.create({
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        kind: 'HelmRelease',
        metadata: { name: `podinfo-${i}`, namespace: 'apps' },
        spec: { interval: '1h', chart: { spec: { chart: 'podinfo', version: '6.x', sourceRef: { kind: 'HelmRepository', name: 'podinfo', namespace: 'flux-system' } } }, values: { replicaCount: 1 } },
      });
    }
    for (;;) {
      const ready = (await cluster.list({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', namespace: 'apps' })).items.filter((h) =>
        ((h.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
      ).length;
      if (ready >= n) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const cold = (performance.now() - t0) / 1000;
    return [{ name: `${n} HelmReleases of podinfo from a local chart repository, cold start to all Ready`, value: cold, unit: 's', target: '<= 5 s', peer: { name: 'Flux 2.6 on kind (flux-benchmark)', value: 27 } }];
  } finally {
    await sim.stop();
    await charts.close();
  }
}

const bench: Benchmark = {
  title: 'Helm: rendering and HelmReleases on the simulator',
  async run() {
    return [...(await rendering()), ...(await releases(100))];
  },
};

export default bench;
