/**
 * `rollback.recreate`: kubectl's pod selectors per kind, the deletion of the selected pods, and
 * Helm's rollback action deleting the pods of what it updated (and only logging a failure).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/api/clock.js';
import type { KubeObject, ObjectRef } from '../../../src/api/meta.js';
import { ApiError } from '../../../src/cluster/errors.js';
import { MemoryCluster } from '../../../src/cluster/memory/index.js';
import { formatLabelSelector, matchesLabels, parseLabelSelector } from '../../../src/cluster/selectors.js';
import type { Cluster, DeleteOptions } from '../../../src/cluster/types.js';
import { ReleaseActions, podSelectorOf, recreatePods } from '../../../src/helm/action/index.js';
import type { RenderedChart, RollbackOptions } from '../../../src/helm/action/index.js';
import type { Chart } from '../../../src/helm/chart/types.js';
import { ReleaseStorage } from '../../../src/helm/release/storage.js';

type Expression = { key: string; operator: string; values?: string[] };
type Selector = { matchLabels: Record<string, string>; matchExpressions: Expression[] };

const workload = (apiVersion: string, kind: string, spec: Record<string, unknown>, namespace = 'apps'): KubeObject => ({ apiVersion, kind, metadata: { name: 'web', namespace }, spec });
const pod = (name: string, labels: Record<string, string>, namespace = 'apps'): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels }, spec: { containers: [{ name: 'app', image: 'nginx' }] } });

/** The definition, independent of the implementation: every matchLabel, then every expression. */
function selects(s: Selector, labels: Record<string, string>): boolean {
  const has = (k: string) => Object.prototype.hasOwnProperty.call(labels, k);
  return (
    Object.entries(s.matchLabels).every(([k, v]) => has(k) && labels[k] === v) &&
    s.matchExpressions.every((e) => {
      switch (e.operator) {
        case 'In':
          return has(e.key) && (e.values ?? []).includes(labels[e.key]!);
        case 'NotIn':
          return !has(e.key) || !(e.values ?? []).includes(labels[e.key]!);
        case 'Exists':
          return has(e.key);
        default:
          return !has(e.key);
      }
    })
  );
}

const key = fc.constantFrom('app', 'tier', 'team', 'example.com/role');
const value = fc.constantFrom('web', 'db', 'v1.2', 'a_b');
const labelsArb = fc.dictionary(key, value);
const expressionArb: fc.Arbitrary<Expression> = fc.oneof(
  fc.record({ key, operator: fc.constantFrom('In', 'NotIn'), values: fc.uniqueArray(value, { minLength: 1, maxLength: 3 }) }),
  fc.record({ key, operator: fc.constantFrom('Exists', 'DoesNotExist') }),
);
const selectorArb: fc.Arbitrary<Selector> = fc.record({ matchLabels: labelsArb, matchExpressions: fc.array(expressionArb, { maxLength: 3 }) });
const LABEL_SELECTOR_KINDS = [
  ['apps/v1', 'Deployment'],
  ['extensions/v1beta1', 'Deployment'],
  ['apps/v1', 'ReplicaSet'],
  ['apps/v1', 'StatefulSet'],
  ['apps/v1', 'DaemonSet'],
  ['batch/v1', 'Job'],
] as const;

