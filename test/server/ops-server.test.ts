import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, settle } from '../../src/api/clock.js';
import { fluxCrds } from '../../src/api/crds.js';
import type { KubeObject } from '../../src/api/meta.js';
import { MemoryCluster } from '../../src/cluster/memory/index.js';
import { createEngine } from '../../src/controllers/engine.js';
import type { Engine } from '../../src/controllers/engine.js';
import { createLogger } from '../../src/runtime/logging.js';
import { fluxDurationBuckets } from '../../src/runtime/metrics.js';
import { startOpsServer } from '../../src/server/http.js';
import type { OpsServer } from '../../src/server/http.js';
import { startGitServer } from '../../src/sources/git/serve.js';
import type { GitServer } from '../../src/sources/git/serve.js';
import { makeRepo } from '../helpers/git.js';
import type { TestRepo } from '../helpers/git.js';
import { parsePromText, select, valueOf } from './prom-text.js';
import type { Sample } from './prom-text.js';

type Cond = { type: string; status: string; reason: string };

const ks = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name: 'apps', namespace: 'flux-system' };
const source = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', name: 'app', namespace: 'flux-system' };
const ksLabels = { kind: 'Kustomization', name: 'apps', namespace: 'flux-system' };
const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: apps\ndata:\n  mode: managed\n';

