/**
 * The Cluster port's contract: every backend (MemoryCluster, KubeCluster against a served
 * simulator or a real API server) runs these specifications. Only behaviour a real API server
 * guarantees is asserted here; simulator-only behaviour lives in memory-*.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../src/api/clock.js';
import type { KubeObject } from '../../src/api/meta.js';
import type { Cluster, WatchEvent } from '../../src/cluster/types.js';
import { ApiError } from '../../src/cluster/errors.js';

export interface ContractTarget {
  cluster: Cluster;
  /** The backend's clock when it has one the test can drive (the simulator); unused by the contract itself. */
  clock?: ManualClock;
  close(): Promise<void>;
}

export interface ContractOptions {
  name: string;
  newCluster: () => Promise<ContractTarget>;
}

const cm = (name: string, data: Record<string, string> = { a: '1' }, ns = 'default', labels?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns, ...(labels ? { labels } : {}) },
  data,
});

const deployment = (name: string, image = 'nginx:1.27', replicas = 1, ns = 'default'): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: ns },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image }] } },
  },
});

const widgetCrd = (): KubeObject => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList', shortNames: ['wd'] },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        subresources: { status: {} },
      },
    ],
  },
});

async function rejects(p: Promise<unknown>, status: number): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(status);
    return err as ApiError;
  }
  throw new Error(`expected an ApiError ${status}`);
}

/** Collects watch events; `next(n)` resolves once n events have arrived. */
function collector(): { events: WatchEvent[]; onEvent: (e: WatchEvent) => void; next: (n: number) => Promise<WatchEvent[]> } {
  const events: WatchEvent[] = [];
  let waiters: { n: number; resolve: (e: WatchEvent[]) => void }[] = [];
  return {
    events,
    onEvent: (e) => {
      events.push(e);
      waiters = waiters.filter((w) => (events.length >= w.n ? (w.resolve(events.slice()), false) : true));
    },
    next: (n) => (events.length >= n ? Promise.resolve(events.slice()) : new Promise((resolve) => waiters.push({ n, resolve }))),
  };
}