describe('podSelectorOf (kubectl SelectorsForObject)', () => {
  const setBased = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'edge'] }, { key: 'canary', operator: 'DoesNotExist' }] };

  it.each(LABEL_SELECTOR_KINDS)('reads %s %s spec.selector as a LabelSelector: matchLabels and matchExpressions', (apiVersion, kind) => {
    const reqs = podSelectorOf(workload(apiVersion, kind, { selector: setBased }));
    expect(reqs).toEqual([
      { key: 'app', op: 'eq', value: 'web' },
      { key: 'tier', op: 'in', values: ['front', 'edge'] },
      { key: 'canary', op: 'notexists' },
    ]);
    expect(matchesLabels(reqs!, { app: 'web', tier: 'edge' })).toBe(true);
    expect(matchesLabels(reqs!, { app: 'web', tier: 'edge', canary: 'yes' })).toBe(false);
    expect(matchesLabels(reqs!, { app: 'web', tier: 'back' })).toBe(false);
    expect(matchesLabels(reqs!, { tier: 'front' })).toBe(false);
  });

  it.each([
    ['a ReplicationController', workload('v1', 'ReplicationController', { selector: { app: 'web', tier: 'front' } })],
    ['a Service', workload('v1', 'Service', { selector: { app: 'web', tier: 'front' } })],
    ['a ReplicationController without a selector (its template labels, as the API server defaults it)', workload('v1', 'ReplicationController', { template: { metadata: { labels: { app: 'web', tier: 'front' } } } })],
  ])('reads %s selector as a label map', (_, obj) => {
    expect(podSelectorOf(obj)).toEqual([
      { key: 'app', op: 'eq', value: 'web' },
      { key: 'tier', op: 'eq', value: 'front' },
    ]);
  });

  it.each([
    ['a Service with an empty selector', workload('v1', 'Service', { selector: {} })],
    ['a Service without a selector (ExternalName)', workload('v1', 'Service', { type: 'ExternalName', externalName: 'example.com' })],
    ['a ConfigMap', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web', namespace: 'apps' }, data: {} }],
    ['a Pod', pod('web', { app: 'web' })],
    ['a CronJob (not in kubectl’s list)', workload('batch/v1', 'CronJob', { jobTemplate: { spec: { selector: { matchLabels: { app: 'web' } } } } })],
    ['a Deployment of another API group', workload('example.com/v1', 'Deployment', { selector: { matchLabels: { app: 'web' } } })],
    ['a Deployment without a selector', workload('apps/v1', 'Deployment', {})],
    ['a Deployment with an unknown operator', workload('apps/v1', 'Deployment', { selector: { matchExpressions: [{ key: 'app', operator: 'Equals', values: ['web'] }] } })],
    ['a Deployment with In and no values', workload('apps/v1', 'Deployment', { selector: { matchExpressions: [{ key: 'app', operator: 'In', values: [] }] } })],
    ['a Deployment with Exists and values', workload('apps/v1', 'Deployment', { selector: { matchExpressions: [{ key: 'app', operator: 'Exists', values: ['web'] }] } })],
  ])('has no pod selector for %s', (_, obj) => {
    expect(podSelectorOf(obj as KubeObject)).toBeUndefined();
  });

  it('selects every pod for an empty LabelSelector, as LabelSelectorAsSelector does', () => {
    const reqs = podSelectorOf(workload('batch/v1', 'Job', { selector: {} }));
    expect(reqs).toEqual([]);
    expect(matchesLabels(reqs!, { anything: 'x' })).toBe(true);
  });

  it('selects a pod iff it has every matchLabel and satisfies every matchExpression', () => {
    fc.assert(
      fc.property(fc.constantFrom(...LABEL_SELECTOR_KINDS), selectorArb, labelsArb, ([apiVersion, kind], selector, labels) => {
        const reqs = podSelectorOf(workload(apiVersion, kind, { selector }));
        expect(reqs).toBeDefined();
        expect(matchesLabels(reqs!, labels)).toBe(selects(selector, labels));
      }),
      { numRuns: 500 },
    );
  });

  it('survives the trip to the API server: the selector string parses back to the same requirements', () => {
    fc.assert(
      fc.property(selectorArb, (selector) => {
        const reqs = podSelectorOf(workload('apps/v1', 'Deployment', { selector }))!;
        expect(parseLabelSelector(formatLabelSelector(reqs))).toEqual(reqs);
      }),
      { numRuns: 300 },
    );
  });
});

