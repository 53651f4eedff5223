import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ManualClock } from '../../src/api/clock.js';
import type { KubeObject } from '../../src/api/meta.js';
import { fluxCrds } from '../../src/api/crds.js';
import { MemoryCluster } from '../../src/cluster/memory/index.js';
import { formatLabelSelector, matchesLabels, parseLabelSelector } from '../../src/cluster/selectors.js';
import type { WatchEvent } from '../../src/cluster/types.js';
import { jsonPatch, mergePatch } from '../../src/cluster/memory/patches.js';

const deploy = (name: string, image: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'default' },
  spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image }] } }, ...extra },
});
const ref = (name: string) => ({ apiVersion: 'apps/v1', kind: 'Deployment', name, namespace: 'default' });
type DeployStatus = { observedGeneration: number; readyReplicas: number; updatedReplicas: number; availableReplicas: number; conditions: { type: string; status: string; reason: string }[] };

describe('MemoryCluster simulated controllers', () => {
  it('rolls a Deployment out after the rollout delay on the injected clock', async () => {
    const clock = new ManualClock();
    const c = new MemoryCluster({ clock, rolloutDelayMs: 2000 });
    await c.apply(deploy('web', 'nginx'), { fieldManager: 'test' });
    let s = (await c.get(ref('web')))?.status as DeployStatus;
    expect(s.observedGeneration).toBe(1);
    expect(s.readyReplicas).toBe(0);
    clock.advance(1999);
    expect(((await c.get(ref('web')))?.status as DeployStatus).readyReplicas).toBe(0);
    clock.advance(1);
    s = (await c.get(ref('web')))?.status as DeployStatus;
    expect(s).toMatchObject({ readyReplicas: 2, updatedReplicas: 2, availableReplicas: 2 });
    expect(s.conditions.find((x) => x.type === 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable' });
  });

  it('starts a new rollout on a spec change and ignores a stale timer', async () => {
    const clock = new ManualClock();
    const c = new MemoryCluster({ clock, rolloutDelayMs: 1000 });
    await c.apply(deploy('web', 'nginx:1'), { fieldManager: 'test' });
    clock.advance(500);
    await c.apply(deploy('web', 'nginx:2'), { fieldManager: 'test' });
    clock.advance(600);
    let s = (await c.get(ref('web')))?.status as DeployStatus;
    expect(s.observedGeneration).toBe(2);
    expect(s.updatedReplicas).toBe(0);
    clock.advance(400);
    s = (await c.get(ref('web')))?.status as DeployStatus;
    expect(s.updatedReplicas).toBe(2);
  });

  it('never readies a workload whose image contains "fail", and reports ProgressDeadlineExceeded', async () => {
    const clock = new ManualClock();
    const c = new MemoryCluster({ clock, rolloutDelayMs: 1000 });
    await c.apply(deploy('bad', 'example/fail:1', { progressDeadlineSeconds: 60 }), { fieldManager: 'test' });
    clock.advance(59_000);
    expect(((await c.get(ref('bad')))?.status as DeployStatus).conditions.find((x) => x.type === 'Progressing')?.status).toBe('True');
    clock.advance(1_000);
    const s = (await c.get(ref('bad')))?.status as DeployStatus;
    expect(s.readyReplicas).toBe(0);
    expect(s.conditions.find((x) => x.type === 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
  });

  it('completes Jobs, binds PVCs and gives Services a cluster IP', async () => {
    const clock = new ManualClock();
    const c = new MemoryCluster({ clock, rolloutDelayMs: 100 });
    await c.apply({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'default' }, spec: { template: { spec: { containers: [{ name: 'x', image: 'busybox' }] } } } }, { fieldManager: 't' });
    await c.apply({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'p', namespace: 'default' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }, { fieldManager: 't' });
    const svc = await c.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec: { ports: [{ port: 80 }] } }, { fieldManager: 't' });
    expect((svc.spec as { clusterIP: string }).clusterIP).toMatch(/^10\.96\.\d+\.\d+$/);
    expect((await c.get({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: 'p', namespace: 'default' }))?.status).toMatchObject({ phase: 'Bound' });
    clock.advance(100);
    const job = await c.get({ apiVersion: 'batch/v1', kind: 'Job', name: 'j', namespace: 'default' });
    expect((job?.status as { conditions: unknown[] }).conditions).toEqual([expect.objectContaining({ type: 'Complete', status: 'True' })]);
  });

  it('runs Pods: a long-running one becomes Ready, one that runs to completion Succeeds, a "fail" image Fails', async () => {
    const clock = new ManualClock();
    const c = new MemoryCluster({ clock, rolloutDelayMs: 100 });
    const pod = (name: string, image: string, restartPolicy?: string) =>
      c.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { ...(restartPolicy ? { restartPolicy } : {}), containers: [{ name: 'x', image }] } }, { fieldManager: 't' });
    await pod('server', 'nginx');
    await pod('test', 'busybox', 'Never');
    await pod('broken-test', 'failing/busybox', 'Never');
    const phase = async (name: string) => ((await c.get({ apiVersion: 'v1', kind: 'Pod', name, namespace: 'default' }))?.status as { phase: string }).phase;
    expect(await phase('test')).toBe('Pending');
    clock.advance(100);
    expect(await phase('server')).toBe('Running');
    expect(await phase('test')).toBe('Succeeded');
    expect(await phase('broken-test')).toBe('Failed');
    const server = await c.get({ apiVersion: 'v1', kind: 'Pod', name: 'server', namespace: 'default' });
    expect((server?.status as { conditions: { type: string; status: string }[] }).conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'True' }));
  });

  it('installs the Flux CRDs given at start, Established', async () => {
    const c = new MemoryCluster({ crds: fluxCrds() });
    expect(await c.resourceFor('kustomize.toolkit.fluxcd.io/v1', 'Kustomization')).toMatchObject({ plural: 'kustomizations', shortNames: ['ks'] });
    expect(await c.resourceFor('kustomize.toolkit.fluxcd.io/v1beta2', 'Kustomization')).toBeDefined();
    const crd = await c.get({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'gitrepositories.source.toolkit.fluxcd.io' });
    expect((crd?.status as { conditions: { type: string; status: string }[] }).conditions).toContainEqual(expect.objectContaining({ type: 'Established', status: 'True' }));
  });

  it('deletes a namespace with its contents and refuses new content while it terminates', async () => {
    const c = new MemoryCluster();
    await c.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
    await c.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', namespace: 'apps', finalizers: ['x/y'] } });
    await c.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain', namespace: 'apps' } });
    const ns = await c.delete({ apiVersion: 'v1', kind: 'Namespace', name: 'apps' });
    expect(ns?.status).toEqual({ phase: 'Terminating' });
    expect(await c.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'plain', namespace: 'apps' })).toBeUndefined();
    await expect(c.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'new', namespace: 'apps' } })).rejects.toMatchObject({
      status: 403,
      message: 'configmaps "new" is forbidden: unable to create new content in namespace apps because it is being terminated',
    });
    expect((await c.get({ apiVersion: 'v1', kind: 'Namespace', name: 'apps' }))?.metadata.deletionTimestamp).toBeDefined();
    // Releasing the last finalizer lets the held object go, and with it the empty namespace.
    await c.patch({ apiVersion: 'v1', kind: 'ConfigMap', name: 'held', namespace: 'apps' }, { metadata: { finalizers: null } }, 'merge');
    expect(await c.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'held', namespace: 'apps' })).toBeUndefined();
    expect(await c.get({ apiVersion: 'v1', kind: 'Namespace', name: 'apps' })).toBeUndefined();
    expect(await c.get({ apiVersion: 'v1', kind: 'Namespace', name: 'apps' })).toBeUndefined();
  });

  it('deleting a CRD deletes its objects and stops serving the kind', async () => {
    const c = new MemoryCluster({ crds: fluxCrds() });
    await c.create({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'a', namespace: 'default' }, spec: { url: 'https://x/y', interval: '1m' } });
    await c.delete({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'gitrepositories.source.toolkit.fluxcd.io' });
    expect(await c.resourceFor('source.toolkit.fluxcd.io/v1', 'GitRepository')).toBeUndefined();
  });

  it('ends a watch from an expired resourceVersion with 410 Gone', async () => {
    const c = new MemoryCluster({ historyLimit: 5 });
    for (let i = 0; i < 20; i++) await c.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${i}`, namespace: 'default' } });
    const events: WatchEvent[] = [];
    const w = await c.watch({ apiVersion: 'v1', kind: 'ConfigMap', resourceVersion: '2' }, (e) => events.push(e));
    await w.done;
    expect(events).toHaveLength(1);
    expect(events[0]?.type).toBe('ERROR');
    expect(events[0]?.object).toMatchObject({ kind: 'Status', code: 410, reason: 'Gone' });
  });

  it('returns copies: callers can never mutate the store', async () => {
    const c = new MemoryCluster();
    const created = await c.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'default' }, data: { a: '1' } });
    (created.data as Record<string, string>).a = 'mutated';
    const got = await c.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'x', namespace: 'default' });
    (got?.data as Record<string, string>).a = 'mutated too';
    expect((await c.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'x', namespace: 'default' }))?.data).toEqual({ a: '1' });
  });
});

describe('MemoryCluster properties', () => {
  const arbData = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), fc.string({ maxLength: 3 }), { maxKeys: 4 });

  it('resourceVersion strictly increases across any sequence of writes, and apply is idempotent', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom('x', 'y'), arbData, fc.constantFrom('one', 'two')), { minLength: 1, maxLength: 12 }), async (writes) => {
        const c = new MemoryCluster();
        let last = Number(c.resourceVersion);
        const seen = new Map<string, string>();
        for (const [name, data, manager] of writes) {
          const obj: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data };
          const out = await c.apply(obj, { fieldManager: manager, force: true });
          // A write that changed something gets a resourceVersion above every earlier one.
          if (seen.get(name) !== out.metadata.resourceVersion) {
            expect(Number(out.metadata.resourceVersion)).toBeGreaterThan(last);
            last = Number(out.metadata.resourceVersion);
          }
          seen.set(name, out.metadata.resourceVersion as string);
          const again = await c.apply(obj, { fieldManager: manager, force: true });
          expect(again.metadata.resourceVersion).toBe(out.metadata.resourceVersion);
          for (const [k, v] of Object.entries(data)) expect((again.data as Record<string, string>)[k]).toBe(v);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('server-side apply of associative lists: an item whose key changed is replaced, and another manager\'s items stay', async () => {
    type Port = { name: string; port: number; targetPort: number };
    const arbPorts = fc.uniqueArray(fc.record({ name: fc.constantFrom('http', 'grpc', 'metrics', 'admin'), port: fc.integer({ min: 1, max: 12 }), targetPort: fc.integer({ min: 1, max: 3 }) }), { selector: (p) => p.port, maxLength: 4 });
    await fc.assert(
      fc.asyncProperty(arbPorts, arbPorts, fc.option(fc.integer({ min: 13, max: 20 }), { nil: undefined }), async (first, second, otherPort) => {
        const c = new MemoryCluster();
        const svc = (ports: Port[]): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports } });
        await c.apply(svc(first), { fieldManager: 'kustomize-controller' });
        if (otherPort !== undefined) await c.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { ports: [{ name: 'other', port: otherPort }] } }, { fieldManager: 'someone-else' });
        const dry = await c.apply(svc(second), { fieldManager: 'kustomize-controller', dryRun: true });
        const out = await c.apply(svc(second), { fieldManager: 'kustomize-controller' });
        const expected = [...second, ...(otherPort !== undefined ? [{ name: 'other', port: otherPort }] : [])];
        const sorted = (ps: unknown): unknown[] => [...((ps as { port: number }[] | undefined) ?? [])].sort((a, b) => a.port - b.port);
        expect(sorted((out.spec as { ports?: unknown }).ports)).toEqual(sorted(expected));
        expect((dry.spec as { ports?: unknown }).ports).toEqual((out.spec as { ports?: unknown }).ports);
      }),
      { numRuns: 150 },
    );
  });

  // JSON documents without nulls: RFC 7386 gives null the meaning "delete", so a null-free
  // document is the patch that turns anything into itself.
  const leaf = fc.oneof(fc.integer(), fc.string({ maxLength: 3 }), fc.boolean());
  const doc = fc.letrec<{ node: unknown }>((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('node'), { maxKeys: 3 })),
  })).node;
  const obj = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), doc, { maxKeys: 4 });
  const patchOf = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), fc.oneof(doc, fc.constant(null)), { maxKeys: 4 });

  it('merge patch laws: idempotent, identity for {}, a document patched by itself is itself, null deletes', () => {
    fc.assert(
      fc.property(obj, patchOf, (target, patch) => {
        const once = mergePatch(target, patch);
        expect(mergePatch(once, patch)).toEqual(once);
        expect(mergePatch(target, {})).toEqual(target);
        expect(mergePatch(target, target)).toEqual(target);
        for (const [k, v] of Object.entries(patch)) if (v === null) expect(once).not.toHaveProperty([k]);
      }),
    );
  });

  it('a JSON patch replace then test of the same value always passes, and never mutates its input', () => {
    fc.assert(
      fc.property(obj, fc.constantFrom('a', 'b', 'c', 'd'), doc, (target, key, value) => {
        const before = structuredClone(target);
        const out = jsonPatch(target, [{ op: 'add', path: `/${key}`, value }, { op: 'test', path: `/${key}`, value }]);
        expect(out).toEqual({ ...target, [key]: value });
        expect(target).toEqual(before);
      }),
    );
  });

  it('label selectors survive print and parse', () => {
    const key = fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/);
    const value = fc.stringMatching(/^[a-z0-9]{1,4}$/);
    const req = fc.oneof(
      fc.record({ key, op: fc.constantFrom('eq' as const, 'neq' as const), value }),
      fc.record({ key, op: fc.constantFrom('in' as const, 'notin' as const), values: fc.array(value, { minLength: 1, maxLength: 3 }) }),
      fc.record({ key, op: fc.constantFrom('exists' as const, 'notexists' as const) }),
    );
    fc.assert(
      fc.property(fc.array(req, { maxLength: 4 }), fc.dictionary(key, value), (reqs, labels) => {
        const reparsed = parseLabelSelector(formatLabelSelector(reqs));
        expect(reparsed).toEqual(reqs);
        expect(matchesLabels(reparsed, labels)).toBe(matchesLabels(reqs, labels));
      }),
    );
  });
});
