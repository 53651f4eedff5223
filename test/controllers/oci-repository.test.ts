/**
 * OCIRepository against an OCI registry on 127.0.0.1: artifacts pushed as `flux push artifact`
 * makes them (and charts pushed by the real `helm push`), resolved by tag, semver range or
 * digest, pulled only when the digest moves, and consumed by Kustomizations and HelmReleases.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, settle } from '../../src/api/clock.js';
import { fluxCrds } from '../../src/api/crds.js';
import type { KubeObject } from '../../src/api/meta.js';
import { MemoryCluster } from '../../src/cluster/memory/index.js';
import { createEngine } from '../../src/controllers/engine.js';
import type { Engine } from '../../src/controllers/engine.js';
import { readArchive } from '../../src/sources/git-repository.js';
import { HELM_CHART_LAYER } from '../../src/sources/helm/oci.js';
import { RegistryClient, parseOciUrl } from '../../src/sources/oci/registry.js';
import { pushArtifact } from '../../src/sources/oci/push.js';
import { ReleaseStorage } from '../../src/helm/release/storage.js';
import { startOciRegistry } from '../helpers/oci-registry.js';
import type { OciRegistry } from '../helpers/oci-registry.js';
import { oracles } from '../helpers/oracles.js';

const run = promisify(execFile);
type Cond = { type: string; status: string; reason: string; message: string };
type Status = { conditions?: Cond[]; artifact?: { revision: string; path: string; digest: string; url: string; metadata?: Record<string, string> }; url?: string; observedLayerSelector?: unknown; observedIgnore?: string };
const SOURCE = 'source.toolkit.fluxcd.io/v1';

const configMap = (name: string, data: Record<string, string>): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: apps\ndata:\n${Object.entries(data)
    .map(([k, v]) => `  ${k}: "${v}"`)
    .join('\n')}\n`;
const files = (entries: Record<string, string>) => Object.entries(entries).map(([p, c]) => ({ path: p, content: Buffer.from(c) }));

describe('OCIRepository', () => {
  let tmp: string;
  let registry: OciRegistry;
  let clock: ManualClock;
  let cluster: MemoryCluster;
  let engine: Engine;
  let client: RegistryClient;

  const start = async (readers?: { username: string; password: string }): Promise<void> => {
    registry = await startOciRegistry(readers ? { readers } : {});
    client = new RegistryClient(parseOciUrl(`oci://${registry.host}/manifests/app`, { plainHttp: true }));
  };

  beforeEach(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'fluxion-ocirepo-'));
    clock = new ManualClock();
    cluster = new MemoryCluster({ clock, crds: fluxCrds(), rolloutDelayMs: 1000 });
    for (const ns of ['flux-system', 'apps']) await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    engine = createEngine({ cluster, clock, stateDir: path.join(tmp, 'state'), healthPollMs: 500, randomSeed: () => 0.5 });
    await engine.start();
  });

  afterEach(async () => {
    await engine.stop();
    await registry?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  const get = (kind: string, apiVersion: string, name: string, namespace = 'apps') => cluster.get({ apiVersion, kind, name, namespace });
  const statusOf = async (name: string): Promise<Status> => ((await get('OCIRepository', SOURCE, name))?.status ?? {}) as Status;
  const condition = async (name: string, type = 'Ready', kind = 'OCIRepository', apiVersion = SOURCE): Promise<Cond | undefined> =>
    (((await get(kind, apiVersion, name))?.status ?? {}) as Status).conditions?.find((c) => c.type === type);
  const until = async (check: () => Promise<boolean>, what: string): Promise<void> => {
    for (let i = 0; i < 200; i++) {
      for (let j = 0; j < 200; j++) {
        if (await check()) return;
        await settle(2);
      }
      await clock.advanceAsync(500);
    }
    throw new Error(`${what}: not reached`);
  };
  const ociRepository = (name: string, spec: Record<string, unknown>): KubeObject => ({
    apiVersion: SOURCE,
    kind: 'OCIRepository',
    metadata: { name, namespace: 'apps' },
    spec: { interval: '10m', url: `oci://${registry.host}/manifests/app`, insecure: true, ...spec },
  });
  const reconcile = async (kind: string, apiVersion: string, name: string, at: string): Promise<void> => {
    await cluster.patch({ apiVersion, kind, name, namespace: 'apps' }, { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': at } } }, 'merge');
  };

  it('stores the tag’s layer as an artifact, and a Kustomization applies it; nothing is pulled while the digest stays', async () => {
    await start();
    const first = await pushArtifact(client, 'latest', files({ 'deploy/settings.yaml': configMap('settings', { color: 'blue' }), 'deploy/logo.png': 'png', 'README.md': '# app' }), { source: 'https://github.com/org/app', revision: 'main@sha1:1111111111111111111111111111111111111111', created: '2026-11-30T00:00:00Z' });
    await cluster.create(ociRepository('app', {}));
    await cluster.create({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'app', namespace: 'apps' }, spec: { interval: '10m', prune: true, path: './deploy', sourceRef: { kind: 'OCIRepository', name: 'app' } } });
    await until(async () => (await condition('app', 'Ready', 'Kustomization', 'kustomize.toolkit.fluxcd.io/v1'))?.status === 'True', 'applied');

    const st = await statusOf('app');
    const hex = first.digest.slice('sha256:'.length);
    expect(st.artifact).toMatchObject({ revision: `latest@${first.digest}`, path: `ocirepository/apps/app/${hex}.tar.gz`, metadata: { 'org.opencontainers.image.source': 'https://github.com/org/app', 'org.opencontainers.image.revision': 'main@sha1:1111111111111111111111111111111111111111', 'org.opencontainers.image.created': '2026-11-30T00:00:00Z' } });
    expect(st.url).toBe(st.artifact?.url);
    expect(await condition('app')).toMatchObject({ status: 'True', reason: 'Succeeded', message: `stored artifact for digest 'latest@${first.digest}'` });
    expect(await condition('app', 'ArtifactInStorage')).toMatchObject({ status: 'True' });
    // Default exclusions apply to extracted content, as for Git.
    const stored = (await readArchive(await engine.storage.read(st.artifact!))).map((f) => f.path).sort();
    expect(stored).toEqual(['README.md', 'deploy/settings.yaml']);
    expect((await get('ConfigMap', 'v1', 'settings'))?.data).toEqual({ color: 'blue' });
    expect(await condition('app', 'Ready', 'Kustomization', 'kustomize.toolkit.fluxcd.io/v1')).toMatchObject({ message: `Applied revision: latest@${first.digest}` });
    const newArtifact = (await cluster.list({ apiVersion: 'v1', kind: 'Event', namespace: 'apps' })).items.filter((e) => e.reason === 'NewArtifact' && (e.involvedObject as { kind?: string }).kind === 'OCIRepository');
    expect(newArtifact.map((e) => e.message)).toEqual([
      `stored artifact with revision 'latest@${first.digest}' from 'oci://${registry.host}/manifests/app', origin source 'https://github.com/org/app', origin revision 'main@sha1:1111111111111111111111111111111111111111'`,
    ]);

    // Next interval: one HEAD, no manifest or blob GETs.
    registry.requests.length = 0;
    await reconcile('OCIRepository', SOURCE, 'app', 'one');
    const done = async (at: string) => ((await get('OCIRepository', SOURCE, 'app'))?.status as { lastHandledReconcileAt?: string } | undefined)?.lastHandledReconcileAt === at && (await condition('app', 'Reconciling')) === undefined;
    await until(() => done('one'), 'checked');
    await settle(50);
    expect(registry.requests).toEqual(['HEAD /v2/manifests/app/manifests/latest']);

    // The tag moves: new artifact, the Kustomization follows.
    const second = await pushArtifact(client, 'latest', files({ 'deploy/settings.yaml': configMap('settings', { color: 'green' }) }));
    await reconcile('OCIRepository', SOURCE, 'app', 'two');
    await until(async () => ((await get('ConfigMap', 'v1', 'settings'))?.data as Record<string, string> | undefined)?.color === 'green', 'new revision applied');
    expect((await statusOf('app')).artifact?.revision).toBe(`latest@${second.digest}`);
    expect(registry.requests).toContain(`GET /v2/manifests/app/manifests/${second.digest}`);
  });

  it('picks the highest tag in a semver range (filtered), and a digest over both', async () => {
    await start();
    const pushed: Record<string, string> = {};
    for (const tag of ['1.0.0', '1.2.0', 'v1.4.0', '1.5.0-rc.1', '2.0.0-rc.1', 'latest', 'not-a-version']) {
      pushed[tag] = (await pushArtifact(client, tag, files({ 'tag.txt': tag }))).digest;
    }
    await cluster.create(ociRepository('stable', { ref: { semver: '>=1.0.0 <2.0.0' } }));
    await cluster.create(ociRepository('rc', { ref: { semver: '>=1.0.0-0', semverFilter: '.*-rc.*' } }));
    await cluster.create(ociRepository('pinned', { ref: { tag: '1.0.0', semver: '*', digest: pushed['1.2.0'] } }));
    await until(async () => (await Promise.all(['stable', 'rc', 'pinned'].map((n) => condition(n)))).every((c) => c?.status === 'True'), 'all ready');
    expect((await statusOf('stable')).artifact?.revision).toBe(`v1.4.0@${pushed['v1.4.0']}`);
    expect((await statusOf('rc')).artifact?.revision).toBe(`2.0.0-rc.1@${pushed['2.0.0-rc.1']}`);
    // A digest reference has no tag in its revision.
    expect((await statusOf('pinned')).artifact?.revision).toBe(pushed['1.2.0']);
    const content = await readArchive(await engine.storage.read((await statusOf('pinned')).artifact!));
    expect(content.map((f) => Buffer.from(f.content).toString())).toEqual(['1.2.0']);
  });

  it('reports registry failures, keeps the last artifact, and stalls on what retrying cannot fix', async () => {
    await start();
    const good = await pushArtifact(client, 'latest', files({ 'deploy/settings.yaml': configMap('settings', { color: 'blue' }) }));
    await cluster.create(ociRepository('app', {}));
    await until(async () => (await condition('app'))?.status === 'True', 'ready');

    // A tag that is not there.
    await cluster.patch({ apiVersion: SOURCE, kind: 'OCIRepository', name: 'app', namespace: 'apps' }, { spec: { ref: { tag: '9.9.9' } } }, 'merge');
    await until(async () => (await condition('app'))?.status === 'False', 'failed');
    expect(await condition('app')).toMatchObject({ reason: 'OCIArtifactPullFailed', message: `failed to determine artifact digest: tag '9.9.9' not found in ${registry.host}/manifests/app` });
    expect(await condition('app', 'FetchFailed')).toMatchObject({ status: 'True', reason: 'OCIArtifactPullFailed' });
    expect((await statusOf('app')).artifact?.revision).toBe(`latest@${good.digest}`);

    // A layer type the artifact does not have.
    await cluster.patch({ apiVersion: SOURCE, kind: 'OCIRepository', name: 'app', namespace: 'apps' }, { spec: { ref: { tag: 'latest' }, layerSelector: { mediaType: HELM_CHART_LAYER } } }, 'merge');
    await until(async () => (await condition('app'))?.reason === 'OCIArtifactLayerOperationFailed', 'layer failure');
    expect((await condition('app'))?.message).toBe(`failed to find layer with media type '${HELM_CHART_LAYER}' in artifact`);
    expect((await statusOf('app')).artifact?.revision).toBe(`latest@${good.digest}`);

    // Back to a good spec: FetchFailed goes away.
    await cluster.patch({ apiVersion: SOURCE, kind: 'OCIRepository', name: 'app', namespace: 'apps' }, { spec: { layerSelector: null } }, 'merge');
    await until(async () => (await condition('app'))?.status === 'True', 'recovered');
    expect(await condition('app', 'FetchFailed')).toBeUndefined();

    // A tag in the URL and an unsupported verification stall.
    await cluster.create(ociRepository('tagged', { url: `oci://${registry.host}/manifests/app:v1` }));
    await cluster.create(ociRepository('signed', { verify: { provider: 'cosign' } }));
    await until(async () => (await condition('tagged', 'Stalled'))?.status === 'True' && (await condition('signed', 'Stalled'))?.status === 'True', 'stalled');
    expect(await condition('tagged')).toMatchObject({ status: 'False', reason: 'URLInvalid', message: `URL validation failed for 'oci://${registry.host}/manifests/app:v1': URL must not contain a tag; remove ':v1'` });
    expect(await condition('signed', 'SourceVerified')).toMatchObject({ status: 'False', reason: 'VerificationError' });
    expect(registry.requests.filter((r) => r.includes('app:v1'))).toEqual([]);
  });

  it('extracts the selected layer or copies it as it is, and honours spec.ignore', async () => {
    await start();
    const layer = (await import('../../src/sources/artifact/tarball.js')).tarGz(files({ 'a.yaml': 'a: 1\n', 'b.yaml': 'b: 1\n' })).bytes;
    const pushed = await pushArtifact(client, 'latest', layer, { layerMediaType: 'application/vnd.example.content.v1.tar+gzip' });
    await cluster.create(ociRepository('copied', { layerSelector: { mediaType: 'application/vnd.example.content.v1.tar+gzip', operation: 'copy' } }));
    await cluster.create(ociRepository('extracted', { ignore: 'b.yaml\n' }));
    await until(async () => (await condition('copied'))?.status === 'True' && (await condition('extracted'))?.status === 'True', 'ready');
    expect(await engine.storage.read((await statusOf('copied')).artifact!)).toEqual(layer);
    expect((await statusOf('copied')).observedLayerSelector).toEqual({ mediaType: 'application/vnd.example.content.v1.tar+gzip', operation: 'copy' });
    expect((await readArchive(await engine.storage.read((await statusOf('extracted')).artifact!))).map((f) => f.path)).toEqual(['a.yaml']);
    expect((await statusOf('extracted')).observedIgnore).toBe('b.yaml\n');
    expect((await statusOf('extracted')).artifact?.revision).toBe(`latest@${pushed.digest}`);

    // A changed ignore rule rebuilds the artifact from the same digest.
    await cluster.patch({ apiVersion: SOURCE, kind: 'OCIRepository', name: 'extracted', namespace: 'apps' }, { spec: { ignore: 'a.yaml\n' } }, 'merge');
    await until(async () => (await statusOf('extracted')).observedIgnore === 'a.yaml\n', 'rebuilt');
    expect((await readArchive(await engine.storage.read((await statusOf('extracted')).artifact!))).map((f) => f.path)).toEqual(['b.yaml']);
  });

  it('authenticates with a docker-registry Secret, directly or through a ServiceAccount’s imagePullSecrets', async () => {
    await start({ username: 'flux', password: 's3cret' });
    await pushArtifact(client, 'latest', files({ 'x.yaml': 'x: 1\n' }));
    const dockerconfig = JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from('flux:s3cret').toString('base64') } } });
    await cluster.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'regcred', namespace: 'apps' }, type: 'kubernetes.io/dockerconfigjson', stringData: { '.dockerconfigjson': dockerconfig } });
    await cluster.create(ociRepository('with-secret', { secretRef: { name: 'regcred' } }));
    await cluster.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'puller', namespace: 'apps' }, imagePullSecrets: [{ name: 'regcred' }] });
    await cluster.create(ociRepository('with-sa', { serviceAccountName: 'puller' }));
    await cluster.create(ociRepository('missing-secret', { secretRef: { name: 'nope' } }));
    await until(async () => (await condition('with-secret'))?.status === 'True' && (await condition('with-sa'))?.status === 'True' && (await condition('missing-secret'))?.status === 'False', 'authenticated');
    expect(await condition('missing-secret')).toMatchObject({ reason: 'AuthenticationFailed', message: "secret 'apps/nope' not found" });
    expect(registry.requests).toContain('GET /token');
    // The tokens those credentials got are theirs: an object without credentials is refused.
    await cluster.create(ociRepository('anonymous', {}));
    await until(async () => (await condition('anonymous'))?.status === 'False', 'refused');
    expect((await condition('anonymous'))?.message).toContain('401');
  });

  describe('as the chart of a HelmRelease (chartRef)', () => {
    const helm = async (...args: string[]): Promise<string> => {
      const { helm: bin } = await oracles();
      const env = { PATH: process.env.PATH ?? '', HOME: tmp, HELM_CACHE_HOME: path.join(tmp, 'hc'), HELM_CONFIG_HOME: path.join(tmp, 'hcfg'), HELM_DATA_HOME: path.join(tmp, 'hd'), HELM_REGISTRY_CONFIG: path.join(tmp, 'registry.json') };
      return (await run(bin, args, { env, cwd: tmp })).stdout;
    };
    /** Packages chart `web` of `version` and pushes it with the real helm to oci://REGISTRY/charts/web. */
    const pushChart = async (version: string): Promise<string> => {
      const dir = path.join(tmp, `src-${version}`, 'web');
      mkdirSync(path.join(dir, 'templates'), { recursive: true });
      writeFileSync(path.join(dir, 'Chart.yaml'), `apiVersion: v2\nname: web\nversion: ${version}\nappVersion: "${version}"\n`);
      writeFileSync(path.join(dir, 'values.yaml'), 'greeting: hello\n');
      writeFileSync(path.join(dir, 'templates', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-settings\ndata:\n  chart: {{ .Chart.Version | quote }}\n  greeting: {{ .Values.greeting | quote }}\n');
      await helm('package', dir, '--destination', tmp);
      await helm('push', path.join(tmp, `web-${version}.tgz`), `oci://${registry.host}/charts`, '--plain-http');
      return path.join(tmp, `web-${version}.tgz`);
    };
    const hrStatus = async () => ((await get('HelmRelease', 'helm.toolkit.fluxcd.io/v2', 'web'))?.status ?? {}) as Record<string, unknown> & { conditions?: Cond[]; history?: Record<string, unknown>[] };
    const helmRelease = (spec: Record<string, unknown> = {}): KubeObject => ({
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'web', namespace: 'apps' },
      spec: { interval: '1h', chartRef: { kind: 'OCIRepository', name: 'web' }, ...spec },
    });

    it('installs the chart with the digest in its version, and upgrades when a newer version is pushed', async () => {
      await start();
      await pushChart('1.0.0');
      await pushChart('1.1.0');
      await cluster.create(ociRepository('web', { url: `oci://${registry.host}/charts/web`, ref: { semver: '1.x' }, layerSelector: { mediaType: HELM_CHART_LAYER, operation: 'copy' } }));
      await cluster.create(helmRelease({ values: { greeting: 'hi' } }));
      await until(async () => (await hrStatus()).conditions?.find((c) => c.type === 'Ready')?.status === 'True', 'installed');

      const revision = (await statusOf('web')).artifact!.revision;
      const digest = revision.split('@')[1]!;
      const version = `1.1.0+${digest.slice('sha256:'.length, 'sha256:'.length + 12)}`;
      const st = await hrStatus();
      expect(revision.startsWith('1.1.0@sha256:')).toBe(true);
      expect(st).toMatchObject({ lastAttemptedRevision: version, lastAttemptedRevisionDigest: digest });
      expect(st.helmChart).toBeUndefined();
      expect(st.history?.[0]).toMatchObject({ chartName: 'web', chartVersion: version, appVersion: '1.1.0', ociDigest: digest, status: 'deployed', version: 1 });
      expect((await get('ConfigMap', 'v1', 'web-settings'))?.data).toEqual({ chart: version, greeting: 'hi' });
      const release = await new ReleaseStorage(cluster, 'apps', clock).last('web');
      expect(release?.chart.metadata.version).toBe(version);

      await pushChart('1.2.0');
      await reconcile('OCIRepository', SOURCE, 'web', 'new-chart');
      await until(async () => String((await hrStatus()).lastAttemptedRevision).startsWith('1.2.0+') && (await hrStatus()).conditions?.find((c) => c.type === 'Ready')?.status === 'True', 'upgraded');
      const after = await hrStatus();
      expect(after.history?.map((h) => h.version)).toEqual([2, 1]);
      expect(after.history?.[1]).toMatchObject({ chartVersion: version, ociDigest: digest });
      expect(after.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ reason: 'UpgradeSucceeded' });

      // The registry goes away: the OCIRepository fails, the release keeps its last artifact.
      await registry.close();
      await reconcile('OCIRepository', SOURCE, 'web', 'registry-down');
      await until(async () => (await condition('web'))?.status === 'False', 'source failing');
      expect(await condition('web')).toMatchObject({ reason: 'ReadOperationFailed' });
      expect((await condition('web'))?.message).toMatch(/^failed to determine the artifact tag for 'oci:\/\/127\.0\.0\.1:\d+\/charts\/web': /);
      await reconcile('HelmRelease', 'helm.toolkit.fluxcd.io/v2', 'web', 'still-there');
      await until(async () => (await hrStatus()).lastHandledReconcileAt === 'still-there' && (await hrStatus()).conditions?.find((c) => c.type === 'Reconciling') === undefined, 'reconciled');
      expect((await hrStatus()).conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True' });
      expect(String((await hrStatus()).lastAttemptedRevision)).toMatch(/^1\.2\.0\+/);
    });

    it('loads an extracted chart layer too, and refuses a tag that is not the chart’s version', async () => {
      await start();
      const tgz = await pushChart('1.0.0');
      await cluster.create(ociRepository('web', { url: `oci://${registry.host}/charts/web`, ref: { tag: '1.0.0' } }));
      await cluster.create(helmRelease());
      await until(async () => (await hrStatus()).conditions?.find((c) => c.type === 'Ready')?.status === 'True', 'installed from the extracted layer');
      expect(String((await hrStatus()).lastAttemptedRevision)).toMatch(/^1\.0\.0\+[0-9a-f]{12}$/);

      // The same chart pushed under another version's tag.
      const charts = new RegistryClient(parseOciUrl(`oci://${registry.host}/charts/web`, { plainHttp: true }));
      await pushArtifact(charts, '3.0.0', readFileSync(tgz), { layerMediaType: HELM_CHART_LAYER });
      await cluster.patch({ apiVersion: SOURCE, kind: 'OCIRepository', name: 'web', namespace: 'apps' }, { spec: { ref: { tag: '3.0.0' } } }, 'merge');
      await until(async () => (await hrStatus()).conditions?.find((c) => c.type === 'Ready')?.reason === 'ChartMutateError', 'refused');
      expect((await hrStatus()).conditions?.find((c) => c.type === 'Ready')?.message).toBe('artifact revision 3.0.0 does not match chart version 1.0.0');
    });

    it('waits for the OCIRepository, naming it', async () => {
      await start();
      await cluster.create(helmRelease());
      await until(async () => (await hrStatus()).conditions?.find((c) => c.type === 'Ready')?.status === 'False', 'waiting');
      expect((await hrStatus()).conditions?.find((c) => c.type === 'Ready')).toMatchObject({ reason: 'ArtifactFailed', message: "OCIRepository 'apps/web' is not ready" });
    });
  });
});
