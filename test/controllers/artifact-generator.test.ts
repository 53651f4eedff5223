/**
 * ArtifactGenerator (Flux's source-watcher) on the engine, with a monorepo served by a real
 * `git http-backend`: it splits the repository into ExternalArtifacts that Kustomizations and
 * HelmReleases consume; a commit moves only the artifacts whose content changed, so only their
 * consumers reconcile; failures say which field to fix; removed entries are garbage-collected.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, settle } from '../../src/api/clock.js';
import { fluxCrds } from '../../src/api/crds.js';
import type { KubeObject, ObjectRef } from '../../src/api/meta.js';
import { MemoryCluster } from '../../src/cluster/memory/index.js';
import { createEngine } from '../../src/controllers/engine.js';
import type { Engine } from '../../src/controllers/engine.js';
import { readArchive } from '../../src/sources/git-repository.js';
import { tarGz } from '../../src/sources/artifact/tarball.js';
import { startGitServer } from '../../src/sources/git/serve.js';
import type { GitServer } from '../../src/sources/git/serve.js';
import { makeRepo } from '../helpers/git.js';
import type { TestRepo } from '../helpers/git.js';

type Cond = { type: string; status: string; reason: string; message: string; observedGeneration?: number };
type Artifact = { revision: string; digest: string; path: string; lastUpdateTime: string; metadata?: Record<string, string> };
type EaStatus = { artifact?: Artifact; conditions?: Cond[] };
type AgStatus = { conditions?: Cond[]; inventory?: { name: string; namespace: string; digest: string; filename: string }[]; observedSourcesDigest?: string; observedGeneration?: number };

const SOURCE = 'source.toolkit.fluxcd.io/v1';
const GEN = 'source.extensions.fluxcd.io/v1beta1';
const KS = 'kustomize.toolkit.fluxcd.io/v1';

const configMap = (name: string, data: Record<string, string>): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: apps\ndata:\n${Object.entries(data)
    .map(([k, v]) => `  ${k}: "${v}"`)
    .join('\n')}\n`;
const kustomization = (...resources: string[]): string => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${resources.map((r) => `  - ${r}`).join('\n')}\n`;

/** A monorepo laid out as flux2-kustomize-helm-example's 2026 layout, in miniature. */
const monorepo = {
  'apps/base/kustomization.yaml': kustomization('app.yaml'),
  'apps/base/app.yaml': configMap('app', { color: 'blue' }),
  'apps/staging/kustomization.yaml': kustomization('../base'),
  'infrastructure/controllers/kustomization.yaml': kustomization('infra.yaml'),
  'infrastructure/controllers/infra.yaml': configMap('infra', { tier: 'one' }),
  'charts/demo/Chart.yaml': 'apiVersion: v2\nname: demo\nversion: 1.2.3\n',
  'charts/demo/values.yaml': 'greeting: hello\n',
  'charts/demo/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n  namespace: {{ .Release.Namespace }}\ndata:\n  greeting: {{ .Values.greeting | quote }}\n',
  'README.md': '# monorepo',
};

const generator = (artifacts: unknown[], extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: GEN,
  kind: 'ArtifactGenerator',
  metadata: { name: 'split', namespace: 'flux-system' },
  spec: { sources: [{ alias: 'monorepo', kind: 'GitRepository', name: 'mono' }], artifacts, ...extra },
});

const splitArtifacts = [
  { name: 'infrastructure', originRevision: '@monorepo', copy: [{ from: '@monorepo/infrastructure/**', to: '@artifact/' }] },
  {
    name: 'apps',
    originRevision: '@monorepo',
    copy: [
      { from: '@monorepo/apps/base/**', to: '@artifact/base/' },
      { from: '@monorepo/apps/staging/**', to: '@artifact/staging/' },
    ],
  },
];

