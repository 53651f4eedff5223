/**
 * The HelmRelease controller end to end: a chart repository made by the real `helm`, the engine
 * on a MemoryCluster served as a Kubernetes API, and the real `helm` CLI reading (and writing)
 * the releases through that API.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, settle } from '../../src/api/clock.js';
import { fluxCrds } from '../../src/api/crds.js';
import type { KubeObject } from '../../src/api/meta.js';
import { serveCluster } from '../../src/cluster/http/index.js';
import type { ServedCluster } from '../../src/cluster/http/index.js';
import { MemoryCluster } from '../../src/cluster/memory/index.js';
import { createEngine } from '../../src/controllers/engine.js';
import type { Engine } from '../../src/controllers/engine.js';
import { ReleaseStorage } from '../../src/helm/release/storage.js';
import { startHelmRepo } from '../helpers/helm-repo.js';
import type { ChartSpec, HelmRepoServer } from '../helpers/helm-repo.js';
import { oracles } from '../helpers/oracles.js';
import { makeRepo } from '../helpers/git.js';
import { startGitServer } from '../../src/sources/git/serve.js';

const run = promisify(execFile);
type Cond = { type: string; status: string; reason: string; message: string };
const hrRef = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', name: 'web', namespace: 'apps' };

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels: {app: {{ .Release.Name }}}
  template:
    metadata:
      labels: {app: {{ .Release.Name }}}
    spec:
      containers:
      - name: app
        image: {{ .Values.image }}
`;
const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-settings\ndata:\n  version: {{ .Chart.Version | quote }}\n  greeting: {{ .Values.greeting | quote }}\n';
const EXTRA = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-extra\ndata:\n  only: in-1.0.0\n';
const TEST = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}-test\n  annotations:\n    "helm.sh/hook": test\nspec:\n  restartPolicy: Never\n  containers:\n  - name: t\n    image: busybox\n';
const FAILING_HOOK = 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {{ .Release.Name }}-migrate\n  annotations:\n    "helm.sh/hook": pre-upgrade\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: m\n        image: failing-migration\n';
const FAILING_POST_INSTALL = 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {{ .Release.Name }}-smoke\n  annotations:\n    "helm.sh/hook": post-install\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: s\n        image: failing-smoke\n';
const FAILING_TEST = TEST.replace('image: busybox', 'image: failing-test');
const VALUES = 'replicas: 1\nimage: nginx\ngreeting: hello\n';

const chart = (version: string, templates: Record<string, string>): ChartSpec => ({ name: 'web', version, values: VALUES, templates });

describe('HelmRelease controller', () => {
  let tmp: string;
  let clock: ManualClock;
  let cluster: MemoryCluster;
  let served: ServedCluster;
  let repo: HelmRepoServer;
  let engine: Engine;
  let kubeconfig: string;

  const start = async (charts: ChartSpec[]) => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'fluxion-hr-'));
    clock = new ManualClock();
    cluster = new MemoryCluster({ clock, crds: fluxCrds(), rolloutDelayMs: 1000 });
    for (const ns of ['flux-system', 'apps']) await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    served = await serveCluster(cluster, { port: 0 });
    kubeconfig = path.join(tmp, 'kubeconfig');
    await served.writeKubeconfig(kubeconfig);
    repo = await startHelmRepo();
    await repo.publish(charts);
    engine = createEngine({ cluster, clock, stateDir: path.join(tmp, 'state'), healthPollMs: 500, randomSeed: () => 0.5 });
    await engine.start();
    await cluster.create({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', metadata: { name: 'charts', namespace: 'flux-system' }, spec: { url: repo.url, interval: '1h' } });
  };

  afterEach(async () => {
    await engine.stop();
    await served.close();
    await repo.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  /** The real helm CLI against the served simulator. */
  const helm = async (...args: string[]): Promise<string> => {
    const { helm: bin } = await oracles();
    const env = { PATH: process.env.PATH ?? '', HOME: tmp, KUBECONFIG: kubeconfig, HELM_CACHE_HOME: path.join(tmp, 'hc'), HELM_CONFIG_HOME: path.join(tmp, 'hcfg'), HELM_DATA_HOME: path.join(tmp, 'hd') };
    const r = await run(bin, args, { env, maxBuffer: 1 << 26 });
    return r.stdout;
  };

  const status = async () => ((await cluster.get(hrRef))?.status ?? {}) as { conditions?: Cond[]; history?: { chartVersion: string; status: string; version: number }[]; [k: string]: unknown };
  const cond = async (type: string) => (await status()).conditions?.find((c) => c.type === type);

  /** Lets I/O settle and clock time pass (rollouts, polls) until `check` holds. */
  const until = async (check: () => Promise<boolean>, what: string): Promise<void> => {
    for (let i = 0; i < 400; i++) {
      for (let j = 0; j < 200; j++) {
        if (await check()) return;
        await settle(2);
      }
      await clock.advanceAsync(500);
    }
    throw new Error(`${what}: not reached; HelmRelease status: ${JSON.stringify(await status())}`);
  };

  const helmRelease = (spec: Record<string, unknown> = {}): KubeObject => ({
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: { name: 'web', namespace: 'apps' },
    spec: { interval: '1h', chart: { spec: { chart: 'web', version: '1.0.0', sourceRef: { kind: 'HelmRepository', name: 'charts', namespace: 'flux-system' } } }, ...spec },
  });

  it('installs, upgrades and uninstalls as Helm does, readable by the helm CLI', async () => {
    await start([chart('1.0.0', { 'deploy.yaml': DEPLOY, 'cm.yaml': CM, 'extra.yaml': EXTRA, 'test.yaml': TEST }), chart('1.1.0', { 'deploy.yaml': DEPLOY, 'cm.yaml': CM, 'test.yaml': TEST })]);
    await cluster.create(helmRelease({ values: { greeting: 'hi from flux' }, test: { enable: true } }));
    await until(async () => (await cond('Ready'))?.status === 'True', 'installed');
    expect(await cond('Ready')).toMatchObject({ reason: 'InstallSucceeded', message: 'Helm install succeeded for release apps/web.v1 with chart web@1.0.0' });
    expect(await cond('Released')).toMatchObject({ status: 'True', reason: 'InstallSucceeded' });
    expect(await cond('TestSuccess')).toMatchObject({ status: 'True', reason: 'TestSucceeded' });
    const st = await status();
    expect(st).toMatchObject({ helmChart: 'flux-system/apps-web', storageNamespace: 'apps', lastAttemptedRevision: '1.0.0', lastAppliedRevision: '1.0.0', lastAttemptedReleaseAction: 'install' });
    expect(st.history?.[0]).toMatchObject({ chartVersion: '1.0.0', status: 'deployed', version: 1 });

    // The objects, with Helm's ownership metadata and Flux's labels.
    const cm = await cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'web-settings', namespace: 'apps' });
    expect(cm?.data).toEqual({ version: '1.0.0', greeting: 'hi from flux' });
    expect(cm?.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'Helm', 'helm.toolkit.fluxcd.io/name': 'web', 'helm.toolkit.fluxcd.io/namespace': 'apps' });
    expect(cm?.metadata.annotations).toMatchObject({ 'meta.helm.sh/release-name': 'web', 'meta.helm.sh/release-namespace': 'apps' });

    // helm reads what fluxion stored.
    const list = JSON.parse(await helm('list', '-n', 'apps', '-o', 'json')) as { name: string; revision: string; status: string; chart: string }[];
    expect(list).toEqual([expect.objectContaining({ name: 'web', revision: '1', status: 'deployed', chart: 'web-1.0.0' })]);
    const manifest = await helm('get', 'manifest', 'web', '-n', 'apps');
    expect(manifest).toContain('# Source: web/templates/cm.yaml');
    expect(manifest).toContain('greeting: "hi from flux"');
    expect(JSON.parse(await helm('get', 'values', 'web', '-n', 'apps', '-o', 'json'))).toEqual({ greeting: 'hi from flux' });

    // Upgrade: a new chart version; what left the chart is deleted; v1 superseded.
    await cluster.patch(hrRef, { spec: { chart: { spec: { version: '1.1.0' } } } }, 'merge');
    await until(async () => (await status()).lastAppliedRevision === '1.1.0' && (await cond('Ready'))?.status === 'True', 'upgraded');
    expect(await cond('Ready')).toMatchObject({ reason: 'UpgradeSucceeded', message: 'Helm upgrade succeeded for release apps/web.v2 with chart web@1.1.0' });
    expect(await cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'web-extra', namespace: 'apps' })).toBeUndefined();
    const history = JSON.parse(await helm('history', 'web', '-n', 'apps', '-o', 'json')) as { revision: number; status: string; chart: string; description: string }[];
    expect(history.map((h) => [h.revision, h.status, h.chart])).toEqual([
      [1, 'superseded', 'web-1.0.0'],
      [2, 'deployed', 'web-1.1.0'],
    ]);

    // Nothing changes: no new revision on the next interval.
    await clock.advanceAsync(60 * 60_000);
    await until(async () => (await cond('Ready'))?.status === 'True', 'in sync');
    expect((await new ReleaseStorage(cluster, 'apps', clock).history('web')).length).toBe(2);

    // Deleting the HelmRelease uninstalls the release.
    await cluster.delete(hrRef);
    await until(async () => !(await cluster.get(hrRef)), 'uninstalled');
    expect(await cluster.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'apps' })).toBeUndefined();
    expect(JSON.parse(await helm('list', '-n', 'apps', '-a', '-o', 'json'))).toEqual([]);
  });

  it('remediates a failed upgrade by rolling back, and stalls once retries are exhausted', async () => {
    await start([chart('1.0.0', { 'deploy.yaml': DEPLOY, 'cm.yaml': CM }), chart('2.0.0', { 'deploy.yaml': DEPLOY, 'cm.yaml': CM, 'migrate.yaml': FAILING_HOOK })]);
    await cluster.create(helmRelease({ upgrade: { remediation: { retries: 1 } } }));
    await until(async () => (await cond('Ready'))?.status === 'True', 'installed');
    await cluster.patch(hrRef, { spec: { chart: { spec: { version: '2.0.0' } } } }, 'merge');
    await until(async () => (await cond('Remediated'))?.status === 'True', 'rolled back');
    expect(await cond('Remediated')).toMatchObject({ reason: 'RollbackSucceeded' });
    expect(await cond('Released')).toMatchObject({ status: 'False', reason: 'UpgradeFailed' });
    expect((await cond('Released'))?.message).toContain('pre-upgrade hooks failed: job web-migrate failed');
    const cm = await cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'web-settings', namespace: 'apps' });
    expect(cm?.data).toMatchObject({ version: '1.0.0' });
    // The retry (after the interval) fails the same way: retries exhausted, Stalled until the spec changes.
    await clock.advanceAsync(60 * 60_000);
    await until(async () => (await cond('Stalled'))?.status === 'True', 'stalled');
    expect(await cond('Ready')).toMatchObject({ status: 'False', reason: 'RetriesExceeded' });
    expect((await cond('Ready'))?.message).toMatch(/^Failed to upgrade after 2 attempt\(s\)/);
    const history = JSON.parse(await helm('history', 'web', '-n', 'apps', '-o', 'json')) as { revision: number; status: string; description: string }[];
    expect(history.map((h) => h.description)).toEqual(['Install complete', 'Upgrade "web" failed: pre-upgrade hooks failed: job web-migrate failed: Job has reached the specified backoff limit', 'Rollback to 1', expect.stringMatching(/^Upgrade "web" failed/), 'Rollback to 3']);
    expect(history.at(-1)).toMatchObject({ status: 'deployed' });
    expect((await status()).upgradeFailures).toBe(2);
  });

  it.each([
    ['deletes the pods the Deployment selects', { recreate: true }, ['apps/other-app', 'other/web-elsewhere']],
    ['leaves the pods alone without rollback.recreate', {}, ['apps/other-app', 'apps/web-1', 'apps/web-2', 'other/web-elsewhere']],
    ['leaves the pods alone with rollback.recreate false', { recreate: false }, ['apps/other-app', 'apps/web-1', 'apps/web-2', 'other/web-elsewhere']],
  ])('remediating a failed upgrade by rollback %s', async (_, rollback, remaining) => {
    await start([chart('1.0.0', { 'deploy.yaml': DEPLOY, 'cm.yaml': CM }), chart('2.0.0', { 'deploy.yaml': DEPLOY, 'cm.yaml': CM, 'migrate.yaml': FAILING_HOOK })]);
    await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
    await cluster.create(helmRelease({ upgrade: { remediation: { retries: 1 } }, rollback }));
    await until(async () => (await cond('Ready'))?.status === 'True', 'installed');
    // The Deployment's pods (the simulator runs none), one it does not select, one elsewhere.
    const pod = (name: string, namespace: string, app: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels: { app } }, spec: { containers: [{ name: 'app', image: 'nginx' }] } });
    for (const p of [pod('web-1', 'apps', 'web'), pod('web-2', 'apps', 'web'), pod('other-app', 'apps', 'other'), pod('web-elsewhere', 'other', 'web')]) await cluster.create(p);
    await cluster.patch(hrRef, { spec: { chart: { spec: { version: '2.0.0' } } } }, 'merge');
    await until(async () => (await cond('Remediated'))?.status === 'True', 'rolled back');
    expect(await cond('Remediated')).toMatchObject({ reason: 'RollbackSucceeded' });
    const pods = (await cluster.list({ apiVersion: 'v1', kind: 'Pod' })).items.map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
    expect(pods.sort()).toEqual(remaining);
  });

  it('adopts a release installed with the helm CLI instead of installing it again', async () => {
    await start([chart('1.0.0', { 'deploy.yaml': DEPLOY, 'cm.yaml': CM })]);
    await helm('install', 'web', `${repo.url}/web-1.0.0.tgz`, '-n', 'apps', '--set', 'greeting=adopted');
    expect(JSON.parse(await helm('list', '-n', 'apps', '-o', 'json'))).toEqual([expect.objectContaining({ name: 'web', revision: '1' })]);
    await cluster.create(helmRelease({ values: { greeting: 'adopted' } }));
    await until(async () => (await cond('Ready'))?.status === 'True', 'adopted');
    expect((await new ReleaseStorage(cluster, 'apps', clock).history('web')).map((r) => r.version)).toEqual([1]);
    expect((await cond('Ready'))?.message).toContain('apps/web.v1 with chart web@1.0.0');
    // Different values: an upgrade to revision 2, which helm sees.
    await cluster.patch(hrRef, { spec: { values: { greeting: 'managed by flux' } } }, 'merge');
    await until(async () => (await cond('Ready'))?.reason === 'UpgradeSucceeded', 'upgraded');
    expect(JSON.parse(await helm('get', 'values', 'web', '-n', 'apps', '-o', 'json'))).toEqual({ greeting: 'managed by flux' });
  });

  it('post-renders with kustomize patches and images, and corrects drift when driftDetection is enabled', async () => {
    await start([chart('1.0.0', { 'deploy.yaml': DEPLOY, 'cm.yaml': CM })]);
    await cluster.create(
      helmRelease({
        driftDetection: { mode: 'enabled' },
        postRenderers: [
          {
            kustomize: {
              patches: [{ target: { kind: 'Deployment' }, patch: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: any\n  labels:\n    post-rendered: "yes"\n' }],
              images: [{ name: 'nginx', newName: 'registry.example.com/nginx', newTag: '1.27' }],
            },
          },
        ],
      }),
    );
    await until(async () => (await cond('Ready'))?.status === 'True', 'installed');
    const deployRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'apps' };
    const deploy = await cluster.get(deployRef);
    expect(deploy?.metadata.labels).toMatchObject({ 'post-rendered': 'yes', 'app.kubernetes.io/managed-by': 'Helm' });
    expect((deploy?.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]?.image).toBe('registry.example.com/nginx:1.27');
    // The stored manifest is the post-rendered one, so helm shows what is in the cluster.
    expect(await helm('get', 'manifest', 'web', '-n', 'apps')).toContain('image: registry.example.com/nginx:1.27');
    // Someone scales the Deployment by hand; the next reconcile puts it back without a new revision.
    await cluster.patch(deployRef, { spec: { replicas: 5 } }, 'merge');
    await cluster.patch(hrRef, { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': 'drift' } } }, 'merge');
    await until(async () => ((await cluster.get(deployRef))?.spec as { replicas: number }).replicas === 1, 'drift corrected');
    expect((await new ReleaseStorage(cluster, 'apps', clock).history('web')).map((r) => r.version)).toEqual([1]);
  });

  it('leaves the paths of driftDetection.ignore alone while correcting the rest', async () => {
    await start([chart('1.0.0', { 'deploy.yaml': DEPLOY, 'cm.yaml': CM })]);
    await cluster.create(helmRelease({ driftDetection: { mode: 'enabled', ignore: [{ paths: ['/spec/replicas'], target: { kind: 'Deployment' } }] } }));
    await until(async () => (await cond('Ready'))?.status === 'True', 'installed');
    const deployRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'apps' };
    const cmRef = { apiVersion: 'v1', kind: 'ConfigMap', name: 'web-settings', namespace: 'apps' };
    await cluster.patch(deployRef, { spec: { replicas: 5 } }, 'merge');
    await cluster.patch(cmRef, { data: { greeting: 'edited by hand' } }, 'merge');
    await cluster.patch(hrRef, { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': 'drift' } } }, 'merge');
    await until(async () => ((await cluster.get(cmRef))?.data as { greeting?: string } | undefined)?.greeting === 'hello', 'the ConfigMap corrected');
    expect(((await cluster.get(deployRef))?.spec as { replicas: number }).replicas).toBe(5);
  });

  it('unlocks a release a crashed run left pending, then upgrades it', async () => {
    await start([chart('1.0.0', { 'cm.yaml': CM })]);
    await cluster.create(helmRelease({ values: { greeting: 'first' } }));
    await until(async () => (await cond('Ready'))?.status === 'True', 'installed');
    // A crash in the middle of an upgrade: revision 2 stays pending-upgrade.
    const storage = new ReleaseStorage(cluster, 'apps', clock);
    const v1 = (await storage.last('web'))!;
    await storage.create({ ...v1, version: 2, info: { ...v1.info, status: 'pending-upgrade', description: 'Preparing upgrade' } });
    await cluster.patch(hrRef, { spec: { values: { greeting: 'second' } } }, 'merge');
    await until(async () => (await storage.last('web'))?.info.status === 'deployed' && (await storage.last('web'))?.version === 3, 'unlocked and upgraded');
    expect((await storage.get('web', 2))?.info).toMatchObject({ status: 'failed', description: "Release unlocked from stale 'pending-upgrade' state" });
    expect((await cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'web-settings', namespace: 'apps' }))?.data).toMatchObject({ greeting: 'second' });
  });

  it('holds a Kustomization that depends on the HelmRelease until the release is Ready (cross-kind dependsOn)', async () => {
    await start([chart('1.0.0', { 'cm.yaml': CM })]);
    const gitRepo = makeRepo('app');
    gitRepo.commit({ 'deploy/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: after-web\n  namespace: apps\n' });
    const git = await startGitServer({ root: gitRepo.root });
    try {
      await cluster.create({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'app', namespace: 'apps' }, spec: { url: git.url('app.git'), interval: '1h', ref: { branch: 'main' } } });
      await cluster.create({
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: { name: 'after-web', namespace: 'apps' },
        spec: { interval: '1h', path: './deploy', prune: true, sourceRef: { kind: 'GitRepository', name: 'app' }, dependsOn: [{ kind: 'HelmRelease', name: 'web' }] },
      });
      const ksReady = async () => ((await cluster.get({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name: 'after-web', namespace: 'apps' }))?.status as { conditions?: Cond[] } | undefined)?.conditions?.find((c) => c.type === 'Ready');
      await cluster.create(helmRelease({ chart: { spec: { chart: 'web', version: '9.x', sourceRef: { kind: 'HelmRepository', name: 'charts', namespace: 'flux-system' } } } }));
      await until(async () => (await ksReady())?.reason === 'DependencyNotReady', 'waiting for the release');
      expect((await ksReady())?.message).toContain("dependency 'apps/web' is not ready");
      expect(await cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'after-web', namespace: 'apps' })).toBeUndefined();
      await cluster.patch(hrRef, { spec: { chart: { spec: { version: '1.0.0' } } } }, 'merge');
      await until(async () => (await ksReady())?.status === 'True', 'released, then applied');
      expect(await cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'after-web', namespace: 'apps' })).toBeDefined();
    } finally {
      await git.close();
      gitRepo.dispose();
    }
  });

  it('reports failed tests: with ignoreFailures the release stands, without it the upgrade counts as failed', async () => {
    await start([chart('1.0.0', { 'cm.yaml': CM, 'test.yaml': FAILING_TEST })]);
    await cluster.create(helmRelease({ test: { enable: true, ignoreFailures: true } }));
    await until(async () => (await cond('TestSuccess'))?.status === 'False', 'tested');
    await until(async () => (await cond('Ready'))?.status === 'True', 'ready anyway');
    expect((await cond('TestSuccess'))?.message).toContain('test hooks failed: pod web-test failed');
    await cluster.patch(hrRef, { spec: { test: { enable: true, ignoreFailures: false }, values: { greeting: 'again' } } }, 'merge');
    await until(async () => (await cond('Stalled'))?.status === 'True', 'stalled');
    expect(await cond('Ready')).toMatchObject({ reason: 'RetriesExceeded' });
    expect((await cond('Ready'))?.message).toMatch(/^Failed to upgrade after 1 attempt\(s\): Helm test failed/);
  });

  it('remediates a failed install by uninstalling, retries, and stalls once retries are exhausted', async () => {
    await start([chart('1.0.0', { 'cm.yaml': CM, 'smoke.yaml': FAILING_POST_INSTALL })]);
    await cluster.create(helmRelease({ install: { remediation: { retries: 1 } } }));
    await until(async () => (await cond('Remediated'))?.reason === 'UninstallSucceeded', 'uninstalled');
    expect(await cond('Released')).toMatchObject({ status: 'False', reason: 'InstallFailed' });
    expect((await cond('Released'))?.message).toContain('post-install hooks failed: job web-smoke failed');
    // Uninstalled: the objects and the release records are gone.
    expect(await cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'web-settings', namespace: 'apps' })).toBeUndefined();
    expect(JSON.parse(await helm('list', '-n', 'apps', '-a', '-o', 'json'))).toEqual([]);
    // The retry after the interval fails the same way: Stalled, RetriesExceeded.
    await clock.advanceAsync(60 * 60_000);
    await until(async () => (await cond('Stalled'))?.status === 'True', 'stalled');
    expect(await cond('Ready')).toMatchObject({ reason: 'RetriesExceeded' });
    expect((await cond('Ready'))?.message).toMatch(/^Failed to install after 2 attempt\(s\)/);
    expect((await status()).installFailures).toBe(2);
  });

  it('moves the release when targetNamespace changes: uninstalled where it was, installed at the new place', async () => {
    await start([chart('1.0.0', { 'cm.yaml': CM })]);
    await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
    await cluster.create(helmRelease());
    await until(async () => (await cond('Ready'))?.status === 'True', 'installed');
    expect((await status()).lastAttemptedValuesChecksum).toMatch(/^[0-9a-f]{40}$/);
    await cluster.patch(hrRef, { spec: { targetNamespace: 'other' } }, 'merge');
    await until(async () => (await cond('Ready'))?.message?.includes('other/other-web.v1') ?? false, 'moved');
    expect(await cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'web-settings', namespace: 'apps' })).toBeUndefined();
    expect(await cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'other-web-settings', namespace: 'other' })).toBeDefined();
    const storage = new ReleaseStorage(cluster, 'apps', clock);
    expect(await storage.history('web')).toEqual([]);
    expect((await storage.history('other-web')).map((r) => [r.version, r.namespace, r.info.status])).toEqual([[1, 'other', 'deployed']]);
    expect(await cond('Remediated')).toBeUndefined();
  });

  it('with install.strategy RetryOnFailure retries the install after retryInterval, without remediation', async () => {
    await start([chart('1.0.0', { 'cm.yaml': CM, 'smoke.yaml': FAILING_POST_INSTALL })]);
    await cluster.create(helmRelease({ install: { strategy: { name: 'RetryOnFailure', retryInterval: '1m' } } }));
    await until(async () => ((await status()).installFailures as number | undefined) === 1, 'first failure');
    expect(await cond('Ready')).toMatchObject({ status: 'False', reason: 'InstallFailed' });
    expect((await cond('Ready'))?.message).toMatch(/retrying in 1m0s$/);
    expect(await cond('Remediated')).toBeUndefined();
    expect(await cond('Stalled')).toBeUndefined();
    // The retry finds the failed release and upgrades it (post-install hooks do not run on upgrade).
    await clock.advanceAsync(60_000);
    await until(async () => (await cond('Ready'))?.status === 'True', 'retried');
    expect(await cond('Ready')).toMatchObject({ reason: 'UpgradeSucceeded', message: 'Helm upgrade succeeded for release apps/web.v2 with chart web@1.0.0' });
    expect((await status()).history?.map((h) => [h.version, h.status])).toEqual([
      [2, 'deployed'],
      [1, 'failed'],
    ]);
  });

  it('orders HelmReleases by dependsOn', async () => {
    await start([chart('1.0.0', { 'cm.yaml': CM })]);
    const other = { ...helmRelease({ dependsOn: [{ name: 'web' }] }), metadata: { name: 'after', namespace: 'apps' } };
    await cluster.create(other);
    await cluster.create(helmRelease({ chart: { spec: { chart: 'web', version: '9.x', sourceRef: { kind: 'HelmRepository', name: 'charts', namespace: 'flux-system' } } } }));
    const afterReady = async () => ((await cluster.get({ ...hrRef, name: 'after' }))?.status as { conditions?: Cond[] } | undefined)?.conditions?.find((c) => c.type === 'Ready');
    await until(async () => (await afterReady())?.reason === 'DependencyNotReady', 'waiting');
    expect((await afterReady())?.message).toContain("dependency 'apps/web' is not ready");
    expect(await cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'after-settings', namespace: 'apps' })).toBeUndefined();
    await cluster.patch(hrRef, { spec: { chart: { spec: { version: '1.0.0' } } } }, 'merge');
    await until(async () => (await afterReady())?.status === 'True', 'installed after its dependency');
    expect(await cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'after-settings', namespace: 'apps' })).toBeDefined();
  });

  it('waits for a chart that does not resolve, naming the HelmChart', async () => {
    await start([chart('1.0.0', { 'cm.yaml': CM })]);
    await cluster.create(helmRelease({ chart: { spec: { chart: 'web', version: '9.x', sourceRef: { kind: 'HelmRepository', name: 'charts', namespace: 'flux-system' } } } }));
    await until(async () => (await cond('Ready'))?.message?.includes("no 'web' chart with version matching '9.x'") ?? false, 'waiting');
    expect(await cond('Ready')).toMatchObject({ status: 'False', reason: 'ArtifactFailed' });
    expect((await cond('Ready'))?.message).toContain("HelmChart 'flux-system/apps-web' is not ready");
  });
});
