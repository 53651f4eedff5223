/**
 * Bucket against a real S3 emulator (s3rver in a child process, behind a counting proxy):
 * objects indexed by ETag, downloaded only when the index digest moves, archived as the
 * artifact and consumed by Kustomizations and HelmCharts; failures reported as Flux reports them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, settle } from '../../src/api/clock.js';
import { fluxCrds } from '../../src/api/crds.js';
import type { Bucket } from '../../src/api/kinds/bucket.js';
import type { KubeObject } from '../../src/api/meta.js';
import { MemoryCluster } from '../../src/cluster/memory/index.js';
import { createEngine } from '../../src/controllers/engine.js';
import type { Engine, EngineOptions } from '../../src/controllers/engine.js';
import { ArtifactStorage } from '../../src/sources/artifact/storage.js';
import { indexBucket, indexDigest } from '../../src/sources/bucket.js';
import { S3Client } from '../../src/sources/bucket/s3-client.js';
import { readArchive } from '../../src/sources/git-repository.js';
import { startS3rver } from '../helpers/s3rver.js';
import { makeTestPki } from '../helpers/tls.js';
import type { S3rver } from '../helpers/s3rver.js';

type Cond = { type: string; status: string; reason: string; message: string };
type Status = { conditions?: Cond[]; artifact?: { revision: string; path: string; url: string }; url?: string; observedIgnore?: string };
const SOURCE = 'source.toolkit.fluxcd.io/v1';
const KS = 'kustomize.toolkit.fluxcd.io/v1';
const BUCKET = 'app-bucket';

const configMap = (name: string, color: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: apps\ndata:\n  color: ${color}\n`;

describe('Bucket', () => {
  let tmp: string;
  let s3: S3rver;
  let client: S3Client;
  let clock: ManualClock;
  let cluster: MemoryCluster;
  let engine: Engine | undefined;

  beforeEach(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'fluxion-bucket-'));
    s3 = await startS3rver();
    client = new S3Client({ endpoint: s3.endpoint, insecure: true, credentials: { accessKeyId: s3.accessKey, secretAccessKey: s3.secretKey } });
    await client.createBucket(BUCKET);
    clock = new ManualClock();
    cluster = new MemoryCluster({ clock, crds: fluxCrds(), rolloutDelayMs: 1000 });
    for (const ns of ['flux-system', 'apps']) await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await cluster.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's3-keys', namespace: 'apps' }, stringData: { accesskey: s3.accessKey, secretkey: s3.secretKey } });
  });

  afterEach(async () => {
    await engine?.stop();
    engine = undefined;
    await s3.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  const start = async (options: Partial<EngineOptions> = {}): Promise<void> => {
    engine = createEngine({ cluster, clock, stateDir: path.join(tmp, 'state'), healthPollMs: 500, randomSeed: () => 0.5, ...options });
    await engine.start();
  };
  const put = async (objects: Record<string, string>): Promise<Map<string, string>> => {
    const etags = new Map<string, string>();
    for (const [k, v] of Object.entries(objects)) etags.set(k, await client.putObject(BUCKET, k, v));
    return etags;
  };
  const get = (kind: string, apiVersion: string, name: string, namespace = 'apps') => cluster.get({ apiVersion, kind, name, namespace });
  const statusOf = async (name: string): Promise<Status> => ((await get('Bucket', SOURCE, name))?.status ?? {}) as Status;
  const condition = async (name: string, type = 'Ready', kind = 'Bucket', apiVersion = SOURCE): Promise<Cond | undefined> =>
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
  const bucket = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({
    apiVersion: SOURCE,
    kind: 'Bucket',
    metadata: { name, namespace: 'apps' },
    spec: { interval: '10m', provider: 'generic', bucketName: BUCKET, endpoint: s3.endpoint, insecure: true, secretRef: { name: 's3-keys' }, ...spec },
  });
  const kustomization = (name: string, source: string, p: string): KubeObject => ({ apiVersion: KS, kind: 'Kustomization', metadata: { name, namespace: 'apps' }, spec: { interval: '10m', prune: true, path: p, sourceRef: { kind: 'Bucket', name: source } } });
  const reconcile = async (name: string, at: string): Promise<void> => {
    await cluster.patch({ apiVersion: SOURCE, kind: 'Bucket', name, namespace: 'apps' }, { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': at } } }, 'merge');
    await until(async () => ((await get('Bucket', SOURCE, name))?.status as { lastHandledReconcileAt?: string } | undefined)?.lastHandledReconcileAt === at && (await condition(name, 'Reconciling')) === undefined, `reconcile ${at}`);
    await settle(50);
  };
  const artifactFiles = async (name: string): Promise<Record<string, string>> => {
    const st = await statusOf(name);
    const files = await readArchive(await engine!.storage.read(st.artifact!));
    return Object.fromEntries(files.map((f) => [f.path, Buffer.from(f.content).toString('utf8')]));
  };
  /** Object GETs through the proxy (the bucket's `.sourceignore` aside). */
  const objectGets = (): string[] => s3.requests.filter((r) => r.startsWith(`GET /${BUCKET}/`) && !r.startsWith(`GET /${BUCKET}/.sourceignore`));

  it('archives the bucket minus ignored keys under the index digest; a Kustomization applies it; an unchanged index downloads nothing; a changed object is followed', async () => {
    const etags = await put({
      '.sourceignore': '*.md\n',
      'deploy/settings.yaml': configMap('settings', 'blue'),
      'deploy/extra.yaml': configMap('extra', 'red'),
      'README.md': '# app',
      'logo.png': 'png',
    });
    await start();
    await cluster.create(bucket('app', { ignore: '/deploy/extra.yaml' }));
    await cluster.create(kustomization('app', 'app', './deploy'));
    await until(async () => (await condition('app', 'Ready', 'Kustomization', KS))?.status === 'True', 'applied');

    // The revision is Flux's digest of the key → ETag index after ignore rules; no default exclusions for buckets.
    const revision = indexDigest(new Map([['deploy/settings.yaml', etags.get('deploy/settings.yaml')!], ['logo.png', etags.get('logo.png')!]]));
    const st = await statusOf('app');
    expect(st.artifact).toMatchObject({ revision, path: `bucket/apps/app/${revision.slice('sha256:'.length)}.tar.gz` });
    expect(st.url).toBe(st.artifact?.url);
    expect(st.observedIgnore).toBe('/deploy/extra.yaml');
    expect(await condition('app')).toMatchObject({ status: 'True', reason: 'Succeeded', message: `stored artifact: revision '${revision}'` });
    expect(await condition('app', 'ArtifactInStorage')).toMatchObject({ status: 'True' });
    expect(await artifactFiles('app')).toEqual({ 'deploy/settings.yaml': configMap('settings', 'blue'), 'logo.png': 'png' });
    const newArtifact = (await cluster.list({ apiVersion: 'v1', kind: 'Event', namespace: 'apps' })).items.filter((e) => e.reason === 'NewArtifact');
    expect(newArtifact.map((e) => e.message)).toEqual([`stored artifact with 2 fetched files from '${BUCKET}' bucket`]);
    expect((await get('ConfigMap', 'v1', 'settings'))?.data).toEqual({ color: 'blue' });
    expect(await get('ConfigMap', 'v1', 'extra')).toBeUndefined();
    expect(await condition('app', 'Ready', 'Kustomization', KS)).toMatchObject({ message: `Applied revision: ${revision}` });

    // Nothing changed: the bucket is listed, no object is downloaded.
    s3.requests.length = 0;
    await reconcile('app', 'one');
    expect(s3.requests.map((r) => r.replace(/\?.*/, ''))).toEqual([`HEAD /${BUCKET}`, `GET /${BUCKET}/.sourceignore`, `GET /${BUCKET}`]);
    expect(objectGets()).toEqual([]);
    expect((await statusOf('app')).artifact?.revision).toBe(revision);

    // One object changes: a new revision, every indexed object downloaded, the Kustomization follows.
    await put({ 'deploy/settings.yaml': configMap('settings', 'green') });
    s3.requests.length = 0;
    await reconcile('app', 'two');
    await until(async () => ((await get('ConfigMap', 'v1', 'settings'))?.data as Record<string, string> | undefined)?.color === 'green', 'new revision applied');
    const second = (await statusOf('app')).artifact!.revision;
    expect(second).not.toBe(revision);
    expect(second).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(objectGets().sort()).toEqual([`GET /${BUCKET}/deploy/settings.yaml`, `GET /${BUCKET}/logo.png`]);
    expect(await condition('app', 'Ready', 'Kustomization', KS)).toMatchObject({ status: 'True', message: `Applied revision: ${second}` });
  });

  it('honours spec.prefix: only keys under it are indexed and archived (keys kept whole)', async () => {
    await put({ 'team-a/deploy/settings.yaml': configMap('settings', 'blue'), 'team-b/deploy/other.yaml': configMap('other', 'red'), 'top.yaml': configMap('top', 'x') });
    await start();
    await cluster.create(bucket('team-a', { prefix: 'team-a/' }));
    await cluster.create(kustomization('team-a', 'team-a', './team-a/deploy'));
    await until(async () => (await condition('team-a', 'Ready', 'Kustomization', KS))?.status === 'True', 'applied');
    expect(Object.keys(await artifactFiles('team-a'))).toEqual(['team-a/deploy/settings.yaml']);
    expect(s3.requests.some((r) => r.startsWith(`GET /${BUCKET}?`) && r.includes('prefix=team-a%2F'))).toBe(true);
    expect(await get('ConfigMap', 'v1', 'other')).toBeUndefined();
    expect((await get('ConfigMap', 'v1', 'settings'))?.data).toEqual({ color: 'blue' });
  });

  it('lists more objects than one ListObjectsV2 page, following continuation tokens', async () => {
    const objects = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`deploy/cm-${i}.yaml`, configMap(`cm-${i}`, String(i))]));
    const etags = await put(objects);
    const paged = new S3Client({ endpoint: s3.endpoint, insecure: true, credentials: { accessKeyId: s3.accessKey, secretAccessKey: s3.secretKey }, maxKeys: 2 });
    s3.requests.length = 0;
    const listed = await indexBucket(bucket('paged') as Bucket, paged, new ArtifactStorage({ root: path.join(tmp, 'paged'), clock }));
    expect([...listed.index.keys()].sort()).toEqual(Object.keys(objects).sort());
    expect(listed.revision).toBe(indexDigest(etags));
    const lists = s3.requests.filter((r) => r.startsWith(`GET /${BUCKET}?`));
    expect(lists).toHaveLength(4);
    expect(lists.slice(1).every((r) => r.includes('continuation-token='))).toBe(true);
  });

  it('reports wrong credentials and a missing bucket on Ready and FetchFailed, naming the bucket', async () => {
    await put({ 'a.yaml': configMap('a', 'b') });
    await cluster.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'wrong-keys', namespace: 'apps' }, stringData: { accesskey: 'NOT-A-KEY', secretkey: 'nope' } });
    await start();
    await cluster.create(bucket('denied', { secretRef: { name: 'wrong-keys' } }));
    await cluster.create(bucket('missing', { bucketName: 'no-such-bucket' }));
    await until(async () => (await condition('denied'))?.status === 'False' && (await condition('missing'))?.status === 'False', 'failed');
    const denied = await condition('denied');
    expect(denied).toMatchObject({ reason: 'BucketOperationFailed' });
    expect(denied?.message).toBe(`failed to confirm existence of '${BUCKET}' bucket: InvalidAccessKeyId: The AWS Access Key Id you provided does not exist in our records.`);
    expect(denied?.message).not.toContain('nope');
    expect(await condition('denied', 'FetchFailed')).toMatchObject({ status: 'True', reason: 'BucketOperationFailed' });
    expect(await condition('missing')).toMatchObject({ reason: 'BucketOperationFailed', message: "bucket 'no-such-bucket' not found" });
    expect((await statusOf('missing')).artifact).toBeUndefined();
  });

  it('keeps the last artifact when the bucket becomes unreachable', async () => {
    await put({ 'deploy/settings.yaml': configMap('settings', 'blue') });
    await start();
    await cluster.create(bucket('app'));
    await until(async () => (await condition('app'))?.status === 'True', 'ready');
    const artifact = (await statusOf('app')).artifact;
    await cluster.patch({ apiVersion: SOURCE, kind: 'Bucket', name: 'app', namespace: 'apps' }, { spec: { bucketName: 'gone-bucket' } }, 'merge');
    await until(async () => (await condition('app'))?.status === 'False', 'failed');
    expect(await condition('app')).toMatchObject({ reason: 'BucketOperationFailed', message: "bucket 'gone-bucket' not found" });
    expect((await statusOf('app')).artifact).toEqual(artifact);
  });

  it.each([
    ['gcp provider', { provider: 'gcp' }, 'AuthenticationFailed', "spec.provider 'gcp'"],
    ['aws provider without keys', { provider: 'aws', secretRef: undefined }, 'AuthenticationFailed', "spec.provider 'aws' without spec.secretRef"],
    ['STS', { sts: { provider: 'ldap', endpoint: 'https://sts.example.com' } }, 'InvalidSTSConfiguration', 'spec.sts'],
    ['a proxy', { proxySecretRef: { name: 'proxy' } }, 'AuthenticationFailed', 'spec.proxySecretRef'],
  ])('stalls on what fluxion cannot do: %s', async (_name, spec, reason, field) => {
    await start();
    s3.requests.length = 0;
    await cluster.create(bucket('stalled', spec));
    await until(async () => (await condition('stalled', 'Stalled'))?.status === 'True', 'stalled');
    const ready = await condition('stalled');
    expect(ready).toMatchObject({ status: 'False', reason });
    expect(ready?.message).toContain(field);
    expect(s3.requests).toEqual([]);
  });

  it('serves provider aws with static keys as plain S3', async () => {
    await put({ 'deploy/settings.yaml': configMap('settings', 'blue') });
    await start();
    await cluster.create(bucket('aws', { provider: 'aws', region: 'eu-west-1' }));
    await until(async () => (await condition('aws'))?.status === 'True', 'ready');
    expect(Object.keys(await artifactFiles('aws'))).toEqual(['deploy/settings.yaml']);
  });

  it('packages a chart directory of a Bucket for a HelmChart', async () => {
    await put({
      'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.4.0\n',
      'charts/web/values.yaml': 'color: green\n',
      'charts/web/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  color: {{ .Values.color }}\n',
    });
    await start();
    await cluster.create(bucket('charts'));
    await cluster.create({ apiVersion: SOURCE, kind: 'HelmChart', metadata: { name: 'web', namespace: 'apps' }, spec: { interval: '10m', chart: './charts/web', sourceRef: { kind: 'Bucket', name: 'charts' } } });
    await cluster.create({ apiVersion: SOURCE, kind: 'HelmChart', metadata: { name: 'web-rev', namespace: 'apps' }, spec: { interval: '10m', chart: './charts/web', reconcileStrategy: 'Revision', sourceRef: { kind: 'Bucket', name: 'charts' } } });
    await until(async () => (await condition('web', 'Ready', 'HelmChart'))?.status === 'True' && (await condition('web-rev', 'Ready', 'HelmChart'))?.status === 'True', 'charts packaged');
    expect(await condition('web', 'Ready', 'HelmChart')).toMatchObject({ message: "packaged 'web' chart with version '0.4.0'" });
    expect(((await get('HelmChart', SOURCE, 'web'))?.status as { artifact?: { revision: string; path: string } }).artifact).toMatchObject({ revision: '0.4.0', path: 'helmchart/apps/web/web-0.4.0.tgz' });
    // The Revision strategy adds the first 12 hex digits of the Bucket's digest, as Flux does.
    const hex = (await statusOf('charts')).artifact!.revision.slice('sha256:'.length, 'sha256:'.length + 12);
    expect(((await get('HelmChart', SOURCE, 'web-rev'))?.status as { artifact?: { revision: string } }).artifact?.revision).toBe(`0.4.0+${hex}`);
  });

  it('feeds an ArtifactGenerator, whose ExternalArtifact a Kustomization applies', async () => {
    await put({ 'apps/settings.yaml': configMap('settings', 'blue'), 'infra/other.yaml': configMap('other', 'red') });
    await start();
    await cluster.create(bucket('mono'));
    await cluster.create({ apiVersion: 'source.extensions.fluxcd.io/v1beta1', kind: 'ArtifactGenerator', metadata: { name: 'split', namespace: 'apps' }, spec: { sources: [{ alias: 'store', kind: 'Bucket', name: 'mono' }], artifacts: [{ name: 'apps', copy: [{ from: '@store/apps/**', to: '@artifact/' }] }] } });
    await cluster.create({ apiVersion: KS, kind: 'Kustomization', metadata: { name: 'apps', namespace: 'apps' }, spec: { interval: '10m', prune: true, path: './', sourceRef: { kind: 'ExternalArtifact', name: 'apps' } } });
    await until(async () => (await condition('apps', 'Ready', 'Kustomization', KS))?.status === 'True', 'applied');
    expect((await get('ConfigMap', 'v1', 'settings'))?.data).toEqual({ color: 'blue' });
    expect(await get('ConfigMap', 'v1', 'other')).toBeUndefined();
  });

  it('reaches an HTTPS endpoint trusting the CA of certSecretRef, and fails without it', async () => {
    const pki = makeTestPki();
    const secure = await startS3rver({ tls: { cert: pki.serverCertPem, key: pki.serverKeyPem } });
    try {
      const tlsClient = new S3Client({ endpoint: secure.direct, credentials: { accessKeyId: secure.accessKey, secretAccessKey: secure.secretKey }, tls: { ca: pki.caPem } });
      await tlsClient.createBucket(BUCKET);
      await tlsClient.putObject(BUCKET, 'deploy/settings.yaml', configMap('settings', 'blue'));
      await cluster.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's3-ca', namespace: 'apps' }, stringData: { 'ca.crt': pki.caPem } });
      await start();
      await cluster.create(bucket('tls', { endpoint: secure.direct, insecure: false, certSecretRef: { name: 's3-ca' } }));
      await cluster.create(bucket('untrusted', { endpoint: secure.direct, insecure: false }));
      await until(async () => (await condition('tls'))?.status === 'True' && (await condition('untrusted'))?.status === 'False', 'reconciled');
      expect(Object.keys(await artifactFiles('tls'))).toEqual(['deploy/settings.yaml']);
      expect(await condition('untrusted')).toMatchObject({ reason: 'BucketOperationFailed' });
      expect((await condition('untrusted'))?.message).toMatch(/^failed to confirm existence of 'app-bucket' bucket: NetworkError: .*certificate/);
    } finally {
      await secure.close();
    }
  });

  it('takes the endpoint from the simulator’s source overrides', async () => {
    await put({ 'deploy/settings.yaml': configMap('settings', 'blue') });
    await start({ sourceOverrides: { 'apps/elsewhere': `http://${s3.endpoint}` } });
    await cluster.create(bucket('elsewhere', { endpoint: 's3.example.invalid', insecure: false }));
    await until(async () => (await condition('elsewhere'))?.status === 'True', 'ready');
    expect(Object.keys(await artifactFiles('elsewhere'))).toEqual(['deploy/settings.yaml']);
  });
});