describe('ArtifactGenerator', () => {
  let repo: TestRepo;
  let server: GitServer;
  let tmp: string;
  let clock: ManualClock;
  let cluster: MemoryCluster;
  let engine: Engine;

  beforeEach(async () => {
    repo = makeRepo('mono');
    repo.commit(monorepo, 'initial');
    server = await startGitServer({ root: repo.root });
    tmp = mkdtempSync(path.join(os.tmpdir(), 'fluxion-ag-'));
    clock = new ManualClock();
    cluster = new MemoryCluster({ clock, crds: fluxCrds(), rolloutDelayMs: 1000 });
    for (const ns of ['flux-system', 'apps']) await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    engine = createEngine({ cluster, clock, stateDir: path.join(tmp, 'state'), healthPollMs: 500, randomSeed: () => 0.5 });
    await engine.start();
    await cluster.create({ apiVersion: SOURCE, kind: 'GitRepository', metadata: { name: 'mono', namespace: 'flux-system' }, spec: { url: server.url('mono.git'), interval: '1h', ref: { branch: 'main' } } });
  });

  afterEach(async () => {
    await engine.stop();
    await server.close();
    repo.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  const ref = (kind: string, name: string, apiVersion = SOURCE, namespace = 'flux-system'): ObjectRef => ({ apiVersion, kind, name, namespace });
  const ea = async (name: string): Promise<KubeObject | undefined> => cluster.get(ref('ExternalArtifact', name));
  const eaStatus = async (name: string): Promise<EaStatus> => ((await ea(name))?.status ?? {}) as EaStatus;
  const agStatus = async (): Promise<AgStatus> => ((await cluster.get(ref('ArtifactGenerator', 'split', GEN)))?.status ?? {}) as AgStatus;
  const condition = async (kind: string, name: string, apiVersion: string, type = 'Ready'): Promise<Cond | undefined> =>
    (((await cluster.get(ref(kind, name, apiVersion)))?.status ?? {}) as { conditions?: Cond[] }).conditions?.find((c) => c.type === type);
  const agReady = () => condition('ArtifactGenerator', 'split', GEN);
  const ksReady = (name: string) => condition('Kustomization', name, KS);
  const until = async (check: () => Promise<boolean>, what: string): Promise<void> => {
    for (let i = 0; i < 200; i++) {
      for (let j = 0; j < 200; j++) {
        if (await check()) return;
        await settle(2);
      }
      await clock.advanceAsync(500);
    }
    throw new Error(`${what}: not reached; generator ${JSON.stringify(await agStatus())}`);
  };
  const filesOf = async (name: string): Promise<Record<string, string>> => {
    const artifact = (await eaStatus(name)).artifact!;
    return Object.fromEntries((await readArchive(await engine.storage.read(artifact))).map((f) => [f.path, Buffer.from(f.content).toString()]));
  };
  const consumer = (name: string, source: string, kpath: string): KubeObject => ({
    apiVersion: KS,
    kind: 'Kustomization',
    metadata: { name, namespace: 'flux-system' },
    spec: { interval: '1h', prune: true, path: kpath, sourceRef: { kind: 'ExternalArtifact', name: source } },
  });
  /** Events the actor of an object has handled so far. */
  const eventsSeen = (r: ObjectRef): number => (engine.supervisor.actorFor(r)?.getSnapshot() as unknown as { context: { seen: number } }).context.seen;
  const requestReconcile = async (r: ObjectRef, at: string): Promise<void> => {
    await cluster.patch(r, { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': at } } }, 'merge');
  };

  it('splits the repository into ExternalArtifacts that it owns, and Kustomizations apply them', async () => {
    const commit = repo.head();
    await cluster.create(generator(splitArtifacts));
    await cluster.create(consumer('infra', 'infrastructure', './controllers'));
    await cluster.create(consumer('apps', 'apps', './staging'));
    await until(async () => (await ksReady('apps'))?.status === 'True' && (await ksReady('infra'))?.status === 'True', 'consumers applied');

    expect(await agReady()).toMatchObject({ status: 'True', reason: 'Succeeded', message: 'reconciliation succeeded, generated 2 artifact(s)' });
    const st = await agStatus();
    expect(st.inventory?.map((e) => e.name)).toEqual(['infrastructure', 'apps']);
    expect(st.observedSourcesDigest).toMatch(/^sha256:[0-9a-f]{64}$/);

    const apps = (await ea('apps'))!;
    const ag = (await cluster.get(ref('ArtifactGenerator', 'split', GEN)))!;
    expect(apps.spec).toEqual({ sourceRef: { apiVersion: GEN, kind: 'ArtifactGenerator', name: 'split', namespace: 'flux-system' } });
    expect(apps.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'source-watcher', 'source.extensions.fluxcd.io/generator': ag.metadata.uid });
    const artifact = (await eaStatus('apps')).artifact!;
    expect(artifact.revision).toBe(`latest@${artifact.digest}`);
    expect(artifact.path).toMatch(/^externalartifact\/flux-system\/apps\/\d+\.tar\.gz$/);
    expect(artifact.metadata).toEqual({ 'org.opencontainers.image.revision': `main@sha1:${commit}` });
    expect(st.inventory?.[1]).toEqual({ name: 'apps', namespace: 'flux-system', digest: artifact.digest, filename: path.basename(artifact.path) });
    expect((await eaStatus('apps')).conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'Succeeded', message: 'Artifact is ready' });
    expect(await filesOf('apps')).toEqual({ 'base/kustomization.yaml': monorepo['apps/base/kustomization.yaml'], 'base/app.yaml': monorepo['apps/base/app.yaml'], 'staging/kustomization.yaml': monorepo['apps/staging/kustomization.yaml'] });
    expect(Object.keys(await filesOf('infrastructure')).sort()).toEqual(['controllers/infra.yaml', 'controllers/kustomization.yaml']);

    expect((await cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'app', namespace: 'apps' }))?.data).toEqual({ color: 'blue' });
    expect(await ksReady('apps')).toMatchObject({ message: `Applied revision: ${artifact.revision}` });
  }, 60_000);

  it('a commit touching only apps/ moves only the apps artifact: its consumer follows, the other is not woken', async () => {
    await cluster.create(generator(splitArtifacts));
    await cluster.create(consumer('infra', 'infrastructure', './controllers'));
    await cluster.create(consumer('apps', 'apps', './staging'));
    await until(async () => (await ksReady('apps'))?.status === 'True' && (await ksReady('infra'))?.status === 'True', 'consumers applied');
    const infraBefore = (await eaStatus('infrastructure')).artifact!;
    const appsBefore = (await eaStatus('apps')).artifact!;
    await settle(50);
    const infraSeen = eventsSeen(ref('Kustomization', 'infra', KS));
    const digestBefore = (await agStatus()).observedSourcesDigest;

    const commit = repo.commit({ 'apps/base/app.yaml': configMap('app', { color: 'green' }) }, 'apps only');
    await requestReconcile(ref('GitRepository', 'mono'), 'apps-commit');
    await until(async () => ((await cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'app', namespace: 'apps' }))?.data as Record<string, string> | undefined)?.color === 'green', 'apps consumer follows');
    await settle(50);

    const appsAfter = (await eaStatus('apps')).artifact!;
    expect(appsAfter.revision).not.toBe(appsBefore.revision);
    expect(appsAfter.metadata?.['org.opencontainers.image.revision']).toBe(`main@sha1:${commit}`);
    expect(await ksReady('apps')).toMatchObject({ status: 'True', message: `Applied revision: ${appsAfter.revision}` });
    // Same content: the same revision and file (only the origin revision it records moves), and
    // no event for its consumer.
    const infraAfter = (await eaStatus('infrastructure')).artifact!;
    expect(infraAfter).toMatchObject({ revision: infraBefore.revision, digest: infraBefore.digest, path: infraBefore.path, metadata: { 'org.opencontainers.image.revision': `main@sha1:${commit}` } });
    expect(eventsSeen(ref('Kustomization', 'infra', KS))).toBe(infraSeen);
    expect((await cluster.get(ref('Kustomization', 'infra', KS)))?.status).toMatchObject({ lastAppliedRevision: infraBefore.revision });
    expect((await agStatus()).observedSourcesDigest).not.toBe(digestBefore);

    // A commit outside both artifacts changes neither.
    repo.commit({ 'README.md': '# changed' }, 'docs');
    await requestReconcile(ref('GitRepository', 'mono'), 'docs-commit');
    const docsDigest = (await agStatus()).observedSourcesDigest;
    await until(async () => (await agStatus()).observedSourcesDigest !== docsDigest && (await agReady())?.status === 'True', 'generator saw the commit');
    expect((await eaStatus('apps')).artifact?.revision).toBe(appsAfter.revision);
    expect((await eaStatus('infrastructure')).artifact?.revision).toBe(infraBefore.revision);
    expect(eventsSeen(ref('Kustomization', 'infra', KS))).toBe(infraSeen);
  }, 60_000);

  it('a glob matching nothing is Ready=False BuildFailed naming the copy operation; fixing the spec recovers', async () => {
    await cluster.create(generator([{ name: 'apps', copy: [{ from: '@monorepo/apps/base/**', to: '@artifact/' }, { from: '@monorepo/app/*.yaml', to: '@artifact/' }] }]));
    await until(async () => (await agReady())?.reason === 'BuildFailed', 'failed');
    expect(await agReady()).toMatchObject({
      status: 'False',
      message: "spec.artifacts[0].copy[1]: apps build failed: failed to apply copy operation from '@monorepo/app/*.yaml' to '@artifact/': no files match pattern 'app/*.yaml' in source 'monorepo'",
    });
    expect(await ea('apps')).toBeUndefined();
    await cluster.patch(ref('ArtifactGenerator', 'split', GEN), { spec: { artifacts: [{ name: 'apps', copy: [{ from: '@monorepo/apps/base/**', to: '@artifact/' }] }] } }, 'merge');
    await until(async () => (await agReady())?.status === 'True', 'recovered');
    expect(Object.keys(await filesOf('apps')).sort()).toEqual(['app.yaml', 'kustomization.yaml']);
  }, 60_000);

  it.each([
    ['a malformed glob', [{ name: 'apps', copy: [{ from: '@monorepo/apps/[', to: '@artifact/' }] }], 'ValidationFailed', "spec.artifacts[0].copy[0].from: invalid glob pattern 'apps/[': syntax error in pattern"],
    ['an unknown alias', [{ name: 'apps', copy: [{ from: '@repo/apps/**', to: '@artifact/' }] }], 'InvalidSpec', "spec.artifacts[0].copy[0].from: source alias 'repo' not found in spec.sources"],
    ['a duplicate artifact name', [splitArtifacts[1], splitArtifacts[1]], 'InvalidSpec', "spec.artifacts[1].name: duplicate artifact name 'apps' found"],
  ])('%s stalls the generator, naming the field', async (_n, artifacts, reason, message) => {
    await cluster.create(generator(artifacts));
    await until(async () => (await condition('ArtifactGenerator', 'split', GEN, 'Stalled'))?.status === 'True', 'stalled');
    expect(await agReady()).toMatchObject({ status: 'False', reason, message });
  }, 60_000);

  it('a missing source is Ready=False SourceFetchFailed naming it, until it appears', async () => {
    await cluster.create({ ...generator(splitArtifacts), spec: { sources: [{ alias: 'monorepo', kind: 'GitRepository', name: 'later' }], artifacts: splitArtifacts } });
    await until(async () => (await agReady())?.status === 'False', 'waiting');
    expect(await agReady()).toMatchObject({ reason: 'SourceFetchFailed', message: "get sources failed: spec.sources[0] (alias 'monorepo'): GitRepository 'flux-system/later' not found" });
    await cluster.create({ apiVersion: SOURCE, kind: 'GitRepository', metadata: { name: 'later', namespace: 'flux-system' }, spec: { url: server.url('mono.git'), interval: '1h', ref: { branch: 'main' } } });
    await until(async () => (await agReady())?.status === 'True', 'generated once the source is ready');
    expect((await agStatus()).inventory).toHaveLength(2);
  }, 60_000);

  it('removing an artifact entry deletes its ExternalArtifact and stored files; deleting the generator deletes the rest', async () => {
    await cluster.create(generator(splitArtifacts));
    await until(async () => (await agReady())?.status === 'True', 'generated');
    const infraPath = (await eaStatus('infrastructure')).artifact!.path;
    expect(existsSync(path.join(engine.storage.root, infraPath))).toBe(true);

    await cluster.patch(ref('ArtifactGenerator', 'split', GEN), { spec: { artifacts: [splitArtifacts[1]] } }, 'merge');
    await until(async () => (await ea('infrastructure')) === undefined, 'infrastructure removed');
    await until(async () => (await agStatus()).inventory?.length === 1, 'inventory updated');
    expect(existsSync(path.join(engine.storage.root, path.dirname(infraPath)))).toBe(false);
    expect(await ea('apps')).toBeDefined();

    await cluster.delete(ref('ArtifactGenerator', 'split', GEN));
    await until(async () => (await ea('apps')) === undefined && (await cluster.get(ref('ArtifactGenerator', 'split', GEN))) === undefined, 'all removed');
  }, 60_000);

  it('a path pattern makes one ExternalArtifact per matching directory, labelled with its captures, following the directories', async () => {
    repo.commit({ 'apps/Api/envs/dev/cm.yaml': configMap('api', { env: 'dev' }), 'apps/web/envs/dev/cm.yaml': configMap('web', { env: 'dev' }), 'apps/web/envs/prod/cm.yaml': configMap('web', { env: 'prod' }) }, 'envs');
    await cluster.create(generator([{ name: '{app}-{env}', originRevision: '@monorepo', copy: [{ from: '@monorepo/apps/{app}/envs/{env}/**', to: '@artifact/' }] }], { pathPattern: '@monorepo/apps/{app}/envs/{env}' }));
    await until(async () => (await agReady())?.status === 'True', 'generated');
    expect((await agStatus()).inventory?.map((e) => e.name)).toEqual(['api-dev', 'web-dev', 'web-prod']);
    expect((await ea('api-dev'))?.metadata.labels).toMatchObject({ app: 'api', env: 'dev', 'app.kubernetes.io/managed-by': 'source-watcher' });
    // The copy path keeps the directory's case.
    expect(await filesOf('api-dev')).toEqual({ 'cm.yaml': configMap('api', { env: 'dev' }) });

    repo.commit({ 'apps/web/envs/prod/cm.yaml': null }, 'no prod');
    await requestReconcile(ref('GitRepository', 'mono'), 'no-prod');
    await until(async () => (await ea('web-prod')) === undefined && (await agStatus()).inventory?.length === 2, 'web-prod removed');
    expect((await agStatus()).inventory?.map((e) => e.name)).toEqual(['api-dev', 'web-dev']);
  }, 60_000);

  it('an ExternalArtifact another producer writes is consumed, and its new revisions reach the consumer by watching it', async () => {
    const ext = ref('ExternalArtifact', 'ext');
    const publish = async (n: number): Promise<void> => {
      const archive = tarGz([{ path: 'deploy/cm.yaml', content: Buffer.from(configMap('ext', { n: String(n) })) }]);
      const artifact = await engine.storage.store('ExternalArtifact', 'flux-system', 'ext', `${n}.tar.gz`, archive.bytes, `v${n}@${archive.digest}`);
      const live = (await cluster.get(ext))!;
      const { resourceVersion: _rv, ...metadata } = live.metadata;
      await cluster.updateStatus({ ...live, metadata, status: { artifact } });
    };
    const data = async () => ((await cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'ext', namespace: 'apps' }))?.data as Record<string, string> | undefined)?.n;
    await cluster.create({ apiVersion: SOURCE, kind: 'ExternalArtifact', metadata: { name: 'ext', namespace: 'flux-system' }, spec: { sourceRef: { apiVersion: 'example.com/v1', kind: 'Producer', name: 'mine' } } });
    await publish(1);
    await cluster.create(consumer('ext', 'ext', './deploy'));
    await until(async () => (await data()) === '1', 'first revision applied');
    const started = clock.now();
    await publish(2);
    await until(async () => (await data()) === '2', 'second revision applied');
    // Long before the Kustomization's hourly interval: the watch delivered it.
    expect(clock.now() - started).toBeLessThan(30 * 60_000);
    expect(await ksReady('ext')).toMatchObject({ status: 'True', message: expect.stringMatching(/^Applied revision: v2@sha256:/) });
  }, 60_000);

  it('a HelmRelease installs a chart from an ExternalArtifact, its version carrying the digest', async () => {
    await cluster.create(generator([{ name: 'demo-chart', copy: [{ from: '@monorepo/charts/demo/', to: '@artifact/' }] }]));
    await cluster.create({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'demo', namespace: 'apps' }, spec: { interval: '1h', chartRef: { kind: 'ExternalArtifact', name: 'demo-chart', namespace: 'flux-system' }, values: { greeting: 'hi' } } });
    const hrReady = async () => (((await cluster.get({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', name: 'demo', namespace: 'apps' }))?.status ?? {}) as { conditions?: Cond[] }).conditions?.find((c) => c.type === 'Ready');
    await until(async () => (await hrReady())?.status === 'True', 'installed');
    const digest = (await eaStatus('demo-chart')).artifact!.digest;
    const hr = (await cluster.get({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', name: 'demo', namespace: 'apps' }))!;
    expect(hr.status).toMatchObject({ lastAttemptedRevision: `1.2.3+${digest.slice('sha256:'.length, 'sha256:'.length + 12)}`, lastAttemptedRevisionDigest: `latest@${digest}` });
    expect(await hrReady()).toMatchObject({ message: `Helm install succeeded for release apps/demo.v1 with chart demo@1.2.3+${digest.slice(7, 19)}` });
    expect((await cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'demo', namespace: 'apps' }))?.data).toEqual({ greeting: 'hi' });
  }, 60_000);

  it('a HelmRelease waits for an ExternalArtifact without an artifact, and keeps the chart version of a plain version revision', async () => {
    const hrRef = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', name: 'plain', namespace: 'apps' };
    const hrReady = async () => (((await cluster.get(hrRef))?.status ?? {}) as { conditions?: Cond[] }).conditions?.find((c) => c.type === 'Ready');
    await cluster.create({ apiVersion: SOURCE, kind: 'ExternalArtifact', metadata: { name: 'plain-chart', namespace: 'apps' }, spec: {} });
    await cluster.create({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'plain', namespace: 'apps' }, spec: { interval: '1h', chartRef: { kind: 'ExternalArtifact', name: 'plain-chart' } } });
    await until(async () => (await hrReady())?.reason === 'ArtifactFailed', 'waiting');
    expect(await hrReady()).toMatchObject({ status: 'False', message: "ExternalArtifact 'apps/plain-chart' is not ready: does not have an artifact" });

    const files = Object.entries(monorepo).filter(([p]) => p.startsWith('charts/')).map(([p, c]) => ({ path: p.slice('charts/'.length), content: Buffer.from(c) }));
    const archive = tarGz(files);
    const artifact = await engine.storage.store('ExternalArtifact', 'apps', 'plain-chart', 'chart.tar.gz', archive.bytes, '1.2.3');
    const live = (await cluster.get({ apiVersion: SOURCE, kind: 'ExternalArtifact', name: 'plain-chart', namespace: 'apps' }))!;
    const { resourceVersion: _rv, ...metadata } = live.metadata;
    await cluster.updateStatus({ ...live, metadata, status: { artifact } });
    await until(async () => (await hrReady())?.status === 'True', 'installed');
    expect((await cluster.get(hrRef))?.status).toMatchObject({ lastAttemptedRevision: '1.2.3' });
    expect((await cluster.get(hrRef))?.status).not.toHaveProperty('lastAttemptedRevisionDigest');
  }, 60_000);
});
