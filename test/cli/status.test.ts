/**
 * Golden output of the read-only commands (get, events, tree, trace, stats, export) against
 * the served simulator holding a known Flux state: exact bytes, tabs included, as flux prints.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliHarness } from './harness.js';
import { cond, normaliseAges, startCliHarness, startFluxion } from './harness.js';
import { SHA, seedFluxState } from './fixtures.js';

/**
 * A header and rows as flux's tablewriter prints them: cells padded to the column width, each
 * followed by a tab, except the header's last cell, followed by a space.
 */
const table = (header: string[], ...rows: string[][]): string => {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const line = (r: string[], last: string) => `${r.map((c, i) => `${c.padEnd(widths[i]!)}${i === r.length - 1 ? last : '\t'}`).join('')}\n`;
  return line(header, ' ') + rows.map((r) => line(r, '\t')).join('');
};
/** Rows without a header (`--no-header`, later `-w` lines). */
const rowsOnly = (...rows: string[][]): string => {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => `${r.map((c, i) => `${c.padEnd(widths[i]!)}\t`).join('')}\n`).join('');
};

const HEAD = ['NAME', 'REVISION', 'SUSPENDED', 'READY', 'MESSAGE'];
const GIT_BROKEN = ['broken', '', 'False', 'False', "failed to checkout and determine revision: unable to clone 'https://example.invalid/repo'"];
// Flux shortens hex digests in the MESSAGE column too (except a HelmRelease's).
const GIT_PODINFO = ['podinfo', 'main@sha1:696f056d', 'False', 'True', "stored artifact for revision 'main@sha1:696f056d'"];
const KS_APPS = ['apps', 'main@sha1:696f056d', 'False', 'True', 'Applied revision: main@sha1:696f056d'];
const KS_INFRA = ['infra', '', 'True', 'False', "kustomize build failed: accumulating resources: 'infra/missing.yaml' not found"];
const HR_REDIS = ['redis', '18.1.0', 'False', 'True', 'Helm install succeeded for release apps/redis.v1 with chart redis@18.1.0'];