export function runClusterContract({ name, newCluster }: ContractOptions): void {
  describe(`Cluster contract: ${name}`, () => {
    let target: ContractTarget;
    let c: Cluster;
    beforeEach(async () => {
      target = await newCluster();
      c = target.cluster;
    });
    afterEach(async () => {
      await target.close();
    });

    describe('create, get, update', () => {
      it('assigns uid, resourceVersion, creationTimestamp and returns the stored object', async () => {
        const created = await c.create(cm('one'));
        expect(created.metadata.uid).toMatch(/\S+/);
        expect(created.metadata.resourceVersion).toMatch(/^\d+$/);
        expect(created.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
        const got = await c.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'one', namespace: 'default' });
        expect(got?.data).toEqual({ a: '1' });
        expect(got?.metadata.uid).toBe(created.metadata.uid);
      });

      it('returns undefined for a missing object', async () => {
        expect(await c.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'nope', namespace: 'default' })).toBeUndefined();
      });

      it('refuses a second create with 409 AlreadyExists', async () => {
        await c.create(cm('dup'));
        const err = await rejects(c.create(cm('dup')), 409);
        expect(err.reason).toBe('AlreadyExists');
        expect(err.message).toContain('configmaps "dup" already exists');
      });

      it('refuses an update with a stale resourceVersion with 409 Conflict', async () => {
        const created = await c.create(cm('stale'));
        await c.update({ ...created, data: { a: '2' } });
        const err = await rejects(c.update({ ...created, data: { a: '3' } }), 409);
        expect(err.reason).toBe('Conflict');
        expect(err.message).toContain('the object has been modified');
      });

      it('bumps resourceVersion on every change, strictly increasing', async () => {
        const a = await c.create(cm('rv'));
        const b = await c.update({ ...a, data: { a: '2' } });
        expect(Number(b.metadata.resourceVersion)).toBeGreaterThan(Number(a.metadata.resourceVersion));
      });

      it('rejects namespaced objects in a missing namespace with 404', async () => {
        const err = await rejects(c.create(cm('x', {}, 'no-such-ns')), 404);
        expect(err.message).toContain('namespaces "no-such-ns" not found');
      });

      it('rejects an invalid name with 422 naming the field', async () => {
        const err = await rejects(c.create(cm('Not_Valid')), 422);
        expect(err.reason).toBe('Invalid');
        expect(err.message).toContain('metadata.name');
      });

      it('rejects custom resources until their CRD exists', async () => {
        const widget: KubeObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default' }, spec: { size: 1 } };
        await rejects(c.create(widget), 404);
        await c.create(widgetCrd());
        const created = await c.create(widget);
        expect(created.metadata.generation).toBe(1);
        expect(await c.resourceFor('example.com/v1', 'Widget')).toMatchObject({ plural: 'widgets', namespaced: true, statusSubresource: true });
      });
    });

    describe('generateName and subresources', () => {
      it('generates a name from generateName', async () => {
        const out = await c.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '', generateName: 'gen-', namespace: 'default' }, data: {} });
        expect(out.metadata.name).toMatch(/^gen-[a-z0-9]+$/);
        expect(await c.get({ apiVersion: 'v1', kind: 'ConfigMap', name: out.metadata.name, namespace: 'default' })).toBeDefined();
      });

      it('patches the status subresource without touching spec or generation', async () => {
        const d = await c.create(deployment('st'));
        const out = await c.patch({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'st', namespace: 'default' }, { spec: { replicas: 5 }, status: { observedGeneration: 1 } }, 'merge', { subresource: 'status' });
        expect((out.status as { observedGeneration?: number }).observedGeneration).toBe(1);
        expect((out.spec as { replicas: number }).replicas).toBe(1);
        expect(out.metadata.generation).toBe(d.metadata.generation);
      });

      it('scales through the scale subresource', async () => {
        await c.create(deployment('sc'));
        await c.patch({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'sc', namespace: 'default' }, { spec: { replicas: 3 } }, 'merge', { subresource: 'scale' });
        const got = await c.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'sc', namespace: 'default' });
        expect((got?.spec as { replicas: number }).replicas).toBe(3);
        expect(got?.metadata.generation).toBe(2);
      });
    });

    describe('generation and status', () => {
      it('bumps generation on spec changes only', async () => {
        const d = await c.create(deployment('gen'));
        expect(d.metadata.generation).toBe(1);
        const labelled = await c.patch({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'gen', namespace: 'default' }, { metadata: { labels: { x: 'y' } } }, 'merge');
        expect(labelled.metadata.generation).toBe(1);
        const scaled = await c.patch({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'gen', namespace: 'default' }, { spec: { replicas: 3 } }, 'merge');
        expect(scaled.metadata.generation).toBe(2);
      });

      it('writes status through the status subresource without touching spec or generation', async () => {
        await c.create(widgetCrd());
        const w = await c.create({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 's', namespace: 'default' }, spec: { size: 1 } });
        const updated = await c.updateStatus({ ...w, spec: { size: 99 }, status: { ready: true } });
        expect(updated.status).toEqual({ ready: true });
        expect(updated.spec).toEqual({ size: 1 });
        expect(updated.metadata.generation).toBe(1);
      });

      it('ignores status sent to the main resource of a kind with a status subresource', async () => {
        await c.create(widgetCrd());
        const w = await c.create({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'i', namespace: 'default' }, spec: { size: 1 }, status: { ready: true } });
        expect(w.status).toBeUndefined();
      });
    });

    describe('list with selectors', () => {
      it('filters by namespace, label selector and field selector', async () => {
        await c.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
        await c.create(cm('a', {}, 'default', { tier: 'web', env: 'prod' }));
        await c.create(cm('b', {}, 'default', { tier: 'db' }));
        await c.create(cm('c', {}, 'other', { tier: 'web' }));
        const names = async (q: Partial<Parameters<Cluster['list']>[0]>): Promise<string[]> =>
          (await c.list({ apiVersion: 'v1', kind: 'ConfigMap', ...q })).items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`).filter((n) => /\/[abc]$/.test(n)).sort();
        expect(await names({ namespace: 'default' })).toEqual(['default/a', 'default/b']);
        expect(await names({ labelSelector: 'tier=web' })).toEqual(['default/a', 'other/c']);
        expect(await names({ labelSelector: 'tier in (web,db),env!=prod' })).toEqual(['default/b', 'other/c']);
        expect(await names({ labelSelector: '!env,tier' })).toEqual(['default/b', 'other/c']);
        expect(await names({ labelSelector: { tier: 'web', env: 'prod' } })).toEqual(['default/a']);
        expect(await names({ fieldSelector: 'metadata.name=b' })).toEqual(['default/b']);
        expect(await names({ fieldSelector: 'metadata.namespace!=default' })).toEqual(['other/c']);
      });
    });

    describe('patch', () => {
      const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'p', namespace: 'default' };
      it('applies JSON merge patches, null deleting keys', async () => {
        await c.create(cm('p', { a: '1', b: '2' }));
        const out = await c.patch(ref, { data: { a: null, c: '3' } }, 'merge');
        expect(out.data).toEqual({ b: '2', c: '3' });
      });

      it('applies JSON patches and rejects a missing path with 422', async () => {
        await c.create(cm('p', { a: '1' }));
        const out = await c.patch(ref, [{ op: 'add', path: '/data/b', value: '2' }, { op: 'replace', path: '/data/a', value: 'x' }], 'json');
        expect(out.data).toEqual({ a: 'x', b: '2' });
        await rejects(c.patch(ref, [{ op: 'remove', path: '/data/zzz' }], 'json'), 422);
      });

      it('returns 404 for a missing object', async () => {
        await rejects(c.patch(ref, { data: {} }, 'merge'), 404);
      });
    });

    describe('server-side apply', () => {
      const dref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'default' };

      it('creates a missing object and records the field manager', async () => {
        const out = await c.apply(deployment('web'), { fieldManager: 'kustomize-controller' });
        expect(out.metadata.uid).toBeTruthy();
        expect(out.metadata.managedFields?.some((m) => m.manager === 'kustomize-controller' && m.operation === 'Apply')).toBe(true);
      });

      it('is idempotent: re-applying the same object changes nothing, not even resourceVersion', async () => {
        const first = await c.apply(deployment('web'), { fieldManager: 'kustomize-controller' });
        const second = await c.apply(deployment('web'), { fieldManager: 'kustomize-controller' });
        expect(second.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
        expect(second.metadata.generation).toBe(1);
      });

      it('dry-run returns the would-be object and stores nothing', async () => {
        const dry = await c.apply(deployment('web', 'nginx:1.27', 5), { fieldManager: 'kustomize-controller', dryRun: true });
        expect((dry.spec as { replicas: number }).replicas).toBe(5);
        expect(await c.get(dref)).toBeUndefined();
        await c.apply(deployment('web'), { fieldManager: 'kustomize-controller' });
        const before = await c.get(dref);
        const dry2 = await c.apply(deployment('web', 'nginx:2'), { fieldManager: 'kustomize-controller', dryRun: true });
        expect(((dry2.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0])?.image).toBe('nginx:2');
        expect((await c.get(dref))?.metadata.resourceVersion).toBe(before?.metadata.resourceVersion);
      });

      it('fails with 409 naming the other manager when it owns a field with a different value', async () => {
        await c.apply(deployment('web', 'nginx:1.27', 1), { fieldManager: 'kustomize-controller' });
        await c.apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 3 } }, { fieldManager: 'kubectl', force: true });
        const err = await rejects(c.apply(deployment('web', 'nginx:1.27', 1), { fieldManager: 'kustomize-controller' }), 409);
        expect(err.message).toBe('Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas');
      });

      it('names an Update manager with its API version and time, and groups several conflicts by manager', async () => {
        await c.apply(deployment('web', 'nginx:1.27', 1), { fieldManager: 'kustomize-controller' });
        await c.patch(dref, { spec: { replicas: 4 } }, 'merge', { fieldManager: 'kubectl-scale' });
        await c.patch(dref, [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'nginx:9' }], 'json', { fieldManager: 'kubectl-edit' });
        const err = await rejects(c.apply(deployment('web', 'nginx:1.27', 1), { fieldManager: 'kustomize-controller' }), 409);
        expect(err.message).toMatch(
          /^Apply failed with 2 conflicts: conflicts with "kubectl-edit" using apps\/v1 at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ:\n- \.spec\.template\.spec\.containers\[name="main"\]\.image\nconflicts with "kubectl-scale" using apps\/v1 at [^:]+:\d\d:\d\dZ:\n- \.spec\.replicas$/,
        );
      });

      it('takes ownership with force', async () => {
        await c.apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'main', image: 'x' }] } } } }, { fieldManager: 'kubectl' });
        const out = await c.apply(deployment('web', 'nginx:1.27', 1), { fieldManager: 'kustomize-controller', force: true });
        expect((out.spec as { replicas: number }).replicas).toBe(1);
        const kubectl = out.metadata.managedFields?.find((m) => m.manager === 'kubectl');
        expect(JSON.stringify(kubectl?.fieldsV1 ?? {})).not.toContain('f:replicas');
      });

      it('removes fields the manager stopped applying, and keeps fields others own', async () => {
        await c.apply(cm('f', { a: '1', b: '2' }), { fieldManager: 'one' });
        await c.apply(cm('f', { c: '3' }), { fieldManager: 'two' });
        const out = await c.apply(cm('f', { a: '1' }), { fieldManager: 'one' });
        expect(out.data).toEqual({ a: '1', c: '3' });
      });

      it('merges associative lists by key instead of replacing them', async () => {
        await c.apply(deployment('web'), { fieldManager: 'one' });
        const sidecar = {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web', namespace: 'default' },
          spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'envoy' }] } } },
        };
        const out = await c.apply(sidecar, { fieldManager: 'two' });
        const containers = (out.spec as { template: { spec: { containers: { name: string }[] } } }).template.spec.containers;
        expect(containers.map((x) => x.name)).toEqual(['main', 'sidecar']);
      });

      it('replaces an associative list item whose key the manager changed (a Service port)', async () => {
        const svc = (port: number): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'ports', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port, targetPort: 9898 }] } });
        await c.apply(svc(80), { fieldManager: 'one' });
        const dry = await c.apply(svc(8080), { fieldManager: 'one', dryRun: true });
        const out = await c.apply(svc(8080), { fieldManager: 'one' });
        for (const o of [dry, out]) expect((o.spec as { ports: { port: number; name: string }[] }).ports.map((p) => [p.name, p.port])).toEqual([['http', 8080]]);
      });

      it('requires a field manager', async () => {
        await rejects(c.apply(cm('m'), { fieldManager: '' }), 422);
      });
    });

    describe('delete', () => {
      it('deletes, then 404s', async () => {
        await c.create(cm('d'));
        expect(await c.delete({ apiVersion: 'v1', kind: 'ConfigMap', name: 'd', namespace: 'default' })).toBeUndefined();
        expect(await c.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'd', namespace: 'default' })).toBeUndefined();
        await rejects(c.delete({ apiVersion: 'v1', kind: 'ConfigMap', name: 'd', namespace: 'default' }), 404);
      });

      it('holds an object with finalizers until they are removed', async () => {
        const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'fin', namespace: 'default' };
        await c.create({ ...cm('fin'), metadata: { name: 'fin', namespace: 'default', finalizers: ['example.com/hold'] } });
        const held = await c.delete(ref);
        expect(held?.metadata.deletionTimestamp).toBeTruthy();
        expect((await c.get(ref))?.metadata.deletionTimestamp).toBeTruthy();
        await c.patch(ref, { metadata: { finalizers: null } }, 'merge');
        expect(await c.get(ref)).toBeUndefined();
      });

      it('garbage-collects dependents of a deleted owner, and orphans them on request', async () => {
        const owner = await c.create(cm('owner'));
        const ownerRef = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid as string };
        await c.create({ ...cm('child'), metadata: { name: 'child', namespace: 'default', ownerReferences: [ownerRef] } });
        await c.delete({ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', namespace: 'default' });
        await expect.poll(() => c.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'child', namespace: 'default' })).toBeUndefined();

        const owner2 = await c.create(cm('owner2'));
        await c.create({ ...cm('kept'), metadata: { name: 'kept', namespace: 'default', ownerReferences: [{ ...ownerRef, name: 'owner2', uid: owner2.metadata.uid as string }] } });
        await c.delete({ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner2', namespace: 'default' }, { propagationPolicy: 'Orphan' });
        const kept = await c.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'kept', namespace: 'default' });
        expect(kept).toBeDefined();
        expect(kept?.metadata.ownerReferences ?? []).toEqual([]);
      });

      it('honours a uid precondition', async () => {
        await c.create(cm('pre'));
        await rejects(c.delete({ apiVersion: 'v1', kind: 'ConfigMap', name: 'pre', namespace: 'default' }, { preconditions: { uid: 'not-the-uid' } }), 409);
      });
    });

    describe('watch', () => {
      it('starts with ADDED for existing objects when no resourceVersion is given, then streams changes', async () => {
        await c.create(cm('w1'));
        const col = collector();
        const w = await c.watch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', labelSelector: undefined }, col.onEvent);
        const initial = await col.next(1);
        expect(initial.some((e) => e.type === 'ADDED' && e.object.metadata.name === 'w1')).toBe(true);
        const before = col.events.length;
        await c.create(cm('w2'));
        await c.delete({ apiVersion: 'v1', kind: 'ConfigMap', name: 'w1', namespace: 'default' });
        const all = await col.next(before + 2);
        const tail = all.slice(before).map((e) => `${e.type} ${e.object.metadata.name}`);
        expect(tail).toEqual(['ADDED w2', 'DELETED w1']);
        w.stop();
      });

      it('resumes from a resourceVersion without missing or repeating events', async () => {
        const a = await c.create(cm('r1'));
        await c.create(cm('r2'));
        await c.update({ ...(await c.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'r1', namespace: 'default' }))!, data: { a: 'changed' } });
        const col = collector();
        const w = await c.watch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', resourceVersion: a.metadata.resourceVersion }, col.onEvent);
        const events = await col.next(2);
        expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED r2', 'MODIFIED r1']);
        w.stop();
      });

      it('filters by field selector, and DELETED carries the last state', async () => {
        const col = collector();
        const list = await c.list({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default' });
        const w = await c.watch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', fieldSelector: 'metadata.name=target', resourceVersion: list.resourceVersion }, col.onEvent);
        await c.create(cm('other'));
        await c.create(cm('target', { v: 'first' }));
        await c.patch({ apiVersion: 'v1', kind: 'ConfigMap', name: 'target', namespace: 'default' }, { data: { v: 'last' } }, 'merge');
        await c.delete({ apiVersion: 'v1', kind: 'ConfigMap', name: 'target', namespace: 'default' });
        const events = await col.next(3);
        expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED target', 'MODIFIED target', 'DELETED target']);
        expect(events[2]?.object.data).toEqual({ v: 'last' });
        w.stop();
        await w.done;
      });

      it('filters by label selector', async () => {
        const col = collector();
        const list = await c.list({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default' });
        const w = await c.watch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', labelSelector: 'pick=yes', resourceVersion: list.resourceVersion }, col.onEvent);
        await c.create(cm('no', {}, 'default', { pick: 'no' }));
        await c.create(cm('yes', {}, 'default', { pick: 'yes' }));
        const events = await col.next(1);
        expect(events.map((e) => e.object.metadata.name)).toEqual(['yes']);
        w.stop();
      });

      it('reports an object relabelled out of a label selector as DELETED, and back in as ADDED', async () => {
        const col = collector();
        await c.create(cm('moving', {}, 'default', { pick: 'yes' }));
        const list = await c.list({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default' });
        const w = await c.watch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', labelSelector: 'pick=yes', resourceVersion: list.resourceVersion }, col.onEvent);
        const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'moving', namespace: 'default' };
        await c.patch(ref, { metadata: { labels: { pick: 'no' } } }, 'merge');
        await c.patch(ref, { data: { unseen: 'x' } }, 'merge');
        await c.patch(ref, { metadata: { labels: { pick: 'yes' } } }, 'merge');
        const events = await col.next(2);
        expect(events.map((e) => [e.type, e.object.metadata.labels?.pick])).toEqual([
          ['DELETED', 'no'],
          ['ADDED', 'yes'],
        ]);
        w.stop();
      });
    });

    describe('events', () => {
      it('records Kubernetes Events and de-duplicates repeats', async () => {
        const involved = { apiVersion: 'v1', kind: 'ConfigMap', name: 'ev', namespace: 'default' };
        await c.recordEvent({ involvedObject: involved, type: 'Normal', reason: 'ReconciliationSucceeded', message: 'done', reportingController: 'kustomize-controller' });
        await c.recordEvent({ involvedObject: involved, type: 'Normal', reason: 'ReconciliationSucceeded', message: 'done', reportingController: 'kustomize-controller' });
        const events = (await c.list({ apiVersion: 'v1', kind: 'Event', namespace: 'default' })).items.filter((e) => (e.involvedObject as { name: string }).name === 'ev');
        expect(events).toHaveLength(1);
        expect(events[0]).toMatchObject({ reason: 'ReconciliationSucceeded', message: 'done', count: 2, type: 'Normal' });
      });
    });
  });
}
