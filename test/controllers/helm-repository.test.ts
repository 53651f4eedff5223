import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/api/clock.js';
import { fluxCrds } from '../../src/api/crds.js';
import type { KubeObject } from '../../src/api/meta.js';
import { MemoryCluster } from '../../src/cluster/memory/index.js';
import { helmRepositoryController } from '../../src/controllers/helm-repository.js';
import { Supervisor } from '../../src/runtime/supervisor.js';
import { ArtifactStorage } from '../../src/sources/artifact/storage.js';
import { parseIndex, resolveChartVersion } from '../../src/sources/helm/index-file.js';
import { startHelmRepo } from '../helpers/helm-repo.js';
import type { HelmRepoServer } from '../helpers/helm-repo.js';
import { until } from '../helpers/until.js';
import { makeTestPki } from '../helpers/tls.js';

type Status = { url?: string; artifact?: { revision: string; digest: string; path: string; url: string }; conditions?: { type: string; status: string; reason: string; message: string }[] };
const ref = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', name: 'charts', namespace: 'flux-system' };

describe('HelmRepository controller against a chart repository made by helm', () => {
  let repo: HelmRepoServer;
  let tmp: string;
  let clock: ManualClock;
  let cluster: MemoryCluster;
  let storage: ArtifactStorage;
  let supervisor: Supervisor;

  const start = async (auth?: { username: string; password: string }, tls?: { cert: string; key: string }) => {
    repo = await startHelmRepo({ ...(auth ? { auth } : {}), ...(tls ? { tls } : {}) });
    tmp = mkdtempSync(path.join(os.tmpdir(), 'fluxion-helmrepo-ctl-'));
    clock = new ManualClock();
    cluster = new MemoryCluster({ clock, crds: fluxCrds() });
    await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
    storage = new ArtifactStorage({ root: path.join(tmp, 'artifacts'), clock });
    const deps = { cluster, clock, random: () => 0.5 };
    supervisor = new Supervisor({ cluster, clock, random: () => 0.5, registrations: [helmRepositoryController({ storage }, deps)] });
    await supervisor.start();
  };

  beforeEach(() => undefined);
  afterEach(async () => {
    await supervisor.stop();
    await repo.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  const status = async (): Promise<Status> => ((await cluster.get(ref))?.status ?? {}) as Status;
  const ready = async () => (await status()).conditions?.find((c) => c.type === 'Ready');
  const helmRepo = (spec: Record<string, unknown> = {}): KubeObject => ({
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'HelmRepository',
    metadata: { name: 'charts', namespace: 'flux-system' },
    spec: { url: repo.url, interval: '5m', ...spec },
  });

  it('stores the index as an artifact whose revision is its digest, and resolves versions from it as Flux does', async () => {
    await start();
    await repo.publish([
      { name: 'web', version: '1.0.0' },
      { name: 'web', version: '1.2.0' },
      { name: 'web', version: '2.0.0-rc.1' },
      { name: 'db', version: '0.3.1' },
    ]);
    await cluster.create(helmRepo());
    await until(async () => (await ready())?.status === 'True');
    const st = await status();
    expect(st.artifact?.revision).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(st.artifact?.path).toBe(`helmrepository/flux-system/charts/index-${st.artifact?.revision.slice(7)}.yaml`);
    expect(st.url).toBe(st.artifact?.url);
    expect((await ready())?.message).toMatch(/^stored fetched index of size \d+ bytes \(2 charts\)/);
    const index = parseIndex(await storage.read(st.artifact as never));
    expect(resolveChartVersion(index, 'web', '*').version).toBe('1.2.0');
    expect(resolveChartVersion(index, 'web', '1.0.x').version).toBe('1.0.0');
    expect(resolveChartVersion(index, 'web', '>=2.0.0-0').version).toBe('2.0.0-rc.1');
    expect(resolveChartVersion(index, 'web', '2.0.0-rc.1').version).toBe('2.0.0-rc.1');
    expect(() => resolveChartVersion(index, 'web', '3.x')).toThrow("no 'web' chart with version matching '3.x' found");
  });

  it('does not store again while the index is unchanged; stores a new revision when a chart is published', async () => {
    await start();
    await repo.publish([{ name: 'web', version: '1.0.0' }]);
    await cluster.create(helmRepo());
    await until(async () => (await ready())?.status === 'True');
    const first = (await status()).artifact!;
    const fetches = repo.requests.filter((r) => r === '/index.yaml').length;
    await clock.advanceAsync(5 * 60_000);
    await until(() => repo.requests.filter((r) => r === '/index.yaml').length > fetches);
    await until(async () => (await ready())?.status === 'True');
    expect((await status()).artifact).toEqual(first);
    await repo.publish([{ name: 'web', version: '1.1.0' }]);
    await clock.advanceAsync(5 * 60_000);
    await until(async () => (await status()).artifact?.revision !== first.revision);
    const index = parseIndex(await storage.read((await status()).artifact as never));
    expect(resolveChartVersion(index, 'web', '*').version).toBe('1.1.0');
  });

  it('authenticates with the secretRef, and reports AuthenticationFailed without it', async () => {
    await start({ username: 'flux', password: 's3cret' });
    await repo.publish([{ name: 'web', version: '1.0.0' }]);
    await cluster.create(helmRepo());
    await until(async () => (await ready())?.status === 'False');
    expect(await ready()).toMatchObject({ reason: 'AuthenticationFailed' });
    expect((await ready())?.message).toContain('401 Unauthorized');
    expect((await status()).conditions?.find((c) => c.type === 'FetchFailed')).toMatchObject({ status: 'True', reason: 'AuthenticationFailed' });
    await cluster.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'charts-auth', namespace: 'flux-system' }, stringData: { username: 'flux', password: 's3cret' } });
    await cluster.patch(ref, { spec: { secretRef: { name: 'charts-auth' } } }, 'merge');
    await until(async () => (await ready())?.status === 'True');
    expect((await status()).conditions?.find((c) => c.type === 'FetchFailed')).toBeUndefined();
  });

  it('fetches over HTTPS trusting the CA of certSecretRef, and fails naming the certificate problem without it', async () => {
    const pki = makeTestPki();
    await start(undefined, { cert: pki.serverCertPem, key: pki.serverKeyPem });
    await repo.publish([{ name: 'web', version: '1.0.0' }]);
    await cluster.create(helmRepo());
    await until(async () => (await ready())?.status === 'False');
    expect(await ready()).toMatchObject({ reason: 'IndexationFailed' });
    expect((await ready())?.message).toMatch(/self[- ]signed certificate|unable to verify|unable to get local issuer/);
    await cluster.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'charts-tls', namespace: 'flux-system' }, stringData: { 'ca.crt': pki.caPem } });
    await cluster.patch(ref, { spec: { certSecretRef: { name: 'charts-tls' } } }, 'merge');
    await until(async () => (await ready())?.status === 'True');
    expect((await status()).artifact?.revision).toMatch(/^sha256:/);
  });

  it('keeps the last good index when the repository serves a broken one, and says which file is wrong', async () => {
    await start();
    await repo.publish([{ name: 'web', version: '1.0.0' }]);
    await cluster.create(helmRepo());
    await until(async () => (await ready())?.status === 'True');
    const good = (await status()).artifact!;
    await repo.corruptIndex('entries: [unclosed\n');
    await clock.advanceAsync(5 * 60_000);
    await until(async () => (await ready())?.status === 'False');
    expect(await ready()).toMatchObject({ reason: 'IndexationFailed' });
    expect((await ready())?.message).toContain(`${repo.url}/index.yaml`);
    expect((await status()).artifact).toEqual(good);
    expect(await storage.exists(good)).toBe(true);
    await repo.corruptIndex('entries: {}\n');
    await clock.advanceAsync(5 * 60_000);
    await until(async () => (await ready())?.message?.includes('no API version specified') ?? false);
  });
});
