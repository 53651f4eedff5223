import { describe, expect, it } from 'vitest';
import { FluxionReasons, GeneratorReasons, HelmReasons, ImageReasons, KustomizeReasons, MetaReasons, SourceReasons } from '../../src/api/reasons.js';
import { AnnotationValues, Annotations, Labels, hasFluxValue } from '../../src/api/annotations.js';

describe('reasons', () => {
  it.each([
    ['meta', MetaReasons],
    ['source', SourceReasons],
    ['kustomize', KustomizeReasons],
    ['helm', HelmReasons],
    ['fluxion', FluxionReasons],
    ['source-watcher', GeneratorReasons],
    ['image-reflector', ImageReasons],
  ] as const)('%s reasons are PascalCase and spelled as their key, as Flux spells them', (_n, reasons) => {
    for (const [key, value] of Object.entries(reasons)) {
      expect(value).toBe(key);
      expect(value).toMatch(/^[A-Z][A-Za-z]+$/);
    }
  });

  it('a reason shared between controllers has one spelling', () => {
    expect(KustomizeReasons.DependencyNotReady).toBe(MetaReasons.DependencyNotReady);
    expect(HelmReasons.ReconciliationSucceeded).toBe(MetaReasons.ReconciliationSucceeded);
    expect(HelmReasons.ArtifactFailed).toBe(KustomizeReasons.ArtifactFailed);
  });
});

describe('annotations and labels', () => {
  it.each(Object.entries({ ...Annotations, ...Labels }))('%s is a qualified name in a fluxcd.io domain: %s', (_k, name) => {
    expect(name).toMatch(/^([a-z]+\.)*fluxcd\.io\/[A-Za-z]+$/);
  });
});

describe('hasFluxValue', () => {
  it.each([
    [{ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' }, true],
    [{ 'kustomize.toolkit.fluxcd.io/prune': 'Disabled' }, true],
    [{ 'kustomize.toolkit.fluxcd.io/prune': 'enabled' }, false],
    [{}, false],
    [undefined, false],
  ])('%j → %s', (map, expected) => {
    expect(hasFluxValue(map, Annotations.prune, AnnotationValues.disabled)).toBe(expected);
  });
});
