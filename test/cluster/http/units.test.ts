import { describe, expect, it } from 'vitest';
import { compareVersions } from '../../../src/cluster/http/discovery.js';
import { evaluateJsonPath } from '../../../src/cluster/http/jsonpath.js';
import { coreFieldSelector, fromEventsV1, toEventsV1 } from '../../../src/cluster/http/events-view.js';
import { strategicMerge } from '../../../src/cluster/http/strategic-merge.js';
import { humanDuration } from '../../../src/cluster/http/table.js';
import { parseResourcePath, wantsTable } from '../../../src/cluster/http/request.js';
import { builtinResources } from '../../../src/cluster/memory/builtin-kinds.js';

describe('strategic merge patch', () => {
  const live = {
    metadata: { labels: { a: '1', b: '2' }, finalizers: ['x'] },
    spec: {
      containers: [
        { name: 'app', image: 'nginx:1', env: [{ name: 'A', value: '1' }] },
        { name: 'side', image: 'envoy:1' },
      ],
      tolerations: [{ key: 'k' }],
    },
  };

  it.each([
    ['merges maps and deletes with null', { metadata: { labels: { b: null, c: '3' } } }, (r: typeof live) => expect(r.metadata.labels).toEqual({ a: '1', c: '3' })],
    ['merges keyed lists item by item', { spec: { containers: [{ name: 'app', image: 'nginx:2' }] } }, (r: typeof live) => expect(r.spec.containers).toEqual([{ name: 'app', image: 'nginx:2', env: [{ name: 'A', value: '1' }] }, { name: 'side', image: 'envoy:1' }])],
    ['deletes a keyed item with $patch: delete', { spec: { containers: [{ name: 'side', $patch: 'delete' }] } }, (r: typeof live) => expect(r.spec.containers.map((c) => c.name)).toEqual(['app'])],
    ['replaces lists without a merge key', { spec: { tolerations: [{ key: 'z' }] } }, (r: typeof live) => expect(r.spec.tolerations).toEqual([{ key: 'z' }])],
    ['unions finalizers', { metadata: { finalizers: ['y'] } }, (r: typeof live) => expect(r.metadata.finalizers).toEqual(['x', 'y'])],
    ['removes from primitive lists', { metadata: { '$deleteFromPrimitiveList/finalizers': ['x'] } }, (r: typeof live) => expect(r.metadata.finalizers).toEqual([])],
    ['orders with $setElementOrder', { spec: { '$setElementOrder/containers': [{ name: 'side' }, { name: 'app' }] } }, (r: typeof live) => expect(r.spec.containers.map((c) => c.name)).toEqual(['side', 'app'])],
    ['replaces a map with $patch: replace', { metadata: { labels: { z: '9', $patch: 'replace' } } }, (r: typeof live) => expect(r.metadata.labels).toEqual({ z: '9' })],
    ['keeps only $retainKeys', { spec: { $retainKeys: ['containers'] } }, (r: typeof live) => expect(Object.keys(r.spec)).toEqual(['containers'])],
  ])('%s', (_name, patch, check) => {
    const before = structuredClone(live);
    check(strategicMerge(live, patch) as typeof live);
    expect(live).toEqual(before);
  });
});

describe('printer-column JSONPath', () => {
  const obj = { metadata: { name: 'x' }, status: { conditions: [{ type: 'Reconciling', status: 'False' }, { type: 'Ready', status: 'True', message: 'ok' }] }, spec: { list: [1, 2, 3] } };
  it.each([
    ['.metadata.name', ['x']],
    ['.status.conditions[?(@.type=="Ready")].status', ['True']],
    [".status.conditions[?(@.type=='Ready')].message", ['ok']],
    ['.spec.list[1]', [2]],
    ['.spec.list[*]', [1, 2, 3]],
    ['{.spec.list[-1]}', [3]],
    ['.spec.missing', []],
  ])('%s', (expr, expected) => {
    expect(evaluateJsonPath(obj, expr)).toEqual(expected);
  });
});

describe('ages as kubectl prints them', () => {
  it.each([
    [0, '0s'],
    [119_000, '119s'],
    [150_000, '2m30s'],
    [600_000, '10m'],
    [3 * 3600_000 + 5 * 60_000, '3h5m'],
    [30 * 3600_000, '30h'],
    [3 * 86400_000 + 2 * 3600_000, '3d2h'],
    [40 * 86400_000, '40d'],
    [3 * 365 * 86400_000 + 86400_000, '3y1d'],
  ])('%i ms is %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});

describe('request parsing', () => {
  const resources = builtinResources();
  it.each([
    [['api', 'v1', 'namespaces', 'default', 'pods', 'p'], { plural: 'pods', namespace: 'default', name: 'p' }],
    [['api', 'v1', 'namespaces', 'default'], { plural: 'namespaces', name: 'default' }],
    [['api', 'v1', 'namespaces', 'default', 'status'], { plural: 'namespaces', name: 'default', subresource: 'status' }],
    [['apis', 'apps', 'v1', 'watch', 'namespaces', 'x', 'deployments'], { plural: 'deployments', namespace: 'x', watchPath: true }],
    [['apis', 'apps', 'v1', 'namespaces', 'x', 'deployments', 'd', 'scale'], { plural: 'deployments', subresource: 'scale' }],
  ])('%j', (segments, expected) => {
    const t = parseResourcePath(segments, resources);
    expect({ plural: t?.info.plural, ...t }).toMatchObject(expected);
  });

  it('rejects unknown resources and subresources', () => {
    expect(() => parseResourcePath(['api', 'v1', 'configmaps', 'c', 'scale'], resources)).toThrow('the server could not find the requested resource');
    expect(() => parseResourcePath(['apis', 'apps', 'v1', 'widgets'], resources)).toThrow();
  });

  it('recognises the Table media type kubectl sends', () => {
    expect(wantsTable('application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json')).toBe(true);
    expect(wantsTable('application/json')).toBe(false);
  });

  it('sorts versions as Kubernetes prefers them', () => {
    expect(['v1beta1', 'v1alpha1', 'v2', 'v1', 'v2beta2', 'foo'].sort(compareVersions)).toEqual(['v2', 'v1', 'v2beta2', 'v1beta1', 'v1alpha1', 'foo']);
  });
});

describe('events.k8s.io view', () => {
  it('round-trips a core Event and translates field selectors', () => {
    const core = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e', namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'p' }, reason: 'R', message: 'm', type: 'Normal', source: { component: 'c' }, reportingComponent: 'c', firstTimestamp: '2026-01-01T00:00:00Z', lastTimestamp: '2026-01-01T00:00:00Z', count: 2 };
    const v1 = toEventsV1(core);
    expect(v1).toMatchObject({ apiVersion: 'events.k8s.io/v1', regarding: { kind: 'Pod', name: 'p' }, note: 'm', reportingController: 'c', deprecatedCount: 2 });
    expect(fromEventsV1(v1)).toMatchObject({ involvedObject: { name: 'p' }, message: 'm', count: 2, source: { component: 'c' } });
    expect(coreFieldSelector('regarding.name=p,type=Normal,note=m')).toBe('involvedObject.name=p,type=Normal,message=m');
  });
});
