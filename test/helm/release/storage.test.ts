import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/api/clock.js';
import { MemoryCluster } from '../../../src/cluster/memory/index.js';
import { decodeRelease, encodeRelease, goJson, goTime, releaseJson, ReleaseStorage } from '../../../src/helm/release/index.js';
import type { Release, ReleaseStatus } from '../../../src/helm/release/index.js';

function release(name: string, version: number, status: ReleaseStatus, extra: Partial<Release> = {}): Release {
  return {
    name,
    namespace: 'apps',
    version,
    info: { firstDeployed: 1_700_000_000_000, lastDeployed: 1_700_000_000_000 + version * 1000, description: version === 1 ? 'Install complete' : 'Upgrade complete', status },
    chart: {
      metadata: { apiVersion: 'v2', name: 'podinfo', version: '6.14.1', appVersion: '6.14.1' },
      templates: [{ name: 'templates/cm.yaml', data: new TextEncoder().encode('kind: ConfigMap\n') }],
      values: { replicaCount: 1 },
      files: [],
    },
    config: { replicaCount: version },
    manifest: `---\n# Source: podinfo/templates/cm.yaml\nkind: ConfigMap\n`,
    hooks: [],
    ...extra,
  };
}

describe('Helm release encoding', () => {
  it("writes Go's JSON: struct fields in declaration order, maps sorted, HTML-safe escaping, zero times as \"\"", () => {
    const r = release('web', 1, 'deployed', { config: { z: 1, a: '<b>&', '10': true, '9': false } });
    const json = releaseJson(r);
    expect(Object.keys(JSON.parse(json))).toEqual(['name', 'info', 'chart', 'config', 'manifest', 'version', 'namespace']);
    expect(json).toContain('"config":{"10":true,"9":false,"a":"\\u003cb\\u003e\\u0026","z":1}');
    expect(json).toContain('"info":{"first_deployed":"2023-11-14T22:13:20Z","last_deployed":"2023-11-14T22:13:21Z","deleted":"","description":"Install complete","status":"deployed"}');
    expect(json).toContain('"templates":[{"name":"templates/cm.yaml","data":"a2luZDogQ29uZmlnTWFwCg=="}]');
    expect(json).toContain('"lock":null');
    expect(json).toContain('"schema":null');
  });

  it('formats times as RFC 3339 with the fraction trimmed', () => {
    expect(goTime(Date.UTC(2024, 0, 2, 3, 4, 5, 120))).toBe('2024-01-02T03:04:05.12Z');
    expect(goTime(Date.UTC(2024, 0, 2, 3, 4, 5, 0))).toBe('2024-01-02T03:04:05Z');
    expect(goTime(undefined)).toBe('');
  });

  it('encodes as gzip + base64 and decodes back, for any values and manifest', () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.string(), fc.boolean(), fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n)), fc.constant(null), fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(fc.string(), tie('value'), { maxKeys: 3 })),
    })).value;
    fc.assert(
      fc.property(fc.dictionary(fc.string(), json, { maxKeys: 5 }), fc.string(), fc.integer({ min: 1, max: 1000 }), (config, manifest, version) => {
        const r = release('r', version, 'deployed', { config, manifest });
        const encoded = encodeRelease(r);
        expect(gunzipSync(Buffer.from(encoded, 'base64')).toString()).toBe(releaseJson(r));
        const back = decodeRelease(encoded);
        expect(back.config).toEqual(JSON.parse(JSON.stringify(config)));
        expect(back.manifest).toBe(manifest);
        expect(back.version).toBe(version);
        expect(back.info).toEqual(r.info);
        expect(back.chart.templates).toEqual(r.chart.templates);
      }),
      { numRuns: 200 },
    );
  });

  it('reads records stored before compression was introduced (plain base64 JSON)', () => {
    const r = release('old', 3, 'superseded');
    expect(decodeRelease(Buffer.from(releaseJson(r)).toString('base64'))).toMatchObject({ name: 'old', version: 3, info: { status: 'superseded' } });
  });

  it('keeps integers apart from floats as Go does', () => {
    expect(goJson({ a: 1n, b: 1.5, c: 1e21, d: 1e-7 })).toBe('{"a":1,"b":1.5,"c":1e+21,"d":1e-7}');
  });
});

describe('ReleaseStorage (Helm 3 Secrets driver)', () => {
  const setup = async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const cluster = new MemoryCluster({ clock });
    await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
    return { clock, cluster, storage: new ReleaseStorage(cluster, 'apps', clock) };
  };

  it('stores a revision as Helm does: name, type, labels, doubly base64-encoded data', async () => {
    const { cluster, storage } = await setup();
    await storage.create(release('web', 1, 'deployed', { labels: { team: 'a', owner: 'me' } }));
    const s = await cluster.get({ apiVersion: 'v1', kind: 'Secret', namespace: 'apps', name: 'sh.helm.release.v1.web.v1' });
    expect(s?.type).toBe('helm.sh/release.v1');
    expect(s?.metadata.labels).toEqual({ team: 'a', createdAt: '1700000000', name: 'web', owner: 'helm', status: 'deployed', version: '1' });
    const inner = Buffer.from((s?.data as { release: string }).release, 'base64').toString();
    expect(decodeRelease(inner).name).toBe('web');
    expect((await storage.get('web', 1))?.labels).toEqual({ team: 'a' });
  });

  it('lists history in revision order, finds the last and the deployed revision, refuses a duplicate', async () => {
    const { storage } = await setup();
    await storage.create(release('web', 1, 'superseded'));
    await storage.create(release('web', 2, 'deployed'));
    await storage.create(release('web', 3, 'failed'));
    await storage.create(release('other', 1, 'deployed'));
    expect((await storage.history('web')).map((r) => [r.version, r.info.status])).toEqual([
      [1, 'superseded'],
      [2, 'deployed'],
      [3, 'failed'],
    ]);
    expect((await storage.last('web'))?.version).toBe(3);
    expect((await storage.deployed('web'))?.version).toBe(2);
    await expect(storage.create(release('web', 2, 'deployed'))).rejects.toThrow('release: already exists: sh.helm.release.v1.web.v2');
  });

  it('updates in place with modifiedAt instead of createdAt', async () => {
    const { clock, cluster, storage } = await setup();
    await storage.create(release('web', 1, 'pending-install'));
    clock.advance(60_000);
    await storage.update(release('web', 1, 'deployed'));
    const s = await cluster.get({ apiVersion: 'v1', kind: 'Secret', namespace: 'apps', name: 'sh.helm.release.v1.web.v1' });
    expect(s?.metadata.labels).toEqual({ modifiedAt: '1700000060', name: 'web', owner: 'helm', status: 'deployed', version: '1' });
  });

  it('prunes the oldest revisions beyond maxHistory, never the deployed one', async () => {
    const { storage } = await setup();
    await storage.create(release('web', 1, 'deployed'));
    await storage.create(release('web', 2, 'failed'), { maxHistory: 2 });
    await storage.create(release('web', 3, 'failed'), { maxHistory: 2 });
    expect((await storage.history('web')).map((r) => r.version)).toEqual([1, 3]);
  });
});
