import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { KubeObject } from '../../src/api/meta.js';
import { fluxKindOf, fluxKinds, normalize, timingOf, tryNormalize } from '../../src/api/kinds.js';
import { helmReleaseMaxHistory, helmReleaseTimeoutMs } from '../../src/api/kinds/helm-release.js';
import type { HelmRelease } from '../../src/api/kinds/helm-release.js';

const metadata = { name: 'podinfo', namespace: 'apps' };
const obj = (apiVersion: string, kind: string, spec: Record<string, unknown>): KubeObject => ({ apiVersion, kind, metadata, spec });
const chartSpec = { chart: 'podinfo', sourceRef: { kind: 'HelmRepository', name: 'podinfo' } };
const ksSpec = { interval: '10m', prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' } };

describe('schema defaults per kind', () => {
  it.each([
    ['GitRepository timeout', obj('source.toolkit.fluxcd.io/v1', 'GitRepository', { url: 'https://x/y', interval: '1m' }), 'timeout', '60s'],
    ['GitRepository verify mode', obj('source.toolkit.fluxcd.io/v1', 'GitRepository', { url: 'https://x/y', interval: '1m', verify: { secretRef: { name: 'k' } } }), 'verify.mode', 'HEAD'],
    ['HelmRepository type', obj('source.toolkit.fluxcd.io/v1', 'HelmRepository', { url: 'https://charts', interval: '10m' }), 'type', 'default'],
    ['HelmRepository provider', obj('source.toolkit.fluxcd.io/v1', 'HelmRepository', { url: 'https://charts', interval: '10m' }), 'provider', 'generic'],
    ['HelmChart version', obj('source.toolkit.fluxcd.io/v1', 'HelmChart', { ...chartSpec, interval: '1m' }), 'version', '*'],
    ['HelmChart reconcileStrategy', obj('source.toolkit.fluxcd.io/v1', 'HelmChart', { ...chartSpec, interval: '1m' }), 'reconcileStrategy', 'ChartVersion'],
    ['Kustomization force', obj('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', ksSpec), 'force', false],
    ['HelmRelease chart template version', obj('helm.toolkit.fluxcd.io/v2', 'HelmRelease', { interval: '5m', chart: { spec: chartSpec } }), 'chart.spec.version', '*'],
    ['HelmRelease chart template strategy', obj('helm.toolkit.fluxcd.io/v2', 'HelmRelease', { interval: '5m', chart: { spec: chartSpec } }), 'chart.spec.reconcileStrategy', 'ChartVersion'],
  ])('%s', (_what, input, field, value) => {
    const out = normalize(input);
    const got = field.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], out.spec);
    expect(got).toEqual(value);
  });

  it.each(['>=1.0.0, <2.0.0', '^1.2', '6.x', '>=1.0.0 !=1.5.0', '1.x || >=3.0.0', 'v1.2.x'])('accepts the Masterminds semver range %j', (range) => {
    expect(tryNormalize(obj('source.toolkit.fluxcd.io/v1', 'HelmChart', { ...chartSpec, interval: '1m', version: range })).ok).toBe(true);
    expect(tryNormalize(obj('source.toolkit.fluxcd.io/v1', 'GitRepository', { url: 'https://x/y', interval: '1m', ref: { semver: range } })).ok).toBe(true);
  });

  it('keeps what the user set over a default', () => {
    const g = normalize(obj('source.toolkit.fluxcd.io/v1', 'GitRepository', { url: 'https://x/y', interval: '1m', timeout: '2m' }));
    expect((g.spec as { timeout: string }).timeout).toBe('2m');
  });

  it.each([
    ['GitRepository', obj('source.toolkit.fluxcd.io/v1', 'GitRepository', { url: 'https://x/y', interval: '5m' }), { intervalMs: 300_000, retryIntervalMs: 300_000, timeoutMs: 60_000 }],
    ['HelmRepository', obj('source.toolkit.fluxcd.io/v1', 'HelmRepository', { url: 'https://charts', interval: '10m', timeout: '30s' }), { intervalMs: 600_000, retryIntervalMs: 600_000, timeoutMs: 30_000 }],
    ['Kustomization with a short explicit timeout', obj('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', { ...ksSpec, timeout: '10s' }), { intervalMs: 600_000, retryIntervalMs: 600_000, timeoutMs: 30_000 }],
    ['HelmRelease', obj('helm.toolkit.fluxcd.io/v2', 'HelmRelease', { interval: '1h', chart: { spec: chartSpec } }), { intervalMs: 3_600_000, retryIntervalMs: 3_600_000, timeoutMs: 300_000 }],
  ])('timing of a %s', (_what, input, timing) => {
    expect(timingOf(normalize(input))).toEqual(timing);
  });

  it('defaults HelmRelease timeout to 5m and maxHistory to 5', () => {
    const h = normalize<HelmRelease>(obj('helm.toolkit.fluxcd.io/v2', 'HelmRelease', { interval: '5m', chart: { spec: chartSpec } }));
    expect(helmReleaseTimeoutMs(h.spec)).toBe(300_000);
    expect(helmReleaseMaxHistory(h.spec)).toBe(5);
    expect(helmReleaseMaxHistory({ ...h.spec, maxHistory: 0 })).toBe(0);
  });
});