describe('fluxion read-only commands against the served simulator', () => {
  let h: CliHarness;
  beforeAll(async () => {
    h = await startCliHarness();
    await seedFluxState(h);
  });
  afterAll(() => h.close());

  describe('get', () => {
    it.each([
      [['get', 'sources', 'git'], table(HEAD, GIT_BROKEN, GIT_PODINFO)],
      [['get', 'kustomizations'], table(HEAD, KS_APPS, KS_INFRA)],
      [['get', 'ks', 'apps'], table(HEAD, KS_APPS)],
      [['get', 'ks', '--status-selector', 'ready=false'], table(HEAD, ['infra', '', 'True', 'False', KS_INFRA[4]!])],
      [['get', 'ks', '--status-selector', 'ready!=false', '--no-header'], rowsOnly(KS_APPS)],
      [['get', 'helmreleases', '-A'], table(['NAMESPACE', ...HEAD], ['flux-system', ...HR_REDIS])],
      [['get', 'ks', '--show-source'], table(['NAME', 'SOURCE', ...HEAD.slice(1)], [KS_APPS[0]!, 'GitRepository/flux-system/podinfo', ...KS_APPS.slice(1)], [KS_INFRA[0]!, 'GitRepository/flux-system/podinfo', ...KS_INFRA.slice(1)])],
      [['get', 'sources', 'helm'], table(HEAD, ['bitnami', 'sha256:1b4a8c0f', 'False', 'True', "stored artifact: revision 'sha256:1b4a8c0f'"])],
      [['get', 'sources', 'chart'], table(HEAD, ['flux-system-redis', '18.1.0', 'False', 'True', "pulled 'redis' chart with version '18.1.0'"])],
    ])('%j prints flux’s table', async (args, expected) => {
      const r = await h.run(args);
      expect(r).toEqual({ code: 0, out: expected, err: '' });
    });

    it('matches flux’s own golden output byte for byte (fluxcd/flux2 cmd/flux/testdata/get/get.golden)', async () => {
      await h.cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'golden' } });
      for (const name of ['podinfo', 'podinfo-shard1', 'podinfo-shard2']) {
        await h.seed(
          { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name, namespace: 'golden' }, spec: { url: 'https://github.com/stefanprodan/podinfo', interval: '5m', ref: { branch: 'master' } } },
          { conditions: [cond('Ready', 'True', 'Succeeded', `Fetched revision: main@sha1:${SHA}`)], artifact: { path: 'x', url: 'x', revision: `main@sha1:${SHA}`, digest: 'sha256:00', lastUpdateTime: '2026-11-01T10:00:00Z', size: 1 } },
        );
      }
      const golden =
        'NAME          \tREVISION          \tSUSPENDED\tREADY\tMESSAGE                              \n' +
        'podinfo       \tmain@sha1:696f056d\tFalse    \tTrue \tFetched revision: main@sha1:696f056d\t\n' +
        'podinfo-shard1\tmain@sha1:696f056d\tFalse    \tTrue \tFetched revision: main@sha1:696f056d\t\n' +
        'podinfo-shard2\tmain@sha1:696f056d\tFalse    \tTrue \tFetched revision: main@sha1:696f056d\t\n';
      expect(await h.run(['get', 'sources', 'git', '-n', 'golden'])).toEqual({ code: 0, out: golden, err: '' });
    });

    it('get all prefixes names with the kind and separates the tables with a blank line', async () => {
      const r = await h.run(['get', 'all']);
      const kinded = (kind: string, row: string[]) => [`${kind}/${row[0]}`, ...row.slice(1)];
      expect(r.code).toBe(0);
      expect(r.out).toBe(
        [
          table(HEAD, kinded('gitrepository', GIT_BROKEN), kinded('gitrepository', GIT_PODINFO)),
          table(HEAD, ['helmrepository/bitnami', 'sha256:1b4a8c0f', 'False', 'True', "stored artifact: revision 'sha256:1b4a8c0f'"]),
          table(HEAD, ['helmchart/flux-system-redis', '18.1.0', 'False', 'True', "pulled 'redis' chart with version '18.1.0'"]),
          table(HEAD, kinded('helmrelease', HR_REDIS)),
          table(HEAD, kinded('kustomization', KS_APPS), kinded('kustomization', KS_INFRA)),
        ].join('\n') + '\n',
      );
    });

    it.each([
      [['get', 'ks', 'nope'], '✗ Kustomization object \'nope\' not found in "flux-system" namespace\n'],
      [['get', 'hr', '-n', 'apps'], '✗ no HelmRelease objects found in "apps" namespace\n'],
      [['get', 'widgets'], '✗ unknown kind "widgets" for "fluxion get": one of source git, source oci, source helm, source chart, source bucket, kustomization, helmrelease, alert, alert-provider, receiver, image repository, image policy\n'],
      [['get', 'sources', 'svn'], '✗ unknown source kind "svn" for "fluxion get sources": one of git, oci, helm, chart, bucket\n'],
      [['get', 'ks', '--colour'], '✗ unknown flag: --colour\n'],
      [['get', 'all', '-w'], '✗ expected a single resource type, but found all\n'],
    ])('%j fails with flux’s message', async (args, err) => {
      expect(await h.run(args)).toEqual({ code: 1, out: '', err });
    });

    it('--context picks the kubeconfig context; an unknown one is refused', async () => {
      expect((await h.run(['get', 'ks', 'apps', '--context', 'fluxion'])).out).toBe(table(HEAD, KS_APPS));
      const r = await h.run(['get', 'ks', '--context', 'nope']);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/^✗ .*nope/);
    });

    it('get -w prints the table, then a line per change, until stopped', async () => {
      await h.seed({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'watched', namespace: 'infra' }, spec: { interval: '1m', path: './', prune: false, sourceRef: { kind: 'GitRepository', name: 'podinfo', namespace: 'flux-system' } } });
      const w = startFluxion(['get', 'ks', '-w', '-n', 'infra', '--kubeconfig', h.kubeconfig], { HOME: h.dir });
      await w.until(/watched/);
      const obj = (await h.cluster.get({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name: 'watched', namespace: 'infra' }))!;
      await h.cluster.updateStatus({ ...obj, status: { observedGeneration: 1, lastAppliedRevision: `main@sha1:${SHA}`, conditions: [cond('Ready', 'True', 'ReconciliationSucceeded', 'Applied revision: main')] } });
      await w.until(/Applied revision: main/);
      expect(await w.stop()).toBe(0);
      expect(w.out()).toBe(table(HEAD, ['watched', '', 'False', 'False', 'waiting to be reconciled']) + rowsOnly(['watched', 'main@sha1:696f056d', 'False', 'True', 'Applied revision: main']));
      await h.cluster.delete({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name: 'watched', namespace: 'infra' });
    });
  });

  describe('events', () => {
    const EV = ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'];
    const ksEvent = ['AGE', 'Normal', 'ReconciliationSucceeded', 'Kustomization/apps', 'Reconciliation finished in 1.2s, next run in 10m0s'];
    const brokenEvent = ['AGE', 'Warning', 'GitOperationFailed', 'GitRepository/broken', "failed to checkout and determine revision: unable to clone 'https://example.invalid/repo'"];
    const podinfoEvent = ['AGE', 'Normal', 'NewArtifact', 'GitRepository/podinfo', "stored artifact for commit 'Merge pull request #1'"];
    /** Ages vary with the wall clock: compare with them replaced, on tab-split cells. */
    const cells = (s: string) => normaliseAges(s).split('\n').filter(Boolean).map((l) => l.split('\t').map((c) => c.trimEnd()).filter((c, i, a) => i < a.length - 1 || c !== ''));

    it('lists the Flux objects’ events of the namespace, not the Deployment’s', async () => {
      const r = await h.run(['events']);
      expect(r.code).toBe(0);
      expect(cells(r.out)).toEqual([EV, ksEvent, brokenEvent, podinfoEvent]);
    });

    it('--for Kustomization/apps adds its source’s events', async () => {
      const r = await h.run(['events', '--for', 'Kustomization/apps']);
      expect(cells(r.out)).toEqual([EV, ksEvent, podinfoEvent]);
    });

    it('-A adds the NAMESPACE column; --types filters', async () => {
      const r = await h.run(['events', '-A', '--types', 'Warning']);
      expect(cells(r.out)).toEqual([['NAMESPACE', ...EV], ['flux-system', ...brokenEvent]]);
    });

    it('a repeated event shows its count, as kubectl and flux do', async () => {
      const ev = { involvedObject: { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name: 'infra', namespace: 'flux-system' }, type: 'Warning' as const, reason: 'BuildFailed', message: 'kustomize build failed', reportingController: 'kustomize-controller' };
      await h.cluster.recordEvent(ev);
      await h.cluster.recordEvent(ev);
      const r = await h.run(['events', '--for', 'Kustomization/infra']);
      const [header, ...rows] = cells(r.out.replace(/\d+[smhdy] \(x2 over \d+[smhdy]\)/, 'AGE (x2 over AGE)'));
      expect(header).toEqual(EV);
      // Sorted by time, and these were recorded within the same second or not: compare as a set.
      expect(rows).toHaveLength(2);
      expect(rows).toEqual(expect.arrayContaining([['AGE (x2 over AGE)', 'Warning', 'BuildFailed', 'Kustomization/infra', 'kustomize build failed'], podinfoEvent]));
    });

    it('-w streams new events until stopped', async () => {
      const w = startFluxion(['events', '-w', '--for', 'Kustomization/apps', '--kubeconfig', h.kubeconfig], { HOME: h.dir });
      await w.until(/ReconciliationSucceeded/);
      await h.cluster.recordEvent({ involvedObject: { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name: 'apps', namespace: 'flux-system' }, type: 'Warning', reason: 'HealthCheckFailed', message: 'timeout waiting for: [Deployment/apps/web status: InProgress]', reportingController: 'kustomize-controller' });
      await w.until(/HealthCheckFailed/);
      expect(await w.stop()).toBe(0);
      expect(cells(w.out())).toContainEqual(['AGE', 'Warning', 'HealthCheckFailed', 'Kustomization/apps', 'timeout waiting for: [Deployment/apps/web status: InProgress]']);
      expect(cells(w.out())[0]).toEqual(EV);
    });

    it('reports an empty namespace and an unknown kind as flux does', async () => {
      expect(await h.run(['events', '-n', 'infra'])).toEqual({ code: 0, out: '', err: '✗ No events found in infra namespace.\n' });
      expect(await h.run(['events', '--for', 'Widget/x'])).toEqual({ code: 1, out: '', err: "✗ 'Widget' is not a recognized Flux kind\n" });
    });
  });

  it('tree draws the inventory, recursing into nested Kustomizations and HelmReleases (from Helm storage)', async () => {
    expect(await h.run(['tree', 'kustomization', 'apps'])).toEqual({
      code: 0,
      err: '',
      out: `Kustomization/flux-system/apps
├── Namespace/apps
├── Deployment/apps/web
├── Kustomization/flux-system/infra
│   ├── ConfigMap/infra/settings
│   └── ClusterRole/infra-admin
└── HelmRelease/flux-system/redis
    ├── ConfigMap/apps/redis-config
    ├── StatefulSet/apps/redis-master
    └── ClusterRole/redis-reader

`,
    });
    expect((await h.run(['tree', 'ks', 'apps', '--compact'])).out).toBe('Kustomization/flux-system/apps\n├── Kustomization/flux-system/infra\n└── HelmRelease/flux-system/redis\n\n');
    expect(JSON.parse((await h.run(['tree', 'ks', 'infra', '-o', 'json'])).out)).toEqual({
      resource: { Namespace: 'flux-system', Name: 'infra', GroupKind: { Group: 'kustomize.toolkit.fluxcd.io', Kind: 'Kustomization' } },
      resources: [
        { resource: { Namespace: 'infra', Name: 'settings', GroupKind: { Group: '', Kind: 'ConfigMap' } } },
        { resource: { Namespace: '', Name: 'infra-admin', GroupKind: { Group: 'rbac.authorization.k8s.io', Kind: 'ClusterRole' } } },
      ],
    });
  });

  describe('trace', () => {
    const ksTrace = `
Object:          Deployment/web
Namespace:       apps
Status:          Managed by Flux
---
Kustomization:   apps
Namespace:       flux-system
Target:          apps
Path:            ./apps
Revision:        main@sha1:${SHA}
Status:          Last reconciled at 2026-11-01 10:00:00 +0000 UTC
Message:         Applied revision: main@sha1:${SHA}
---
GitRepository:   podinfo
Namespace:       flux-system
URL:             https://github.com/stefanprodan/podinfo
Branch:          main
Revision:        main@sha1:${SHA}
Status:          Last reconciled at 2026-11-01 10:00:00 +0000 UTC
Message:         stored artifact for revision 'main@sha1:${SHA}'
`;
    it.each([[['trace', 'deployment', 'web', '-n', 'apps']], [['trace', 'deploy/web', '-n', 'apps']], [['trace', 'web', '--kind', 'Deployment', '--api-version', 'apps/v1', '-n', 'apps']]])('%j names the Kustomization and its GitRepository', async (args) => {
      expect(await h.run(args)).toEqual({ code: 0, out: ksTrace, err: '' });
    });

    it('follows helm.toolkit.fluxcd.io labels to the HelmRelease, its chart and repository', async () => {
      expect(await h.run(['trace', 'cm/redis-config', '-n', 'apps'])).toEqual({
        code: 0,
        err: '',
        out: `
Object:         ConfigMap/redis-config
Namespace:      apps
Status:         Managed by Flux
---
HelmRelease:    redis
Namespace:      flux-system
Target:         apps
Revision:       18.1.0
Status:         Last reconciled at 2026-11-01 10:00:00 +0000 UTC
Message:        Helm install succeeded for release apps/redis.v1 with chart redis@18.1.0
---
HelmChart:      flux-system-redis
Namespace:      flux-system
Chart:          redis
Version:        18.x
Revision:       18.1.0
Status:         Last reconciled at 2026-11-01 10:00:00 +0000 UTC
Message:        pulled 'redis' chart with version '18.1.0'
---
HelmRepository: bitnami
Namespace:      flux-system
URL:            https://charts.bitnami.com/bitnami
Revision:       sha256:1b4a8c0f0e0d3f8b9a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a
Status:         Last reconciled at 2026-11-01 10:00:00 +0000 UTC
Message:        stored artifact: revision 'sha256:1b4a8c0f0e0d3f8b9a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a'
`,
      });
    });

    it('reports an object Flux does not manage', async () => {
      expect(await h.run(['trace', 'namespace', 'apps'])).toEqual({ code: 1, out: '', err: '✗ failed to trace Namespace/apps in namespace : object not managed by Flux\n' });
      expect((await h.run(['trace', 'widget/x'])).err).toBe('✗ the server doesn\'t have a resource type "widget"\n');
    });
  });

  it('stats counts reconcilers, failures, suspensions and storage per kind', async () => {
    const r = await h.run(['stats']);
    expect(r.out).toBe(
      table(
        ['RECONCILERS', 'RUNNING', 'FAILING', 'SUSPENDED', 'STORAGE'],
        ['GitRepository', '2', '1', '0', '1.5 KiB'],
        ['OCIRepository', '0', '0', '0', '-'],
        ['HelmRepository', '1', '0', '0', '2.5 MiB'],
        ['HelmChart', '1', '0', '0', '512 B'],
        ['Bucket', '0', '0', '0', '-'],
        ['Kustomization', '1', '1', '1', '-'],
        ['HelmRelease', '1', '0', '0', '-'],
        ['Alert', '0', '0', '0', '-'],
        ['Provider', '0', '0', '0', '-'],
        ['Receiver', '0', '0', '0', '-'],
        ['ImageUpdateAutomation', '0', '0', '0', '-'],
        ['ImagePolicy', '0', '0', '0', '-'],
        ['ImageRepository', '0', '0', '0', '-'],
      ),
    );
  });

  describe('export', () => {
    it('prints the object without status or server-set fields, durations in Go form', async () => {
      expect(await h.run(['export', 'source', 'git', 'podinfo'])).toEqual({
        code: 0,
        err: '',
        out: `---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: podinfo
  namespace: flux-system
spec:
  interval: 1m0s
  ref:
    branch: main
  url: https://github.com/stefanprodan/podinfo
`,
      });
    });

    it('--all prints every object of the kind, sorted by name', async () => {
      expect((await h.run(['export', 'kustomization', '--all'])).out).toBe(`---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m0s
  path: ./apps
  prune: true
  sourceRef:
    kind: GitRepository
    name: podinfo
  targetNamespace: apps
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: infra
  namespace: flux-system
spec:
  interval: 10m0s
  path: ./infra
  prune: true
  sourceRef:
    kind: GitRepository
    name: podinfo
  suspend: true
`);
    });

    it('fails on a missing object or name', async () => {
      expect(await h.run(['export', 'hr', 'nope'])).toEqual({ code: 1, out: '', err: '✗ helmreleases.helm.toolkit.fluxcd.io "nope" not found\n' });
      expect(await h.run(['export', 'hr'])).toEqual({ code: 1, out: '', err: '✗ name is required\n' });
    });
  });
});

