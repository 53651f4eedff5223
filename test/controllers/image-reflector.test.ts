/**
 * ImageRepository and ImagePolicy against an OCI registry on 127.0.0.1: tags scanned (exclusions,
 * the 10 latest), policies resolved from the scan and re-resolved when a new tag is pushed, the
 * Docker token flow with a dockerconfigjson Secret, and Flux's failure conditions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, settle } from '../../src/api/clock.js';
import { fluxCrds } from '../../src/api/crds.js';
import type { KubeObject } from '../../src/api/meta.js';
import { MemoryCluster } from '../../src/cluster/memory/index.js';
import { createEngine } from '../../src/controllers/engine.js';
import type { Engine } from '../../src/controllers/engine.js';
import { RegistryClient, parseOciUrl } from '../../src/sources/oci/registry.js';
import { pushArtifact } from '../../src/sources/oci/push.js';
import { startOciRegistry } from '../helpers/oci-registry.js';
import type { OciRegistry } from '../helpers/oci-registry.js';

type Cond = { type: string; status: string; reason: string; message: string };
type Ref = { name: string; tag: string; digest?: string };
type Status = {
  conditions?: Cond[];
  canonicalImageName?: string;
  lastScanResult?: { tagCount: number; scanTime?: string; latestTags?: string[]; revision?: string };
  observedExclusionList?: string[];
  latestRef?: Ref;
  observedPreviousRef?: Ref;
  lastHandledReconcileAt?: string;
};
const IMAGE = 'image.toolkit.fluxcd.io/v1';

describe('image reflection', () => {
  let tmp: string;
  let registry: OciRegistry;
  let clock: ManualClock;
  let cluster: MemoryCluster;
  let engine: Engine;
  let client: RegistryClient;
  const readers = { username: 'reader', password: 's3cret' };

  const start = async (withReaders = false): Promise<void> => {
    registry = await startOciRegistry(withReaders ? { readers } : {});
    client = new RegistryClient(parseOciUrl(`oci://${registry.host}/org/app`, { plainHttp: true }));
  };
  const push = async (...tags: string[]): Promise<Record<string, string>> => {
    const out: Record<string, string> = {};
    for (const tag of tags) out[tag] = (await pushArtifact(client, tag, [{ path: 'tag.txt', content: Buffer.from(tag) }])).digest;
    return out;
  };

  beforeEach(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'fluxion-image-'));
    clock = new ManualClock();
    cluster = new MemoryCluster({ clock, crds: fluxCrds() });
    await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
    engine = createEngine({ cluster, clock, stateDir: path.join(tmp, 'state'), randomSeed: () => 0.5 });
    await engine.start();
  });

  afterEach(async () => {
    await engine.stop();
    await registry?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  const statusOf = async (kind: string, name: string): Promise<Status> => ((await cluster.get({ apiVersion: IMAGE, kind, name, namespace: 'apps' }))?.status ?? {}) as Status;
  const condition = async (kind: string, name: string, type = 'Ready'): Promise<Cond | undefined> => (await statusOf(kind, name)).conditions?.find((c) => c.type === type);
  const until = async (check: () => Promise<boolean>, what: string): Promise<void> => {
    for (let i = 0; i < 100; i++) {
      for (let j = 0; j < 200; j++) {
        if (await check()) return;
        await settle(2);
      }
      await clock.advanceAsync(1000);
    }
    throw new Error(`${what}: not reached`);
  };
  const settled = (kind: string, name: string, status: string, reason?: string) => async () => {
    const c = await condition(kind, name);
    return c?.status === status && (reason === undefined || c.reason === reason);
  };
  const imageRepository = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({
    apiVersion: IMAGE,
    kind: 'ImageRepository',
    metadata: { name, namespace: 'apps' },
    spec: { image: `${registry.host}/org/app`, interval: '10m', ...spec },
  });
  const imagePolicy = (name: string, spec: Record<string, unknown>): KubeObject => ({
    apiVersion: IMAGE,
    kind: 'ImagePolicy',
    metadata: { name, namespace: 'apps' },
    spec: { imageRepositoryRef: { name: 'app' }, ...spec },
  });
  const reconcile = async (kind: string, name: string, at: string): Promise<void> => {
    await cluster.patch({ apiVersion: IMAGE, kind, name, namespace: 'apps' }, { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': at } } }, 'merge');
    await until(async () => (await statusOf(kind, name)).lastHandledReconcileAt === at && (await condition(kind, name, 'Reconciling')) === undefined, `${kind}/${name} reconciled at ${at}`);
  };

  it('scans the tags: count, the 10 latest in reverse order, .sig tags excluded, canonical name', async () => {
    await start();
    await push(...Array.from({ length: 12 }, (_, i) => `1.${i}.0`), 'sha256-0123.sig');
    await cluster.create(imageRepository('app'));
    await until(settled('ImageRepository', 'app', 'True'), 'scanned');
    const st = await statusOf('ImageRepository', 'app');
    expect(st.canonicalImageName).toBe(`${registry.host}/org/app`);
    expect(st.observedExclusionList).toEqual(['^.*\\.sig$']);
    expect(st.lastScanResult).toMatchObject({ tagCount: 12, latestTags: ['1.9.0', '1.8.0', '1.7.0', '1.6.0', '1.5.0', '1.4.0', '1.3.0', '1.2.0', '1.11.0', '1.10.0'] });
    expect(st.lastScanResult?.scanTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(await condition('ImageRepository', 'app')).toMatchObject({ reason: 'Succeeded', message: `successful scan: found 12 tags with checksum ${st.lastScanResult?.revision}` });
  });

  it('a policy follows a new tag once the repository rescans, naming the previous one', async () => {
    await start();
    await push('1.0.0', '1.1.0', '2.0.0-rc.1', 'latest');
    await cluster.create(imageRepository('app'));
    await cluster.create(imagePolicy('stable', { policy: { semver: { range: '>=1.0.0' } } }));
    await cluster.create(imagePolicy('pre', { policy: { semver: { range: '>=1.0.0-0' } } }));
    await until(settled('ImagePolicy', 'stable', 'True'), 'stable resolved');
    await until(settled('ImagePolicy', 'pre', 'True'), 'pre resolved');
    const image = `${registry.host}/org/app`;
    expect((await statusOf('ImagePolicy', 'stable')).latestRef).toEqual({ name: image, tag: '1.1.0' });
    expect(await condition('ImagePolicy', 'stable')).toMatchObject({ reason: 'Succeeded', message: `Latest image tag for ${image} resolved to 1.1.0` });
    expect((await statusOf('ImagePolicy', 'pre')).latestRef?.tag).toBe('2.0.0-rc.1');

    await push('1.2.0');
    await reconcile('ImageRepository', 'app', 'rescan');
    await until(async () => (await statusOf('ImagePolicy', 'stable')).latestRef?.tag === '1.2.0', 'new tag picked');
    const st = await statusOf('ImagePolicy', 'stable');
    expect(st.observedPreviousRef).toEqual({ name: image, tag: '1.1.0' });
    expect(await condition('ImagePolicy', 'stable')).toMatchObject({ status: 'True', message: `Latest image tag for ${image} resolved to 1.2.0 (previously ${image}:1.1.0)` });
    expect((await statusOf('ImagePolicy', 'pre')).latestRef?.tag).toBe('2.0.0-rc.1');
  });

  it.each([
    ['alphabetical asc (lower case sorts after upper case)', { policy: { alphabetical: {} } }, 'main-def5678-1700000500'],
    ['alphabetical asc over a filter', { policy: { alphabetical: {} }, filterTags: { pattern: '^RELEASE' } }, 'RELEASE.2024-03-05'],
    ['alphabetical desc', { policy: { alphabetical: { order: 'desc' } }, filterTags: { pattern: '^RELEASE' } }, 'RELEASE.2023-12-31'],
    ['numerical over an extracted group', { policy: { numerical: { order: 'asc' } }, filterTags: { pattern: '^main-[a-f0-9]+-(?P<ts>[0-9]+)', extract: '$ts' } }, 'main-def5678-1700000500'],
  ])('%s', async (_name, spec, want) => {
    await start();
    await push('RELEASE.2024-01-01', 'RELEASE.2024-03-05', 'RELEASE.2023-12-31', 'main-abc1234-1700000000', 'main-def5678-1700000500', 'main-0a0a0a0-999');
    await cluster.create(imageRepository('app'));
    await cluster.create(imagePolicy('p', spec));
    await until(settled('ImagePolicy', 'p', 'True'), 'resolved');
    expect((await statusOf('ImagePolicy', 'p')).latestRef?.tag).toBe(want);
  });

  it('reflects the digest of the picked tag when asked (IfNotPresent)', async () => {
    await start();
    const digests = await push('1.0.0', '1.1.0');
    await cluster.create(imageRepository('app'));
    await cluster.create(imagePolicy('p', { policy: { semver: { range: '1.x' } }, digestReflectionPolicy: 'IfNotPresent' }));
    await until(settled('ImagePolicy', 'p', 'True'), 'resolved');
    expect((await statusOf('ImagePolicy', 'p')).latestRef).toEqual({ name: `${registry.host}/org/app`, tag: '1.1.0', digest: digests['1.1.0'] });
    expect((await condition('ImagePolicy', 'p'))?.message).toContain(`with digest ${digests['1.1.0']}`);
  });

  it('no tag satisfying the policy: Ready=False with Flux’s message', async () => {
    await start();
    await push('1.0.0', 'latest');
    await cluster.create(imageRepository('app'));
    await cluster.create(imagePolicy('p', { policy: { semver: { range: '>=5.0.0' } } }));
    await until(settled('ImagePolicy', 'p', 'False', 'Failure'), 'failed');
    expect(await condition('ImagePolicy', 'p')).toMatchObject({ message: 'unable to determine latest version from provided list' });
  });

  it('a filter pattern that does not compile stalls the policy, naming the field', async () => {
    await start();
    await push('1.0.0');
    await cluster.create(imageRepository('app'));
    await cluster.create(imagePolicy('p', { policy: { alphabetical: {} }, filterTags: { pattern: '^(main' } }));
    await until(settled('ImagePolicy', 'p', 'False', 'InvalidPolicy'), 'stalled');
    expect(await condition('ImagePolicy', 'p', 'Stalled')).toMatchObject({ status: 'True', reason: 'InvalidPolicy' });
    expect((await condition('ImagePolicy', 'p'))?.message).toMatch(/^failed to filter tags: invalid regular expression pattern '\^\(main' in spec\.filterTags\.pattern/);
  });

  it('a policy waits for its repository’s first scan', async () => {
    await start();
    await push('1.0.0');
    await cluster.create(imagePolicy('p', { policy: { semver: { range: '*' } } }));
    await until(settled('ImagePolicy', 'p', 'False', 'DependencyNotReady'), 'waiting');
    expect((await condition('ImagePolicy', 'p'))?.message).toContain('referenced ImageRepository does not exist');
    await cluster.create(imageRepository('app'));
    await until(settled('ImagePolicy', 'p', 'True'), 'resolved');
  });

  it('the Docker token flow: refused without credentials, scans with a dockerconfigjson Secret', async () => {
    await start(true);
    await push('1.0.0', '1.1.0');
    await cluster.create(imageRepository('app'));
    await until(settled('ImageRepository', 'app', 'False', 'ReadOperationFailed'), 'refused');
    expect((await condition('ImageRepository', 'app'))?.message).toMatch(/^scan failed: .*401/);

    const auth = Buffer.from(`${readers.username}:${readers.password}`).toString('base64');
    const config = JSON.stringify({ auths: { [registry.host]: { auth } } });
    await cluster.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'regcred', namespace: 'apps' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': Buffer.from(config).toString('base64') } });
    await cluster.patch({ apiVersion: IMAGE, kind: 'ImageRepository', name: 'app', namespace: 'apps' }, { spec: { secretRef: { name: 'regcred' } } }, 'merge');
    await until(settled('ImageRepository', 'app', 'True'), 'scanned');
    expect((await statusOf('ImageRepository', 'app')).lastScanResult?.tagCount).toBe(2);
  });

  it('finds credentials through the image pull secrets of serviceAccountName; Always re-reads the digest', async () => {
    await start(true);
    const digests = await push('1.0.0');
    const auth = Buffer.from(`${readers.username}:${readers.password}`).toString('base64');
    const config = JSON.stringify({ auths: { [`http://${registry.host}`]: { auth } } });
    await cluster.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'pull', namespace: 'apps' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': Buffer.from(config).toString('base64') } });
    await cluster.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'scanner', namespace: 'apps' }, imagePullSecrets: [{ name: 'pull' }] });
    await cluster.create(imageRepository('app', { serviceAccountName: 'scanner' }));
    await cluster.create(imagePolicy('p', { policy: { semver: { range: '*' } }, digestReflectionPolicy: 'Always', interval: '1h' }));
    await until(settled('ImagePolicy', 'p', 'True'), 'resolved');
    expect((await statusOf('ImagePolicy', 'p')).latestRef).toMatchObject({ tag: '1.0.0', digest: digests['1.0.0'] });

    // The tag is pushed again with other content: Always follows the digest, the tag stays.
    const other = (await pushArtifact(client, '1.0.0', [{ path: 'other.txt', content: Buffer.from('other') }])).digest;
    await reconcile('ImagePolicy', 'p', 'again');
    const st = await statusOf('ImagePolicy', 'p');
    expect(st.latestRef).toMatchObject({ tag: '1.0.0', digest: other });
    expect(st.observedPreviousRef).toMatchObject({ tag: '1.0.0', digest: digests['1.0.0'] });
  });

  it('accepts v1beta2 objects and reports them in v1 terms', async () => {
    await start();
    await push('1.0.0');
    await cluster.create({ ...imageRepository('app'), apiVersion: 'image.toolkit.fluxcd.io/v1beta2' });
    await cluster.create({ ...imagePolicy('p', { policy: { semver: { range: '1.x' } } }), apiVersion: 'image.toolkit.fluxcd.io/v1beta2' });
    await until(settled('ImagePolicy', 'p', 'True'), 'resolved');
    expect((await statusOf('ImagePolicy', 'p')).latestRef?.tag).toBe('1.0.0');
  });

  it('a cloud provider stalls the repository, naming spec.provider', async () => {
    await start();
    await cluster.create(imageRepository('app', { provider: 'aws' }));
    await until(async () => (await condition('ImageRepository', 'app', 'Stalled'))?.status === 'True', 'stalled');
    expect((await condition('ImageRepository', 'app'))?.message).toMatch(/^spec\.provider 'aws'/);
  });
});