/** A cluster whose calls can be watched and made to fail, around a MemoryCluster. */
function spy(inner: Cluster, failDelete?: (ref: ObjectRef) => Error | undefined) {
  const deletes: { ref: ObjectRef; options: DeleteOptions | undefined }[] = [];
  const cluster = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'delete') {
        return async (ref: ObjectRef, options?: DeleteOptions) => {
          deletes.push({ ref, options });
          const err = failDelete?.(ref);
          if (err) throw err;
          return target.delete(ref, options);
        };
      }
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { cluster, deletes };
}

const podNames = async (cluster: Cluster): Promise<string[]> => (await cluster.list({ apiVersion: 'v1', kind: 'Pod' })).items.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).sort();

describe('recreatePods', () => {
  const newCluster = async () => {
    const cluster = new MemoryCluster({ clock: new ManualClock(), simulateControllers: false });
    for (const ns of ['apps', 'other']) await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    return cluster;
  };

  it('deletes exactly the pods the object selects, in its own namespace', async () => {
    await fc.assert(
      fc.asyncProperty(selectorArb, fc.array(fc.tuple(fc.constantFrom('apps', 'other'), labelsArb), { maxLength: 8 }), async (selector, pods) => {
        const cluster = await newCluster();
        for (const [i, [ns, labels]] of pods.entries()) await cluster.create(pod(`p${i}`, labels, ns));
        const result = await recreatePods(cluster, [workload('apps/v1', 'Deployment', { selector })]);
        const expected = pods.flatMap(([ns, labels], i) => (ns === 'apps' && selects(selector, labels) ? [] : [`${ns}/p${i}`])).sort();
        expect(await podNames(cluster)).toEqual(expected);
        expect(result).toEqual({ deleted: pods.flatMap(([ns, labels], i) => (ns === 'apps' && selects(selector, labels) ? [`Pod/apps/p${i}`] : [])).sort() });
      }),
      { numRuns: 40 },
    );
  });

  it('deletes each pod with a UID precondition, and skips objects without a selector', async () => {
    const memory = await newCluster();
    const created = await memory.create(pod('web-1', { app: 'web' }));
    await memory.create(pod('db-1', { app: 'db' }));
    const { cluster, deletes } = spy(memory);
    const result = await recreatePods(cluster, [workload('v1', 'Service', { selector: {} }), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'apps' } }, workload('v1', 'Service', { selector: { app: 'web' } })]);
    expect(result).toEqual({ deleted: ['Pod/apps/web-1'] });
    expect(deletes).toEqual([{ ref: { apiVersion: 'v1', kind: 'Pod', name: 'web-1', namespace: 'apps' }, options: { preconditions: { uid: created.metadata.uid } } }]);
    expect(await podNames(memory)).toEqual(['apps/db-1']);
  });

  it('stops at the first error and reports it, as Helm does; a pod already gone is no error', async () => {
    const memory = await newCluster();
    for (const name of ['web-1', 'web-2', 'web-3']) await memory.create(pod(name, { app: 'web' }));
    await memory.create(pod('db-1', { app: 'db' }));
    const { cluster } = spy(memory, (ref) => (ref.name === 'web-1' ? new ApiError(404, 'NotFound', 'pods "web-1" not found') : ref.name === 'web-2' ? new ApiError(500, 'InternalError', 'etcd is down') : undefined));
    const result = await recreatePods(cluster, [workload('apps/v1', 'Deployment', { selector: { matchLabels: { app: 'web' } } }), workload('v1', 'Service', { selector: { app: 'db' } })]);
    expect(result).toEqual({ deleted: [], error: 'unable to recreate pods for object apps/web because an error occurred: etcd is down' });
    expect(await podNames(memory)).toEqual(['apps/db-1', 'apps/web-1', 'apps/web-2', 'apps/web-3']);
  });
});