describe('fluxion trace with an OCIRepository source', () => {
  it('trace renders an OCIRepository source with its origin, as flux’s own golden (cmd/flux/testdata/trace/helmrelease-oci.golden)', async () => {
    const h = await startCliHarness();
    try {
      const digest = 'sha256:dbdb109711ffb3be77504d2670dbe13c24dd63d8d7f1fb489d350e5bfe930dd3';
      await h.seed(
        { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository', metadata: { name: 'flux-system', namespace: 'flux-system' }, spec: { interval: '10m0s', provider: 'generic', ref: { tag: '1.2.3' }, timeout: '60s', url: 'oci://ghcr.io/example/repo' } },
        {
          artifact: { lastUpdateTime: '2022-08-10T10:07:59Z', metadata: { 'org.opencontainers.image.revision': '6.1.6@sha1:450796ddb2ab6724ee1cc32a4be56da032d1cca0', 'org.opencontainers.image.source': 'https://github.com/stefanprodan/podinfo.git' }, path: 'example', revision: digest, url: 'example', digest },
          conditions: [{ lastTransitionTime: '2021-07-20T00:48:16Z', message: `stored artifact for digest '${digest}'`, reason: 'Succeed', status: 'True', type: 'Ready' }],
        },
      );
      await h.seed(
        { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'infrastructure', namespace: 'flux-system' }, spec: { path: './infrastructure', sourceRef: { kind: 'OCIRepository', name: 'flux-system' }, interval: '5m', prune: false } },
        { conditions: [{ lastTransitionTime: '2021-08-01T04:52:56Z', message: `Applied revision: main@sha1:${SHA}`, reason: 'ReconciliationSucceeded', status: 'True', type: 'Ready' }], lastAppliedRevision: `main@sha1:${SHA}` },
      );
      await h.cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'oci' } });
      await h.cluster.create({
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        kind: 'HelmRelease',
        metadata: { name: 'podinfo', namespace: 'oci', labels: { 'kustomize.toolkit.fluxcd.io/name': 'infrastructure', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' } },
        spec: { interval: '5m', chart: { spec: { chart: 'podinfo', sourceRef: { kind: 'HelmRepository', name: 'podinfo', namespace: 'flux-system' } } } },
      });
      expect(await h.run(['trace', 'helmrelease', 'podinfo', '-n', 'oci'])).toEqual({
        code: 0,
        err: '',
        out: `
Object:          HelmRelease/podinfo
Namespace:       oci
Status:          Managed by Flux
---
Kustomization:   infrastructure
Namespace:       flux-system
Path:            ./infrastructure
Revision:        main@sha1:696f056df216eea4f9401adbee0ff744d4df390f
Status:          Last reconciled at 2021-08-01 04:52:56 +0000 UTC
Message:         Applied revision: main@sha1:696f056df216eea4f9401adbee0ff744d4df390f
---
OCIRepository:   flux-system
Namespace:       flux-system
URL:             oci://ghcr.io/example/repo
Tag:             1.2.3
Revision:        sha256:dbdb109711ffb3be77504d2670dbe13c24dd63d8d7f1fb489d350e5bfe930dd3
Origin Revision: 6.1.6@sha1:450796ddb2ab6724ee1cc32a4be56da032d1cca0
Origin Source:   https://github.com/stefanprodan/podinfo.git
Status:          Last reconciled at 2021-07-20 00:48:16 +0000 UTC
Message:         stored artifact for digest 'sha256:dbdb109711ffb3be77504d2670dbe13c24dd63d8d7f1fb489d350e5bfe930dd3'
`,
      });
      expect((await h.run(['get', 'sources', 'oci'])).out).toBe(
        table(['NAME', 'REVISION', 'SUSPENDED', 'READY', 'MESSAGE'], ['flux-system', 'sha256:dbdb1097', 'False', 'True', "stored artifact for digest 'sha256:dbdb1097'"]),
      );
    } finally {
      await h.close();
    }
  });
});
