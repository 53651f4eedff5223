/**
 * HelmRepository `type: oci`: charts pushed by the real `helm push` to an OCI registry on
 * 127.0.0.1, resolved by tag and pulled by HelmCharts, installed by a HelmRelease.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, settle } from '../../src/api/clock.js';
import { fluxCrds } from '../../src/api/crds.js';
import { MemoryCluster } from '../../src/cluster/memory/index.js';
import { createEngine } from '../../src/controllers/engine.js';
import type { Engine } from '../../src/controllers/engine.js';
import { startOciRegistry } from '../helpers/oci-registry.js';
import type { OciRegistry } from '../helpers/oci-registry.js';
import { oracles } from '../helpers/oracles.js';

const run = promisify(execFile);
type Cond = { type: string; status: string; reason: string; message: string };

describe('Helm charts from an OCI registry', () => {
  let tmp: string;
  let registry: OciRegistry;
  let clock: ManualClock;
  let cluster: MemoryCluster;
  let engine: Engine;

  const helm = async (...args: string[]): Promise<string> => {
    const { helm: bin } = await oracles();
    const env = { PATH: process.env.PATH ?? '', HOME: tmp, HELM_CACHE_HOME: path.join(tmp, 'hc'), HELM_CONFIG_HOME: path.join(tmp, 'hcfg'), HELM_DATA_HOME: path.join(tmp, 'hd'), HELM_REGISTRY_CONFIG: path.join(tmp, 'registry.json') };
    return (await run(bin, args, { env, cwd: tmp })).stdout;
  };
  /** Packages a chart of `version` and pushes it with helm to oci://REGISTRY/charts. */
  const push = async (version: string): Promise<void> => {
    const dir = path.join(tmp, `src-${version}`, 'web');
    mkdirSync(path.join(dir, 'templates'), { recursive: true });
    writeFileSync(path.join(dir, 'Chart.yaml'), `apiVersion: v2\nname: web\nversion: ${version}\n`);
    writeFileSync(path.join(dir, 'values.yaml'), 'greeting: hello\n');
    writeFileSync(path.join(dir, 'templates', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-settings\ndata:\n  version: {{ .Chart.Version | quote }}\n  greeting: {{ .Values.greeting | quote }}\n');
    await helm('package', dir, '--destination', tmp);
    await helm('push', path.join(tmp, `web-${version}.tgz`), `oci://${registry.host}/charts`, '--plain-http');
  };

  beforeEach(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'fluxion-oci-'));
    registry = await startOciRegistry();
    clock = new ManualClock();
    cluster = new MemoryCluster({ clock, crds: fluxCrds(), rolloutDelayMs: 1000 });
    for (const ns of ['flux-system', 'apps']) await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    engine = createEngine({ cluster, clock, stateDir: path.join(tmp, 'state'), healthPollMs: 500, randomSeed: () => 0.5 });
    await engine.start();
  });

  afterEach(async () => {
    await engine.stop();
    await registry.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  const conditionOf = async (kind: string, apiVersion: string, name: string, namespace: string, type = 'Ready') =>
    ((await cluster.get({ apiVersion, kind, name, namespace }))?.status as { conditions?: Cond[] } | undefined)?.conditions?.find((c) => c.type === type);
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

  it('resolves the version from the tags, pulls the chart layer and installs it', async () => {
    await push('1.0.0');
    await push('1.1.0');
    await push('2.0.0');
    await cluster.create({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', metadata: { name: 'charts', namespace: 'flux-system' }, spec: { type: 'oci', url: `oci://${registry.host}/charts`, insecure: true, interval: '1h' } });
    await cluster.create({
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'web', namespace: 'apps' },
      spec: { interval: '1h', chart: { spec: { chart: 'web', version: '1.x', sourceRef: { kind: 'HelmRepository', name: 'charts', namespace: 'flux-system' } } } },
    });
    await until(async () => (await conditionOf('HelmRelease', 'helm.toolkit.fluxcd.io/v2', 'web', 'apps'))?.status === 'True', 'installed');
    expect(await conditionOf('HelmChart', 'source.toolkit.fluxcd.io/v1', 'apps-web', 'flux-system')).toMatchObject({ status: 'True', message: "pulled 'web' chart with version '1.1.0'" });
    expect((await cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'web-settings', namespace: 'apps' }))?.data).toEqual({ version: '1.1.0', greeting: 'hello' });
    expect(registry.requests).toContain('GET /v2/charts/web/tags/list');
  });

  it('gets a token from the registry for private charts, with the secretRef credentials', async () => {
    await registry.close();
    registry = await startOciRegistry({ readers: { username: 'flux', password: 's3cret' } });
    await push('1.0.0');
    await cluster.create({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', metadata: { name: 'charts', namespace: 'flux-system' }, spec: { type: 'oci', url: `oci://${registry.host}/charts`, insecure: true, interval: '1h' } });
    const chartReady = () => conditionOf('HelmChart', 'source.toolkit.fluxcd.io/v1', 'web', 'flux-system');
    await cluster.create({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmChart', metadata: { name: 'web', namespace: 'flux-system' }, spec: { chart: 'web', interval: '1h', sourceRef: { kind: 'HelmRepository', name: 'charts' } } });
    // Without credentials the token service refuses.
    await until(async () => (await chartReady())?.reason === 'ChartPullFailed', 'refused');
    expect((await chartReady())?.message).toContain('401');
    await cluster.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'registry', namespace: 'flux-system' }, stringData: { username: 'flux', password: 's3cret' } });
    await cluster.patch({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', name: 'charts', namespace: 'flux-system' }, { spec: { secretRef: { name: 'registry' } } }, 'merge');
    await cluster.patch({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmChart', name: 'web', namespace: 'flux-system' }, { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': 'now' } } }, 'merge');
    await until(async () => (await chartReady())?.status === 'True', 'pulled');
    expect(await chartReady()).toMatchObject({ message: "pulled 'web' chart with version '1.0.0'" });
    expect(registry.requests).toContain('GET /token');
  });

  it('says which constraint matches no tag', async () => {
    await push('1.0.0');
    await cluster.create({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', metadata: { name: 'charts', namespace: 'flux-system' }, spec: { type: 'oci', url: `oci://${registry.host}/charts`, insecure: true, interval: '1h' } });
    await cluster.create({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmChart', metadata: { name: 'web', namespace: 'flux-system' }, spec: { chart: 'web', version: '3.x', interval: '1h', sourceRef: { kind: 'HelmRepository', name: 'charts' } } });
    await until(async () => (await conditionOf('HelmChart', 'source.toolkit.fluxcd.io/v1', 'web', 'flux-system'))?.reason === 'ChartPullFailed', 'failed');
    expect((await conditionOf('HelmChart', 'source.toolkit.fluxcd.io/v1', 'web', 'flux-system'))?.message).toBe("invalid chart reference: no 'web' chart with version matching '3.x' found");
  });
});