describe('ReleaseActions.rollback with recreate', () => {
  const chart: Chart = { metadata: { name: 'web', version: '1.0.0', apiVersion: 'v2' }, raw: [], templates: [], values: {}, files: [], dependencies: [] };
  const deployment = (name: string, image: string): Record<string, unknown> => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }] } } },
  });
  const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web-svc' }, spec: { selector: { role: 'frontend' }, ports: [{ port: 80 }] } };
  const rendered = (objects: Record<string, unknown>[]): RenderedChart => ({
    manifests: objects.map((o) => ({ source: `web/templates/${String((o.metadata as { name: string }).name)}.yaml`, content: JSON.stringify(o), objects: [o] })),
    hooks: [],
    crds: [],
    notes: '',
    chart,
  });

  /** v1 has `web`, `web-extra` and a Service; v2 changes `web`'s image and drops `web-extra`. */
  const setup = async (failDelete?: (ref: ObjectRef) => Error | undefined) => {
    const clock = new ManualClock();
    const memory = new MemoryCluster({ clock, simulateControllers: false });
    for (const ns of ['apps', 'other']) await memory.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const { cluster, deletes } = spy(memory, failDelete);
    const logs: string[] = [];
    const actions = new ReleaseActions({ cluster, clock, storage: new ReleaseStorage(cluster, 'apps', clock), sleep: (ms) => clock.advanceAsync(ms), fieldManager: 'helm-controller', log: (m) => logs.push(m) });
    const target = { name: 'web', namespace: 'apps' };
    const deploy = { timeoutMs: 60_000, wait: false };
    await actions.install(target, rendered([deployment('web', 'nginx:1'), deployment('web-extra', 'nginx:1'), service]), {}, deploy);
    await actions.upgrade(target, rendered([deployment('web', 'nginx:2'), service]), {}, deploy);
    for (const [name, labels, ns] of [
      ['web-a', { app: 'web' }, 'apps'],
      ['web-b', { app: 'web', extra: 'x' }, 'apps'],
      ['front-a', { role: 'frontend' }, 'apps'],
      ['db-a', { app: 'db' }, 'apps'],
      ['web-elsewhere', { app: 'web' }, 'other'],
      // Left behind by web-extra, which the rollback creates again rather than updates.
      ['web-extra-a', { app: 'web-extra' }, 'apps'],
    ] as const) {
      await memory.create(pod(name, labels, ns));
    }
    const rollback = (options: Partial<RollbackOptions>) => actions.rollback(target, { timeoutMs: 60_000, wait: false, ...options });
    return { memory, deletes, logs, rollback };
  };

  it('deletes the pods of the workloads and Services it updated, not of those it created, nor elsewhere', async () => {
    const { memory, logs, rollback } = await setup();
    const release = await rollback({ recreate: true });
    expect(release).toMatchObject({ version: 3, info: { status: 'deployed', description: 'Rollback to 1' } });
    expect(await podNames(memory)).toEqual(['apps/db-a', 'apps/web-extra-a', 'other/web-elsewhere']);
    const web = await memory.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'apps' });
    expect((web?.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]?.image).toBe('nginx:1');
    expect(await memory.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web-extra', namespace: 'apps' })).toBeDefined();
    expect(logs).toEqual([]);
  });

  it.each([{}, { recreate: false }])('leaves every pod alone with %o', async (options) => {
    const { memory, deletes, rollback } = await setup();
    await rollback(options);
    expect(await podNames(memory)).toEqual(['apps/db-a', 'apps/front-a', 'apps/web-a', 'apps/web-b', 'apps/web-extra-a', 'other/web-elsewhere']);
    expect(deletes.filter((d) => d.ref.kind === 'Pod')).toEqual([]);
  });

  it('still rolls back when pods cannot be deleted, and logs why', async () => {
    const { memory, logs, rollback } = await setup((ref) => (ref.kind === 'Pod' ? new ApiError(403, 'Forbidden', 'pods "web-a" is forbidden: cannot delete pods') : undefined));
    const release = await rollback({ recreate: true });
    expect(release.info.status).toBe('deployed');
    expect(logs).toEqual(['unable to recreate pods for object apps/web because an error occurred: pods "web-a" is forbidden: cannot delete pods']);
    expect(await podNames(memory)).toContain('apps/web-a');
  });
});
