import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/api/clock.js';
import { fluxCrds } from '../../src/api/crds.js';
import type { KubeObject } from '../../src/api/meta.js';
import { MemoryCluster } from '../../src/cluster/memory/index.js';
import { gitRepositoryController } from '../../src/controllers/git-repository.js';
import { helmChartController } from '../../src/controllers/helm-chart.js';
import { helmRepositoryController } from '../../src/controllers/helm-repository.js';
import { Supervisor } from '../../src/runtime/supervisor.js';
import { ArtifactStorage } from '../../src/sources/artifact/storage.js';
import { startGitServer } from '../../src/sources/git/serve.js';
import type { GitServer } from '../../src/sources/git/serve.js';
import { makeRepo } from '../helpers/git.js';
import type { TestRepo } from '../helpers/git.js';
import { startHelmRepo } from '../helpers/helm-repo.js';
import type { HelmRepoServer } from '../helpers/helm-repo.js';
import { until } from '../helpers/until.js';
import { helm } from '../helm/chart/oracle.js';

type Cond = { type: string; status: string; reason: string; message: string };
type Status = { artifact?: { revision: string; digest: string; path: string; url: string }; conditions?: Cond[]; observedChartName?: string; observedSourceArtifactRevision?: string; observedValuesFiles?: string[] };
const chartRef = (name = 'web') => ({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmChart', name, namespace: 'flux-system' });

const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  version: {{ .Chart.Version | quote }}\n  color: {{ .Values.color | quote }}\n';

describe('HelmChart controller', () => {
  let tmp: string;
  let clock: ManualClock;
  let cluster: MemoryCluster;
  let storage: ArtifactStorage;
  let supervisor: Supervisor;
  let repo: HelmRepoServer | undefined;
  let gitRepo: TestRepo | undefined;
  let gitServer: GitServer | undefined;

  const start = async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'fluxion-helmchart-'));
    clock = new ManualClock();
    cluster = new MemoryCluster({ clock, crds: fluxCrds() });
    await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
    storage = new ArtifactStorage({ root: path.join(tmp, 'artifacts'), clock });
    const deps = { cluster, clock, random: () => 0.5 };
    supervisor = new Supervisor({
      cluster,
      clock,
      random: () => 0.5,
      registrations: [
        helmRepositoryController({ storage }, deps),
        helmChartController({ storage }, deps),
        gitRepositoryController({ storage, cacheRoot: path.join(tmp, 'git') }, deps),
      ],
    });
    await supervisor.start();
  };

  afterEach(async () => {
    await supervisor.stop();
    await repo?.close();
    await gitServer?.close();
    gitRepo?.dispose();
    repo = undefined;
    gitServer = undefined;
    gitRepo = undefined;
    rmSync(tmp, { recursive: true, force: true });
  });

  const status = async (name = 'web'): Promise<Status> => ((await cluster.get(chartRef(name)))?.status ?? {}) as Status;
  const ready = async (name = 'web') => (await status(name)).conditions?.find((c) => c.type === 'Ready');
  const helmChart = (spec: Record<string, unknown>, name = 'web'): KubeObject => ({
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'HelmChart',
    metadata: { name, namespace: 'flux-system' },
    spec: { interval: '10m', ...spec },
  });
  /** `helm template` of the stored artifact: the oracle that the package is a chart helm installs. */
  const rendered = async (name = 'web'): Promise<string> => {
    const file = path.join(tmp, `${name}-artifact.tgz`);
    writeFileSync(file, await storage.read((await status(name)).artifact as never));
    const r = await helm(['template', 'rel', file]);
    expect(r.code, r.stderr).toBe(0);
    return r.stdout;
  };

  const withRepository = async () => {
    await start();
    repo = await startHelmRepo();
    await repo.publish([
      { name: 'web', version: '1.0.0', templates: { 'cm.yaml': CM }, values: 'color: blue\n' },
      { name: 'web', version: '1.2.0', templates: { 'cm.yaml': CM }, values: 'color: blue\n' },
      { name: 'web', version: '2.0.0', templates: { 'cm.yaml': CM }, values: 'color: blue\n' },
    ]);
    await cluster.create({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', metadata: { name: 'charts', namespace: 'flux-system' }, spec: { url: repo.url, interval: '10m' } });
  };

  it('pulls the highest version the constraint accepts, stores the package as published, and follows new releases of the repository', async () => {
    await withRepository();
    await cluster.create(helmChart({ chart: 'web', version: '1.x', sourceRef: { kind: 'HelmRepository', name: 'charts' } }));
    await until(async () => (await ready())?.status === 'True');
    const st = await status();
    expect(st.artifact).toMatchObject({ revision: '1.2.0', path: 'helmchart/flux-system/web/web-1.2.0.tgz' });
    expect(await ready()).toMatchObject({ reason: 'Succeeded', message: "pulled 'web' chart with version '1.2.0'" });
    expect(st.observedChartName).toBe('web');
    expect(st.observedSourceArtifactRevision).toMatch(/^sha256:/);
    expect(await rendered()).toContain('version: "1.2.0"');
    // Unchanged index and constraint: nothing downloaded again.
    const pulls = repo!.requests.filter((r) => r.endsWith('.tgz')).length;
    await cluster.patch(chartRef(), { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': 'again' } } }, 'merge');
    await until(async () => ((await cluster.get(chartRef()))?.status as { lastHandledReconcileAt?: string }).lastHandledReconcileAt === 'again');
    expect(repo!.requests.filter((r) => r.endsWith('.tgz')).length).toBe(pulls);
    // A new 1.x release: the repository's revision moves and the chart follows it.
    await repo!.publish([{ name: 'web', version: '1.3.0', templates: { 'cm.yaml': CM }, values: 'color: blue\n' }]);
    await clock.advanceAsync(10 * 60_000);
    await until(async () => (await status()).artifact?.revision === '1.3.0');
  });

  it('merges valuesFiles into values.yaml and marks the version with the generation', async () => {
    await start();
    repo = await startHelmRepo();
    await repo.publish([{ name: 'web', version: '1.0.0', templates: { 'cm.yaml': CM, '../values-prod.yaml': 'color: red\n' }, values: 'color: blue\n' }]);
    await cluster.create({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', metadata: { name: 'charts', namespace: 'flux-system' }, spec: { url: repo.url, interval: '10m' } });
    await cluster.create(helmChart({ chart: 'web', sourceRef: { kind: 'HelmRepository', name: 'charts' }, valuesFiles: ['values.yaml', 'values-prod.yaml'] }));
    await until(async () => (await ready())?.status === 'True');
    expect((await status()).artifact?.revision).toBe('1.0.0+1');
    expect((await status()).observedValuesFiles).toEqual(['values.yaml', 'values-prod.yaml']);
    const out = await rendered();
    expect(out).toContain('color: "red"');
    expect(out).toContain('version: "1.0.0+1"');
  });

  it('reports a constraint nothing matches as ChartPullFailed, naming chart and constraint', async () => {
    await withRepository();
    await cluster.create(helmChart({ chart: 'web', version: '9.x', sourceRef: { kind: 'HelmRepository', name: 'charts' } }));
    // It waits for the repository's first index, then is told of it.
    await until(async () => (await ready())?.reason === 'ChartPullFailed');
    expect(await ready()).toMatchObject({ reason: 'ChartPullFailed', message: "invalid chart reference: no 'web' chart with version matching '9.x' found" });
    expect((await status()).conditions?.find((c) => c.type === 'FetchFailed')).toMatchObject({ status: 'True' });
  });

  it('packages a chart directory of a GitRepository, with the Revision strategy adding the commit', async () => {
    await start();
    gitRepo = makeRepo('charts');
    const commit = gitRepo.commit({
      'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.4.0\n',
      'charts/web/values.yaml': 'color: green\n',
      'charts/web/templates/cm.yaml': CM,
      'charts/broken/Chart.yaml': 'apiVersion: v2\nname: broken\n',
    });
    gitServer = await startGitServer({ root: gitRepo.root });
    await cluster.create({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'charts', namespace: 'flux-system' }, spec: { url: gitServer.url('charts.git'), interval: '10m', ref: { branch: 'main' } } });
    await cluster.create(helmChart({ chart: './charts/web', sourceRef: { kind: 'GitRepository', name: 'charts' } }));
    await cluster.create(helmChart({ chart: './charts/web', sourceRef: { kind: 'GitRepository', name: 'charts' }, reconcileStrategy: 'Revision' }, 'web-rev'));
    await cluster.create(helmChart({ chart: './charts/broken', sourceRef: { kind: 'GitRepository', name: 'charts' } }, 'broken'));
    await until(async () => (await ready())?.status === 'True' && (await ready('web-rev'))?.status === 'True' && (await ready('broken'))?.status === 'False');
    expect((await status()).artifact?.revision).toBe('0.4.0');
    expect(await ready()).toMatchObject({ message: "packaged 'web' chart with version '0.4.0'" });
    expect((await status('web-rev')).artifact?.revision).toBe(`0.4.0+${commit.slice(0, 12)}`);
    expect(await rendered('web-rev')).toContain(`version: "0.4.0+${commit.slice(0, 12)}"`);
    expect(await rendered()).toContain('color: "green"');
    const broken = await ready('broken');
    expect(broken).toMatchObject({ reason: 'ChartPackageFailed' });
    expect(broken?.message).toContain("chart './charts/broken'");
    expect(broken?.message).toContain('version is required');
    expect((await status('broken')).conditions?.find((c) => c.type === 'Stalled')).toMatchObject({ status: 'True' });
  });

  it('waits for a source that does not exist yet', async () => {
    await start();
    await cluster.create(helmChart({ chart: 'web', sourceRef: { kind: 'HelmRepository', name: 'missing' } }));
    await until(async () => (await ready())?.status === 'False');
    expect(await ready()).toMatchObject({ reason: 'SourceUnavailable', message: 'failed to get source: HelmRepository/flux-system/missing not found' });
  });
});
