import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, settle } from '../../src/api/clock.js';
import { fluxCrds } from '../../src/api/crds.js';
import type { KubeObject } from '../../src/api/meta.js';
import { MemoryCluster } from '../../src/cluster/memory/index.js';
import { gitRepositoryController } from '../../src/controllers/git-repository.js';
import { kustomizationController } from '../../src/controllers/kustomization.js';
import { Supervisor } from '../../src/runtime/supervisor.js';
import { ArtifactStorage } from '../../src/sources/artifact/storage.js';
import { startGitServer } from '../../src/sources/git/serve.js';
import type { GitServer } from '../../src/sources/git/serve.js';
import { makeRepo } from '../helpers/git.js';
import type { TestRepo } from '../helpers/git.js';

type Cond = { type: string; status: string; reason: string; message: string };
type KsStatus = { conditions?: Cond[]; inventory?: { entries: { id: string; v: string }[] }; lastAppliedRevision?: string; lastAttemptedRevision?: string };

const deployment = (name: string, image = 'nginx:1.27', replicas = 1) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: apps
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
        - name: main
          image: ${image}
`;
const configMap = (name: string, value = 'v') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: apps\ndata:\n  key: "${value}"\n`;

describe('Kustomization controller: Git → build → staged apply → prune → health', () => {
  let repo: TestRepo;
  let server: GitServer;
  let tmp: string;
  let clock: ManualClock;
  let cluster: MemoryCluster;
  let supervisor: Supervisor;

  beforeEach(async () => {
    repo = makeRepo('app');
    server = await startGitServer({ root: repo.root });
    tmp = mkdtempSync(path.join(os.tmpdir(), 'fluxion-ks-'));
    clock = new ManualClock();
    cluster = new MemoryCluster({ clock, crds: fluxCrds(), rolloutDelayMs: 3_000 });
    await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
    const storage = new ArtifactStorage({ root: path.join(tmp, 'artifacts'), clock });
    const deps = { cluster, clock, random: () => 0.5 };
    supervisor = new Supervisor({
      cluster,
      clock,
      random: () => 0.5,
      registrations: [gitRepositoryController({ storage, cacheRoot: path.join(tmp, 'cache') }, deps), kustomizationController({ storage, healthPollMs: 1_000 }, deps)],
    });
    await supervisor.start();
  });

  afterEach(async () => {
    await supervisor.stop();
    await server.close();
    repo.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  const ksRef = (name = 'apps') => ({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name, namespace: 'flux-system' });
  const status = async (name = 'apps'): Promise<KsStatus> => ((await cluster.get(ksRef(name)))?.status ?? {}) as KsStatus;
  const ready = async (name = 'apps') => (await status(name)).conditions?.find((c) => c.type === 'Ready');
  const get = (kind: string, name: string, apiVersion = 'v1') => cluster.get({ apiVersion, kind, name, namespace: 'apps' });
  /** Advances the clock in steps (rollouts, health polls) until `check` holds, letting I/O settle between steps. */
  const advanceUntil = async (check: () => Promise<boolean>): Promise<void> => {
    for (let i = 0; i < 400; i++) {
      // Real I/O (git over HTTP, disk) first; only then let clock time pass.
      for (let j = 0; j < 300; j++) {
        if (await check()) return;
        await settle(2);
      }
      await clock.advanceAsync(500);
    }
    const src = await cluster.get({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', name: 'app', namespace: 'flux-system' });
    throw new Error(`not reached; Ready is ${JSON.stringify(await ready())}; source ${JSON.stringify(src?.status)}; actor ${JSON.stringify(supervisor.actorFor(ksRef())?.getSnapshot().value)}`);
  };

  async function setup(extra: Record<string, unknown> = {}, name = 'apps', kpath = './deploy'): Promise<void> {
    if (!(await cluster.get({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', name: 'app', namespace: 'flux-system' }))) {
      await cluster.create({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'app', namespace: 'flux-system' }, spec: { url: server.url('app.git'), interval: '1m', ref: { branch: 'main' } } });
    }
    await cluster.create({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name, namespace: 'flux-system' },
      spec: { interval: '10m', path: kpath, prune: true, wait: true, timeout: '2m', sourceRef: { kind: 'GitRepository', name: 'app' }, ...extra },
    } satisfies KubeObject);
  }

  const requestSource = async (stamp: string) =>
    cluster.patch({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', name: 'app', namespace: 'flux-system' }, { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': stamp } } }, 'merge');

  it('applies in stages, waits for the rollout, records inventory and Ready "Applied revision"', async () => {
    const commit = repo.commit({ 'deploy/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n', 'deploy/web.yaml': deployment('web'), 'deploy/cm.yaml': configMap('settings') });
    await setup();
    await advanceUntil(async () => (await ready())?.status === 'True');
    const st = await status();
    expect(await ready()).toMatchObject({ reason: 'ReconciliationSucceeded', message: `Applied revision: main@sha1:${commit}` });
    expect(st.lastAppliedRevision).toBe(`main@sha1:${commit}`);
    expect(st.inventory?.entries.map((e) => e.id).sort()).toEqual(['_apps__Namespace', 'apps_settings__ConfigMap', 'apps_web_apps_Deployment']);
    const web = await get('Deployment', 'web', 'apps/v1');
    expect(web?.metadata.labels).toMatchObject({ 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' });
    expect(web?.metadata.managedFields?.some((m) => m.manager === 'kustomize-controller' && m.operation === 'Apply')).toBe(true);
  });

  it('reuses a build only while everything it read is unchanged: a base outside the path, a new file in a generated directory', async () => {
    repo.commit({
      'base/cm.yaml': configMap('from-base', 'first'),
      'base/kustomization.yaml': 'resources: [cm.yaml]\n',
      'overlay/kustomization.yaml': 'resources: [../base, ../plain]\nnamespace: apps\n',
      'plain/a.yaml': configMap('plain-a'),
      'plain/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n',
      'elsewhere/readme.md': 'one\n',
    });
    await setup({ wait: false }, 'apps', './overlay');
    await advanceUntil(async () => (await ready())?.status === 'True');
    const revision = async () => (await status()).lastAppliedRevision;
    // A commit outside everything the build read: same objects.
    const c2 = repo.commit({ 'elsewhere/readme.md': 'two\n' });
    await requestSource('unrelated');
    await advanceUntil(async () => (await revision()) === `main@sha1:${c2}`);
    expect((await get('ConfigMap', 'from-base'))?.data).toEqual({ key: 'first' });
    // The base changes, outside spec.path: rebuilt.
    const c3 = repo.commit({ 'base/cm.yaml': configMap('from-base', 'changed') });
    await requestSource('base');
    await advanceUntil(async () => (await revision()) === `main@sha1:${c3}`);
    expect((await get('ConfigMap', 'from-base'))?.data).toEqual({ key: 'changed' });
    // A new file in a directory without kustomization.yaml: part of the generated one.
    const c4 = repo.commit({ 'plain/b.yaml': configMap('plain-b') });
    await requestSource('new-file');
    await advanceUntil(async () => (await revision()) === `main@sha1:${c4}`);
    expect(await get('ConfigMap', 'plain-b')).toBeDefined();
  });

  it('prunes what left the repository, and nothing when the build fails', async () => {
    repo.commit({ 'deploy/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n', 'deploy/a.yaml': configMap('a'), 'deploy/b.yaml': configMap('b') });
    await setup({ wait: false });
    await advanceUntil(async () => (await ready())?.status === 'True');
    // A bad commit: invalid YAML. Ready=False naming the file; nothing pruned or changed.
    repo.commit({ 'deploy/b.yaml': null, 'deploy/broken.yaml': 'kind: [unclosed\n' });
    await requestSource('bad');
    await advanceUntil(async () => (await ready())?.status === 'False');
    expect(await ready()).toMatchObject({ reason: 'BuildFailed' });
    expect((await ready())?.message).toContain('broken.yaml');
    expect(await get('ConfigMap', 'b')).toBeDefined();
    // The fix: b is gone from the repository now, so it is pruned.
    repo.commit({ 'deploy/broken.yaml': null });
    await requestSource('fixed');
    await advanceUntil(async () => (await ready())?.status === 'True' && (await get('ConfigMap', 'b')) === undefined);
    expect(await get('ConfigMap', 'a')).toBeDefined();
    expect((await status()).inventory?.entries.map((e) => e.id).sort()).toEqual(['_apps__Namespace', 'apps_a__ConfigMap']);
  });

  it('reports HealthCheckFailed naming the workload that does not become ready within spec.timeout', async () => {
    repo.commit({ 'deploy/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n', 'deploy/bad.yaml': deployment('bad', 'example.com/fail:1') });
    await setup({ timeout: '30s' });
    await advanceUntil(async () => (await ready())?.reason === 'HealthCheckFailed');
    expect(await ready(), JSON.stringify(await ready())).toMatchObject({ reason: 'HealthCheckFailed' });
    expect((await ready())?.message).toContain("Deployment/apps/bad status: 'InProgress'");
  });

  it('merges spec overlays (targetNamespace, namePrefix, patches, images, commonMetadata) and substitutes variables', async () => {
    await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } });
    await cluster.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'vars', namespace: 'flux-system' }, data: { replicas: '3', env: 'from-configmap' } });
    repo.commit({
      'deploy/web.yaml': deployment('web').replace('replicas: 1', 'replicas: ${replicas}').replace('namespace: apps', 'namespace: apps\n  annotations:\n    env: ${env:=dev}\n    cluster: ${cluster_name:=kind}'),
      'deploy/literal.yaml': configMap('literal', '$${not_a_var}'),
    });
    await setup({
      wait: false,
      targetNamespace: 'prod',
      namePrefix: 'p-',
      images: [{ name: 'nginx', newTag: '1.28' }],
      patches: [{ target: { kind: 'Deployment' }, patch: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: not-used\n  labels:\n    patched: "yes"\n' }],
      commonMetadata: { labels: { team: 'web' } },
      postBuild: { substitute: { env: 'inline-wins' }, substituteFrom: [{ kind: 'ConfigMap', name: 'vars' }] },
    });
    await advanceUntil(async () => (await ready())?.status === 'True');
    const web = await cluster.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'p-web', namespace: 'prod' });
    expect(web?.metadata.labels).toMatchObject({ team: 'web', patched: 'yes' });
    expect(web?.metadata.annotations).toMatchObject({ env: 'inline-wins', cluster: 'kind' });
    expect((web?.spec as { replicas: number }).replicas).toBe(3);
    expect(JSON.stringify(web?.spec)).toContain('nginx:1.28');
    const literal = await cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'p-literal', namespace: 'prod' });
    expect(literal?.data).toEqual({ key: '${not_a_var}' });
  });

  it('waits for a dependency, then applies once it is Ready', async () => {
    repo.commit({ 'infra/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n', 'deploy/cm.yaml': configMap('x') });
    await setup({ wait: false, dependsOn: [{ name: 'infra' }] }, 'apps');
    await advanceUntil(async () => (await ready())?.reason === 'DependencyNotReady');
    await setup({ wait: true }, 'infra', './infra');
    await advanceUntil(async () => (await ready('infra'))?.status === 'True' && (await ready())?.status === 'True');
    expect(await get('ConfigMap', 'x')).toBeDefined();
  });

  it('prunes everything it applied when deleted', async () => {
    repo.commit({ 'deploy/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n', 'deploy/cm.yaml': configMap('gone') });
    await setup({ wait: false });
    await advanceUntil(async () => (await ready())?.status === 'True');
    await cluster.delete(ksRef());
    await advanceUntil(async () => (await cluster.get(ksRef())) === undefined);
    expect(await get('ConfigMap', 'gone')).toBeUndefined();
  });

  it.each([
    ['Orphan', true, false],
    ['Delete', false, true],
    ['MirrorPrune', false, false],
    ['MirrorPrune', true, true],
  ])('on delete with deletionPolicy %s and prune %s, deletes the applied objects: %s', async (deletionPolicy, prune, deleted) => {
    repo.commit({ 'deploy/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n', 'deploy/cm.yaml': configMap('policy') });
    await setup({ wait: false, prune, deletionPolicy });
    await advanceUntil(async () => (await ready())?.status === 'True');
    await cluster.delete(ksRef());
    await advanceUntil(async () => (await cluster.get(ksRef())) === undefined);
    expect((await get('ConfigMap', 'policy')) === undefined).toBe(deleted);
  });

  it('with deletionPolicy WaitForTermination, keeps its finalizer until the deleted objects are gone', async () => {
    repo.commit({ 'deploy/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n', 'deploy/cm.yaml': configMap('slow') });
    await setup({ wait: false, deletionPolicy: 'WaitForTermination' });
    await advanceUntil(async () => (await ready())?.status === 'True');
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', name: 'slow', namespace: 'apps' };
    await cluster.patch(cm, { metadata: { finalizers: ['example.com/cleanup'] } }, 'merge');
    await cluster.delete(ksRef());
    await advanceUntil(async () => Boolean((await get('ConfigMap', 'slow'))?.metadata.deletionTimestamp));
    for (let i = 0; i < 10; i++) await clock.advanceAsync(1_000);
    expect(await cluster.get(ksRef())).toBeDefined();
    await cluster.patch(cm, { metadata: { finalizers: null } }, 'merge');
    await advanceUntil(async () => (await cluster.get(ksRef())) === undefined);
    expect(await get('ConfigMap', 'slow')).toBeUndefined();
  });

  it('keeps what it applied when its source disappears, and says so', async () => {
    repo.commit({ 'deploy/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n', 'deploy/cm.yaml': configMap('kept') });
    await setup({ wait: false });
    await advanceUntil(async () => (await ready())?.status === 'True');
    await cluster.delete({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', name: 'app', namespace: 'flux-system' });
    // No request and no interval: the source's finalisation tells its referrers.
    await advanceUntil(async () => (await ready())?.status === 'False');
    expect(await ready()).toMatchObject({ reason: 'ArtifactFailed' });
    expect((await ready())?.message).toBe("Source 'GitRepository/flux-system/app' not found");
    expect(await get('ConfigMap', 'kept')).toBeDefined();
    expect((await status()).inventory?.entries.map((e) => e.id)).toContain('apps_kept__ConfigMap');
  });

  it.each([
    ['an unknown kind with no CRD', 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: apps\n', 'Widget'],
    ['a namespace that does not exist', configMap('lost').replace('namespace: apps', 'namespace: nowhere'), 'namespaces "nowhere" not found'],
  ])('fails the apply on %s, naming it, and prunes nothing', async (_what, manifest, message) => {
    repo.commit({ 'deploy/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n', 'deploy/keep.yaml': configMap('keep') });
    await setup({ wait: false });
    await advanceUntil(async () => (await ready())?.status === 'True');
    repo.commit({ 'deploy/keep.yaml': null, 'deploy/bad.yaml': manifest });
    await requestSource(`bad-${message}`);
    await advanceUntil(async () => (await ready())?.status === 'False');
    expect((await ready())?.message).toContain(message);
    expect(await get('ConfigMap', 'keep')).toBeDefined();
  });

  it.each([
    ['a path that does not exist', { path: './nope' }, 'ArtifactFailed', 'kustomization path not found: ./nope', false],
    ['a path that escapes the artifact', { path: '../../etc' }, 'BuildFailed', "spec.path '../../etc' points outside the artifact", true],
    ['a dependency that does not exist', { dependsOn: [{ name: 'ghost' }] }, 'DependencyNotReady', "dependency 'flux-system/ghost' not found", false],
  ])('reports %s', async (_what, extra, reason, message, stalled) => {
    repo.commit({ 'deploy/cm.yaml': configMap('x') });
    await setup({ wait: false, ...extra });
    await advanceUntil(async () => (await ready())?.message === message);
    expect((await ready())?.reason).toBe(reason);
    expect((await status()).conditions?.some((c) => c.type === 'Stalled' && c.status === 'True')).toBe(stalled);
  });

  it('takes ownership of fields another field manager changed, as kustomize-controller does', async () => {
    repo.commit({ 'deploy/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n', 'deploy/web.yaml': deployment('web', 'nginx:1.27', 2) });
    await setup({ wait: false });
    await advanceUntil(async () => (await ready())?.status === 'True');
    await cluster.apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'apps' }, spec: { replicas: 5 } }, { fieldManager: 'helm', force: true });
    await cluster.patch(ksRef(), { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': 'take' } } }, 'merge');
    await advanceUntil(async () => ((await get('Deployment', 'web', 'apps/v1'))?.spec as { replicas: number }).replicas === 2);
    const web = await get('Deployment', 'web', 'apps/v1');
    expect(JSON.stringify(web?.metadata.managedFields?.find((m) => m.manager === 'helm')?.fieldsV1 ?? {})).not.toContain('f:replicas');
  });

  it('does not write anything when a reconcile finds nothing to change', async () => {
    repo.commit({ 'deploy/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n', 'deploy/cm.yaml': configMap('same') });
    await setup({ wait: false });
    await advanceUntil(async () => (await ready())?.status === 'True');
    const rv = (await get('ConfigMap', 'same'))?.metadata.resourceVersion;
    await cluster.patch(ksRef(), { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': 'again' } } }, 'merge');
    await advanceUntil(async () => ((await cluster.get(ksRef()))?.status as { lastHandledReconcileAt?: string }).lastHandledReconcileAt === 'again' && (await ready())?.status === 'True');
    expect((await get('ConfigMap', 'same'))?.metadata.resourceVersion).toBe(rv);
  });
});