describe('ops server: Flux metrics over HTTP while a Kustomization goes Ready, fails, is suspended and deleted', () => {
  let repo: TestRepo;
  let git: GitServer;
  let clock: ManualClock;
  let cluster: MemoryCluster;
  let engine: Engine;
  let ops: OpsServer;
  let lines: Record<string, unknown>[];

  beforeEach(async () => {
    repo = makeRepo('app');
    git = await startGitServer({ root: repo.root });
    clock = new ManualClock();
    cluster = new MemoryCluster({ clock, crds: fluxCrds() });
    await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
    lines = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    engine = createEngine({ cluster, clock, randomSeed: () => 0.5, healthPollMs: 1_000, normalEvents: true, logger: createLogger({ level: 'info', destination: sink, now: () => clock.now() }) });
    await engine.start();
    ops = await startOpsServer({ host: '127.0.0.1', port: 0, metrics: engine.metrics, healthz: () => true, readyz: () => true });
  });

  afterEach(async () => {
    await ops.close();
    await engine.stop();
    await git.close();
    repo.dispose();
  });

  const scrape = async (): Promise<Sample[]> => {
    const res = await fetch(`${ops.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    return parsePromText(await res.text());
  };
  const ready = async (): Promise<Cond | undefined> => ((await cluster.get(ks))?.status as { conditions?: Cond[] } | undefined)?.conditions?.find((c) => c.type === 'Ready');
  const stateOf = (): unknown => engine.supervisor.actorFor(ks)?.getSnapshot().value;
  /** Lets real I/O (git over HTTP, disk) finish, then clock time pass, until `check` holds. */
  const advanceUntil = async (check: () => Promise<boolean> | boolean, what: string): Promise<void> => {
    for (let i = 0; i < 400; i++) {
      for (let j = 0; j < 300; j++) {
        if (await check()) return;
        await settle(2);
      }
      await clock.advanceAsync(500);
    }
    throw new Error(`${what} not reached; Ready ${JSON.stringify(await ready())}; state ${JSON.stringify(stateOf())}`);
  };
  const readyGauge = (samples: Sample[]): Record<string, number> =>
    Object.fromEntries(select(samples, 'gotk_reconcile_condition', { ...ksLabels, type: 'Ready' }).map((s) => [s.labels.status, s.value]));
  const reconciles = (samples: Sample[]): number => valueOf(samples, 'gotk_reconcile_duration_seconds_count', ksLabels);

  it('reports Ready, failure, suspension and deletion in gotk_* series, and counts every reconcile', async () => {
    const first = repo.commit({ 'deploy/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n', 'deploy/cm.yaml': configMap });
    await cluster.create({ apiVersion: source.apiVersion, kind: source.kind, metadata: { name: 'app', namespace: 'flux-system' }, spec: { url: git.url('app.git'), interval: '1m', ref: { branch: 'main' } } });
    await cluster.create({
      apiVersion: ks.apiVersion,
      kind: ks.kind,
      metadata: { name: 'apps', namespace: 'flux-system' },
      spec: { interval: '10m', path: './deploy', prune: true, sourceRef: { kind: 'GitRepository', name: 'app' } },
    } satisfies KubeObject);

    // 1. Ready
    await advanceUntil(async () => (await ready())?.status === 'True', 'Ready=True');
    let m = await scrape();
    expect(readyGauge(m)).toEqual({ True: 1, False: 0, Unknown: 0, Deleted: 0 });
    expect(valueOf(m, 'gotk_reconcile_condition', { kind: 'GitRepository', name: 'app', namespace: 'flux-system', type: 'Ready', status: 'True' })).toBe(1);
    expect(valueOf(m, 'gotk_suspend_status', ksLabels)).toBe(0);
    const afterReady = reconciles(m);
    expect(afterReady).toBeGreaterThanOrEqual(1);
    expect(select(m, 'gotk_reconcile_duration_seconds_bucket', ksLabels).map((s) => s.labels.le)).toEqual([...fluxDurationBuckets.map(String), '+Inf']);
    // Durations are measured on the engine's clock, which here moves only in 500 ms steps.
    const gitSeconds = valueOf(m, 'gotk_reconcile_duration_seconds_sum', { kind: 'GitRepository', name: 'app', namespace: 'flux-system' });
    expect(gitSeconds).toBeGreaterThan(0);
    expect((gitSeconds * 2) % 1).toBe(0);
    expect(valueOf(m, 'fluxion_actors', { kind: 'Kustomization', state: 'Healthy' })).toBe(1);
    expect(valueOf(m, 'fluxion_actors', { kind: 'GitRepository', state: 'Healthy' })).toBe(1);
    expect(valueOf(m, 'fluxion_queue_depth', { kind: 'Kustomization' })).toBe(0);
    expect(select(m, 'fluxion_actor_restarts_total')).toEqual([]);

    // The success was logged as Flux logs it, and recorded as an Event.
    const finished = lines.find((l) => l.controllerKind === 'Kustomization' && String(l.msg).startsWith('Reconciliation finished in'));
    expect(finished).toMatchObject({
      level: 'info',
      controller: 'kustomization',
      controllerGroup: 'kustomize.toolkit.fluxcd.io',
      Kustomization: { name: 'apps', namespace: 'flux-system' },
      name: 'apps',
      namespace: 'flux-system',
      revision: `main@sha1:${first}`,
    });
    expect(String(finished?.msg)).toMatch(/, next run in 10m0s$/);
    expect(finished?.reconcileID).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(new Date(String(finished?.ts)).toISOString()).toBe(finished?.ts);
    const events = async () => (await cluster.list({ apiVersion: 'v1', kind: 'Event', namespace: 'flux-system' })).items as (KubeObject & { reason: string; type: string; message: string; involvedObject: { kind: string; name: string } })[];
    const ksEvents = async () => (await events()).filter((e) => e.involvedObject.kind === 'Kustomization' && e.involvedObject.name === 'apps');
    const succeeded = (await ksEvents()).find((e) => e.reason === 'ReconciliationSucceeded');
    expect(succeeded).toMatchObject({ type: 'Normal', metadata: { annotations: { 'kustomize.toolkit.fluxcd.io/revision': `main@sha1:${first}` } } });
    expect(succeeded?.message).toMatch(/^Reconciliation finished in .+, next run in 10m0s$/);
    expect((await ksEvents()).find((e) => e.reason === 'Progressing')?.message).toContain('ConfigMap/apps/settings created');
    expect((await events()).find((e) => e.involvedObject.kind === 'GitRepository' && e.reason === 'NewArtifact')).toMatchObject({ type: 'Normal', metadata: { annotations: { 'source.toolkit.fluxcd.io/revision': `main@sha1:${first}` } } });

    // 2. Failing: the next revision does not build.
    const broken = repo.commit({ 'deploy/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - missing.yaml\n' });
    await cluster.patch(source, { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': 'now-1' } } }, 'merge');
    await advanceUntil(async () => (await ready())?.status === 'False', 'Ready=False');
    expect((await ready())?.reason).toBe('BuildFailed');
    m = await scrape();
    expect(readyGauge(m)).toEqual({ True: 0, False: 1, Unknown: 0, Deleted: 0 });
    expect(reconciles(m)).toBeGreaterThan(afterReady);
    expect(valueOf(m, 'fluxion_actors', { kind: 'Kustomization', state: 'Failed' })).toBe(1);
    const failedLine = lines.find((l) => l.controllerKind === 'Kustomization' && l.level === 'error');
    expect(failedLine).toMatchObject({ name: 'apps', namespace: 'flux-system', revision: `main@sha1:${broken}`, reason: 'BuildFailed' });
    expect(String(failedLine?.msg)).toMatch(/^Reconciliation failed after .+, next try in /);
    expect(String(failedLine?.error)).toContain('missing.yaml');
    expect((await ksEvents()).find((e) => e.reason === 'BuildFailed')).toMatchObject({ type: 'Warning', metadata: { annotations: { 'kustomize.toolkit.fluxcd.io/revision': `main@sha1:${broken}` } } });

    // 3. Suspended
    await cluster.patch(ks, { spec: { suspend: true } }, 'merge');
    await advanceUntil(() => stateOf() === 'Suspended', 'Suspended');
    m = await scrape();
    expect(valueOf(m, 'gotk_suspend_status', ksLabels)).toBe(1);
    expect(valueOf(m, 'fluxion_actors', { kind: 'Kustomization', state: 'Suspended' })).toBe(1);
    expect(readyGauge(m)).toEqual({ True: 0, False: 1, Unknown: 0, Deleted: 0 });
    expect(lines.some((l) => l.controllerKind === 'Kustomization' && l.msg === 'Reconciliation is suspended for this object')).toBe(true);

    // 4. Deleted
    const counted = reconciles(m);
    await cluster.delete(ks);
    await advanceUntil(async () => (await cluster.get(ks)) === undefined, 'Kustomization gone');
    m = await scrape();
    expect(readyGauge(m)).toEqual({ True: 0, False: 0, Unknown: 0, Deleted: 1 });
    expect(reconciles(m)).toBe(counted);
    expect(select(m, 'fluxion_actors', { kind: 'Kustomization' }).reduce((n, s) => n + s.value, 0)).toBe(0);
  });
});

describe('engine defaults: its own metrics registry, a silent logger, Flux\'s events', () => {
  it('creates Metrics per engine and records Normal events for outcomes, as Flux does', async () => {
    const repo = makeRepo('app');
    const git = await startGitServer({ root: repo.root });
    const clock = new ManualClock();
    const cluster = new MemoryCluster({ clock, crds: fluxCrds() });
    await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
    const engine = createEngine({ cluster, clock, randomSeed: () => 0.5 });
    const other = createEngine({ cluster: new MemoryCluster({ clock, crds: fluxCrds() }), clock });
    try {
      expect(engine.metrics).not.toBe(other.metrics);
      expect(engine.metrics.registry).not.toBe(other.metrics.registry);
      await engine.start();
      repo.commit({ 'deploy/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: flux-system\n' });
      await cluster.create({ apiVersion: source.apiVersion, kind: source.kind, metadata: { name: 'app', namespace: 'flux-system' }, spec: { url: git.url('app.git'), interval: '1m', ref: { branch: 'main' } } });
      await cluster.create({ apiVersion: ks.apiVersion, kind: ks.kind, metadata: { name: 'apps', namespace: 'flux-system' }, spec: { interval: '10m', path: './deploy', prune: true, sourceRef: { kind: 'GitRepository', name: 'app' } } });
      const isReady = async () => (((await cluster.get(ks))?.status as { conditions?: Cond[] } | undefined)?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
      for (let i = 0; i < 400 && !(await isReady()); i++) {
        for (let j = 0; j < 300 && !(await isReady()); j++) await settle(2);
        if (!(await isReady())) await clock.advanceAsync(500);
      }
      expect(await isReady()).toBe(true);
      const samples = parsePromText(await engine.metrics.text());
      expect(valueOf(samples, 'gotk_reconcile_condition', { ...ksLabels, type: 'Ready', status: 'True' })).toBe(1);
      expect(select(parsePromText(await other.metrics.text()), 'gotk_reconcile_condition')).toEqual([]);
      const events = (await cluster.list({ apiVersion: 'v1', kind: 'Event', namespace: 'flux-system' })).items as { type?: string }[];
      const normal = events.filter((e) => e.type === 'Normal') as { reason?: string; involvedObject?: { kind?: string } }[];
      expect(normal.some((e) => e.involvedObject?.kind === 'Kustomization' && e.reason === 'ReconciliationSucceeded')).toBe(true);
      expect(normal.some((e) => e.involvedObject?.kind === 'GitRepository' && e.reason === 'NewArtifact')).toBe(true);
    } finally {
      await engine.stop();
      await other.stop();
      await git.close();
      repo.dispose();
    }
  });
});
