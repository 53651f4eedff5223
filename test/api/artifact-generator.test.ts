/**
 * ArtifactGenerator and ExternalArtifact in the kinds registry: served versions, validation that
 * names the field (including what source-watcher rejects before building), and the routing of
 * source revisions — a generator hears of its sources, consumers of an ExternalArtifact hear of it.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import { fluxKindOf, normalize, sourceRefsOf, timingOf, tryNormalize } from '../../src/api/kinds.js';

const meta = { name: 'split', namespace: 'flux-system' };
const ag = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'source.extensions.fluxcd.io/v1beta1', kind: 'ArtifactGenerator', metadata: meta, spec });
const sources = [{ alias: 'monorepo', kind: 'GitRepository', name: 'flux-system' }];
const artifacts = [{ name: 'apps', copy: [{ from: '@monorepo/apps/**', to: '@artifact/' }] }];

describe('ArtifactGenerator and ExternalArtifact kinds', () => {
  it('are served in the groups and versions Flux serves them', () => {
    expect(fluxKindOf('source.extensions.fluxcd.io/v1beta1', 'ArtifactGenerator')?.plural).toBe('artifactgenerators');
    expect(fluxKindOf('source.toolkit.fluxcd.io/v1', 'ExternalArtifact')?.shortNames).toEqual(['ea']);
    expect(fluxKindOf('source.toolkit.fluxcd.io/v1beta2', 'ExternalArtifact')).toBeUndefined();
    expect(normalize(ag({ sources, artifacts })).spec).toEqual({ sources, artifacts });
    expect(tryNormalize({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'ExternalArtifact', metadata: meta }).ok).toBe(true);
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['no sources', { artifacts }, 'spec.sources', /Required value/],
    ['an empty source list', { sources: [], artifacts }, 'spec.sources', /at least 1/],
    ['an alias with capitals', { sources: [{ ...sources[0], alias: 'Mono' }], artifacts: [{ name: 'a', copy: [{ from: '@Mono/x', to: '@artifact/' }] }] }, 'spec.sources[0].alias', /does not match/],
    ['a source kind not supported', { sources: [{ ...sources[0], kind: 'HelmRepository' }], artifacts }, 'spec.sources[0].kind', /Unsupported value/],
    ['a duplicate alias', { sources: [sources[0], { ...sources[0], name: 'other' }], artifacts }, 'spec.sources[1].alias', /duplicate source alias 'monorepo' found/],
    ['an artifact name that is no object name', { sources, artifacts: [{ ...artifacts[0], name: 'Apps_1' }] }, 'spec.artifacts[0].name', /valid Kubernetes object name/],
    ['a duplicate artifact name', { sources, artifacts: [artifacts[0], artifacts[0]] }, 'spec.artifacts[1].name', /duplicate artifact name 'apps' found/],
    ['a revision naming no alias', { sources, artifacts: [{ ...artifacts[0], revision: '@chart' }] }, 'spec.artifacts[0].revision', /revision source alias 'chart' not found/],
    ['a from without @alias/', { sources, artifacts: [{ name: 'a', copy: [{ from: 'apps/**', to: '@artifact/' }] }] }, 'spec.artifacts[0].copy[0].from', /does not match/],
    ['a from naming no alias', { sources, artifacts: [{ name: 'a', copy: [{ from: '@repo/apps/**', to: '@artifact/' }] }] }, 'spec.artifacts[0].copy[0].from', /source alias 'repo' not found in spec.sources/],
    ['a to outside @artifact/', { sources, artifacts: [{ name: 'a', copy: [{ from: '@monorepo/x', to: '/tmp/x' }] }] }, 'spec.artifacts[0].copy[0].to', /does not match/],
    ['an unknown strategy', { sources, artifacts: [{ name: 'a', copy: [{ from: '@monorepo/x', to: '@artifact/', strategy: 'Append' }] }] }, 'spec.artifacts[0].copy[0].strategy', /Unsupported value/],
    ['no copy operations', { sources, artifacts: [{ name: 'a', copy: [] }] }, 'spec.artifacts[0].copy', /at least 1/],
  ])('%s is an error on %s', (_n, spec, field, message) => {
    const r = tryNormalize(ag(spec));
    expect(r.ok).toBe(false);
    const errors = r.ok ? [] : r.errors;
    expect(errors.find((e) => e.field === field)?.message, JSON.stringify(errors)).toMatch(message);
  });

  it('a generator is routed the revisions of its sources; a consumer those of its ExternalArtifact', () => {
    const gen = ag({ sources: [...sources, { alias: 'chart', kind: 'OCIRepository', name: 'podinfo', namespace: 'apps' }], artifacts });
    expect(sourceRefsOf(gen)).toEqual([
      { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', name: 'flux-system', namespace: 'flux-system' },
      { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository', name: 'podinfo', namespace: 'apps' },
    ]);
    const ks: KubeObject = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: meta, spec: { interval: '1h', sourceRef: { kind: 'ExternalArtifact', name: 'apps' } } };
    expect(sourceRefsOf(ks)).toEqual([{ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'ExternalArtifact', name: 'apps', namespace: 'flux-system' }]);
    const hr: KubeObject = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'web', namespace: 'apps' }, spec: { interval: '1h', chartRef: { kind: 'ExternalArtifact', name: 'web-chart' } } };
    expect(tryNormalize(hr).ok).toBe(true);
    expect(sourceRefsOf(hr)).toEqual([{ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'ExternalArtifact', name: 'web-chart', namespace: 'apps' }]);
  });

  it('a generator has no interval of its own: it runs hourly, as source-watcher requeues', () => {
    expect(timingOf(ag({ sources, artifacts })).intervalMs).toBe(3_600_000);
  });
});
