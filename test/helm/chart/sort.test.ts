import { describe, expect, it } from 'vitest';
import { INSTALL_ORDER, sortManifests, splitManifests } from '../../../src/helm/chart/sort.js';

describe('splitting rendered files into documents', () => {
  it.each([
    ['a: 1\n---\nb: 2\n', ['a: 1', 'b: 2']],
    ['---\na: 1\n', ['a: 1']],
    ['a: 1\n---   \n\n---\nb: 2', ['a: 1', '---\nb: 2']],
    ['a: 1\n--- # comment\nb: 2', ['a: 1', '# comment\nb: 2']],
    ['a: 1\n----\nb: 2', ['a: 1', '-\nb: 2']],
    ['  \n\n', []],
    ['x: "---"', ['x: "---"']],
  ])('%j', (text, want) => {
    expect(splitManifests(text)).toEqual(want);
  });
});

describe('ordering manifests and hooks', () => {
  const files = new Map([
    ['c/templates/b.yaml', 'kind: Deployment\nmetadata:\n  name: d\n---\nkind: Service\nmetadata:\n  name: s\n---\nkind: Zed\n---\nkind: Alpha\n'],
    ['c/templates/a.yaml', 'kind: Deployment\nmetadata:\n  name: first\n---\n# only a comment\n'],
    ['c/templates/_p.tpl', 'kind: Secret\n'],
    ['c/templates/empty.yaml', '\n  \n'],
    [
      'c/templates/hooks.yaml',
      'kind: Job\nmetadata:\n  name: j\n  annotations:\n    helm.sh/hook: pre-install, POST-upgrade\n    helm.sh/hook-weight: "-3"\n---\nkind: ConfigMap\nmetadata:\n  name: u\n  annotations:\n    helm.sh/hook: bogus\n---\nkind: Pod\nmetadata:\n  name: t\n  annotations:\n    helm.sh/hook: test-success\n    helm.sh/hook-delete-policy: Hook-Succeeded,before-hook-creation\n',
    ],
  ]);

  it('orders by kind in install order, then by file path and position; unknown kinds last, alphabetically', () => {
    const { manifests } = sortManifests(files);
    expect(manifests.map((m) => `${m.kind}/${m.name}@${m.source.split('/').pop()}`)).toEqual([
      'Service/s@b.yaml',
      'Deployment/first@a.yaml',
      'Deployment/d@b.yaml',
      '/@a.yaml',
      'Alpha/@b.yaml',
      'Zed/@b.yaml',
    ]);
  });

  it('sets hooks apart with their events, weight and delete policies, dropping unknown hooks', () => {
    const { hooks } = sortManifests(files);
    expect(hooks.map((h) => [h.kind, h.events, h.weight, h.deletePolicies])).toEqual([
      ['Pod', ['test'], 0, ['hook-succeeded', 'before-hook-creation']],
      ['Job', ['pre-install', 'post-upgrade'], -3, []],
    ]);
  });

  it('keeps the install order Helm uses', () => {
    expect(INSTALL_ORDER.indexOf('Namespace')).toBeLessThan(INSTALL_ORDER.indexOf('CustomResourceDefinition'));
    expect(INSTALL_ORDER.at(-1)).toBe('APIService');
  });

  it('reports a YAML error with the file name', () => {
    expect(() => sortManifests(new Map([['c/templates/x.yaml', 'a: [1\n']]))).toThrow('YAML parse error on c/templates/x.yaml');
  });
});