describe('older versions convert to the storage version', () => {
  it.each([
    [
      'GitRepository v1beta1 (gitImplementation, accessFrom)',
      obj('source.toolkit.fluxcd.io/v1beta1', 'GitRepository', { url: 'ssh://git@x/y', interval: '1m', gitImplementation: 'libgit2', accessFrom: { namespaceSelectors: [] }, ref: { tag: 'v1.0.0' } }),
      'source.toolkit.fluxcd.io/v1',
      { url: 'ssh://git@x/y', interval: '1m', timeout: '60s', ref: { tag: 'v1.0.0' } },
    ],
    [
      'GitRepository v1beta2 (verify mode head)',
      obj('source.toolkit.fluxcd.io/v1beta2', 'GitRepository', { url: 'https://x/y', interval: '1m', verify: { mode: 'head', secretRef: { name: 'pgp' } } }),
      'source.toolkit.fluxcd.io/v1',
      { url: 'https://x/y', interval: '1m', timeout: '60s', verify: { mode: 'HEAD', secretRef: { name: 'pgp' } } },
    ],
    [
      'HelmRepository v1beta2',
      obj('source.toolkit.fluxcd.io/v1beta2', 'HelmRepository', { url: 'oci://ghcr.io/charts', type: 'oci', accessFrom: { namespaceSelectors: [] } }),
      'source.toolkit.fluxcd.io/v1',
      { url: 'oci://ghcr.io/charts', type: 'oci', provider: 'generic' },
    ],
    [
      'HelmChart v1beta2 (valuesFile)',
      obj('source.toolkit.fluxcd.io/v1beta2', 'HelmChart', { ...chartSpec, interval: '1m', valuesFile: 'prod.yaml', valuesFiles: ['base.yaml'] }),
      'source.toolkit.fluxcd.io/v1',
      { ...chartSpec, interval: '1m', valuesFiles: ['prod.yaml', 'base.yaml'], version: '*', reconcileStrategy: 'ChartVersion' },
    ],
    [
      'Kustomization v1beta1 (validation)',
      obj('kustomize.toolkit.fluxcd.io/v1beta1', 'Kustomization', { ...ksSpec, validation: 'server', path: './deploy' }),
      'kustomize.toolkit.fluxcd.io/v1',
      { ...ksSpec, path: './deploy', force: false },
    ],
    [
      'Kustomization v1beta2 (patchesStrategicMerge, existing patches kept first)',
      obj('kustomize.toolkit.fluxcd.io/v1beta2', 'Kustomization', {
        ...ksSpec,
        patches: [{ patch: 'a: b\n' }],
        patchesStrategicMerge: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { k: 'v' } }],
      }),
      'kustomize.toolkit.fluxcd.io/v1',
      { ...ksSpec, force: false, patches: [{ patch: 'a: b\n' }, { patch: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: v\n' }] },
    ],
    [
      'HelmRelease v2beta2',
      obj('helm.toolkit.fluxcd.io/v2beta2', 'HelmRelease', { interval: '5m', chart: { spec: { ...chartSpec, version: '6.x' } }, driftDetection: { mode: 'warn' } }),
      'helm.toolkit.fluxcd.io/v2',
      { interval: '5m', chart: { spec: { ...chartSpec, version: '6.x', reconcileStrategy: 'ChartVersion' } }, driftDetection: { mode: 'warn' } },
    ],
    [
      'HelmRelease v2beta1 (post-renderer patchesJson6902)',
      obj('helm.toolkit.fluxcd.io/v2beta1', 'HelmRelease', {
        interval: '5m',
        chart: { spec: chartSpec },
        postRenderers: [{ kustomize: { patchesJson6902: [{ target: { kind: 'Deployment', name: 'web' }, patch: [{ op: 'remove', path: '/spec/replicas' }] }] } }],
      }),
      'helm.toolkit.fluxcd.io/v2',
      {
        interval: '5m',
        chart: { spec: { ...chartSpec, version: '*', reconcileStrategy: 'ChartVersion' } },
        postRenderers: [{ kustomize: { patches: [{ target: { kind: 'Deployment', name: 'web' }, patch: '- op: remove\n  path: /spec/replicas\n' }] } }],
      },
    ],
  ])('%s', (_what, input, apiVersion, spec) => {
    const before = structuredClone(input);
    const out = normalize(input);
    expect(out.apiVersion).toBe(apiVersion);
    expect(out.spec).toEqual(spec);
    expect(out.metadata).toEqual(input.metadata);
    // normalize never mutates its argument: callers hand in objects from a cluster cache.
    expect(input).toEqual(before);
  });

  it('serves every version each kind lists, and nothing else', () => {
    for (const k of fluxKinds) {
      for (const v of k.versions) expect(fluxKindOf(`${k.group}/${v}`, k.kind)).toBe(k);
      expect(fluxKindOf(`${k.group}/v0alpha9`, k.kind)).toBeUndefined();
    }
    const r = tryNormalize(obj('source.toolkit.fluxcd.io/v1alpha1', 'GitRepository', { url: 'https://x/y', interval: '1m' }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]?.field).toBe('apiVersion');
  });

  it('normalize is idempotent for every kind and version', () => {
    const arb = fc.oneof(
      fc.record({
        v: fc.constantFrom('v1', 'v1beta2', 'v1beta1'),
        spec: fc.record({
          url: fc.constantFrom('https://x/y', 'ssh://git@x/y'),
          interval: fc.constantFrom('1m', '30s'),
          timeout: fc.option(fc.constantFrom('20s', '2m'), { nil: undefined }),
          ref: fc.option(fc.oneof(fc.record({ branch: fc.constant('main') }), fc.record({ semver: fc.constant('>=1.0.0') })), { nil: undefined }),
          gitImplementation: fc.option(fc.constant('go-git'), { nil: undefined }),
        }),
      }).map(({ v, spec }) => obj(`source.toolkit.fluxcd.io/${v}`, 'GitRepository', spec)),
      fc.record({
        v: fc.constantFrom('v1', 'v1beta2'),
        spec: fc.record({ ...chartSpecArb(), interval: fc.constant('1m'), valuesFile: fc.option(fc.constant('a.yaml'), { nil: undefined }) }),
      }).map(({ v, spec }) => obj(`source.toolkit.fluxcd.io/${v}`, 'HelmChart', spec)),
      fc.record({
        v: fc.constantFrom('v2', 'v2beta2', 'v2beta1'),
        interval: fc.constantFrom('5m', '1h'),
        maxHistory: fc.option(fc.nat(10), { nil: undefined }),
        spec: fc.record({ ...chartSpecArb(), valuesFile: fc.option(fc.constant('a.yaml'), { nil: undefined }) }),
      }).map(({ v, interval, maxHistory, spec }) => obj(`helm.toolkit.fluxcd.io/${v}`, 'HelmRelease', { interval, maxHistory, chart: { spec } })),
    );
    fc.assert(
      fc.property(arb, (input) => {
        const once = normalize(input);
        expect(normalize(once)).toEqual(once);
      }),
    );
  });
});

function chartSpecArb() {
  return {
    chart: fc.constantFrom('podinfo', 'redis'),
    version: fc.option(fc.constantFrom('*', '6.x', '>=1.0.0 <2.0.0'), { nil: undefined }),
    sourceRef: fc.constant({ kind: 'HelmRepository', name: 'charts' }),
  };
}

describe('the kinds registry', () => {
  it.each([
    ['GitRepository', 'source.toolkit.fluxcd.io', 'gitrepositories', 'gitrepo', 'v1', ['v1', 'v1beta2', 'v1beta1']],
    ['HelmRepository', 'source.toolkit.fluxcd.io', 'helmrepositories', 'helmrepo', 'v1', ['v1', 'v1beta2', 'v1beta1']],
    ['HelmChart', 'source.toolkit.fluxcd.io', 'helmcharts', 'hc', 'v1', ['v1', 'v1beta2', 'v1beta1']],
    ['Kustomization', 'kustomize.toolkit.fluxcd.io', 'kustomizations', 'ks', 'v1', ['v1', 'v1beta2', 'v1beta1']],
    ['HelmRelease', 'helm.toolkit.fluxcd.io', 'helmreleases', 'hr', 'v2', ['v2', 'v2beta2', 'v2beta1']],
  ])('%s: %s, plural %s, short name %s, stored as %s', (kind, group, plural, short, storage, versions) => {
    const k = fluxKinds.find((x) => x.kind === kind)!;
    expect(k).toMatchObject({ group, plural, singular: kind.toLowerCase(), shortNames: [short], storageVersion: storage, versions });
    expect(k.categories).toEqual(expect.arrayContaining(['flux', 'all']));
  });

  it("a kind's own normalize rejects another kind and an unserved version, naming the field", () => {
    const git = fluxKinds.find((x) => x.kind === 'GitRepository')!;
    const wrongKind = git.normalize(obj('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', ksSpec));
    expect(wrongKind.ok ? [] : wrongKind.errors.map((e) => e.field)).toEqual(['kind']);
    const wrongVersion = git.normalize(obj('source.toolkit.fluxcd.io/v2', 'GitRepository', { url: 'https://x/y', interval: '1m' }));
    expect(wrongVersion.ok ? [] : wrongVersion.errors.map((e) => e.field)).toEqual(['apiVersion']);
    const ok = git.normalize(obj('source.toolkit.fluxcd.io/v1beta2', 'GitRepository', { url: 'https://x/y', interval: '1m' }));
    expect(ok.ok && ok.object.apiVersion).toBe('source.toolkit.fluxcd.io/v1');
  });
});
