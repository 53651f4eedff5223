/**
 * KubeCluster against a scripted API server: the wire format (paths, content types, query
 * parameters, headers), error mapping, and the watch's reconnect / relist behaviour that a
 * well-behaved simulator never provokes.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock, settle } from '../../../src/api/clock.js';
import type { KubeObject } from '../../../src/api/meta.js';
import { ApiError } from '../../../src/cluster/errors.js';
import { KubeCluster } from '../../../src/cluster/kube/kube-cluster.js';
import { loadKubeConfig } from '../../../src/cluster/kube/kubeconfig.js';
import type { WatchEvent } from '../../../src/cluster/types.js';
import type { FakeApiServer, RecordedRequest } from './fake-api-server.js';
import { startFakeApiServer, status } from './fake-api-server.js';

const cm = (name: string, rv: string, data: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default', resourceVersion: rv, uid: `uid-${name}` },
  data,
});

const isWatch = (r: RecordedRequest): boolean => r.url.searchParams.get('watch') === 'true';

describe('KubeCluster over HTTP', () => {
  let server: FakeApiServer;
  let clock: ManualClock;
  let cluster: KubeCluster;

  beforeEach(async () => {
    server = await startFakeApiServer();
    clock = new ManualClock();
    cluster = new KubeCluster({ kubeConfig: loadKubeConfig({ kubeconfig: server.kubeconfigFile(), env: {} }).kubeConfig, clock, qps: 0 });
  });
  afterEach(async () => {
    await server.close();
  });

  describe('requests', () => {
    it('server-side applies with application/apply-patch+yaml, fieldManager, force and dryRun=All', async () => {
      server.route((r) => (r.method === 'PATCH' ? { body: { ...JSON.parse(r.body), metadata: { ...JSON.parse(r.body).metadata, resourceVersion: '7' } } } : undefined));
      const out = await cluster.apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'x' }, spec: { replicas: 2 } }, { fieldManager: 'kustomize-controller', force: true, dryRun: true });
      expect(out.metadata.resourceVersion).toBe('7');
      const req = server.requests.find((r) => r.method === 'PATCH') as RecordedRequest;
      expect(req.url.pathname).toBe('/apis/apps/v1/namespaces/x/deployments/web');
      expect(req.headers['content-type']).toBe('application/apply-patch+yaml');
      expect(Object.fromEntries(req.url.searchParams)).toEqual({ fieldManager: 'kustomize-controller', force: 'true', dryRun: 'All' });
      expect(req.headers.authorization).toBe('Bearer test-token');
    });

    it.each([
      ['merge', 'application/merge-patch+json'],
      ['json', 'application/json-patch+json'],
      ['strategic', 'application/strategic-merge-patch+json'],
    ] as const)('sends a %s patch as %s, to the status subresource when asked', async (type, contentType) => {
      server.route((r) => (r.method === 'PATCH' ? { body: cm('a', '3') } : undefined));
      await cluster.patch({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'x' }, type === 'json' ? [] : {}, type, { subresource: 'status', fieldManager: 'me' });
      const req = server.requests.find((r) => r.method === 'PATCH') as RecordedRequest;
      expect(req.url.pathname).toBe('/apis/apps/v1/namespaces/x/deployments/web/status');
      expect(req.headers['content-type']).toBe(contentType);
      expect(req.url.searchParams.get('fieldManager')).toBe('me');
    });

    it('keeps list items raw, adds their apiVersion and kind, and follows continue tokens', async () => {
      server.route((r) => {
        if (r.url.pathname !== '/api/v1/configmaps') return undefined;
        const page2 = r.url.searchParams.get('continue') === 'p2';
        return { body: { kind: 'ConfigMapList', metadata: { resourceVersion: page2 ? '99' : '42', ...(page2 ? {} : { continue: 'p2' }) }, items: [{ metadata: { name: page2 ? 'b' : 'a', creationTimestamp: '2026-01-01T00:00:00Z' }, custom: 1 }] } };
      });
      const list = await cluster.list({ apiVersion: 'v1', kind: 'ConfigMap', labelSelector: { app: 'web', tier: 'db' } });
      expect(list.resourceVersion).toBe('42');
      expect(list.items).toEqual([
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', creationTimestamp: '2026-01-01T00:00:00Z' }, custom: 1 },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', creationTimestamp: '2026-01-01T00:00:00Z' }, custom: 1 },
      ]);
      expect(server.requests.find((r) => r.url.pathname === '/api/v1/configmaps')?.url.searchParams.get('labelSelector')).toBe('app=web,tier=db');
    });

    it('returns objects exactly as served: timestamps stay strings, unknown fields stay', async () => {
      const served = { ...cm('a', '3'), metadata: { ...cm('a', '3').metadata, creationTimestamp: '2026-01-01T00:00:00Z', futureField: { x: 1 } }, spec: { anything: true } };
      server.route((r) => (r.url.pathname.endsWith('/configmaps/a') ? { body: served } : undefined));
      expect(await cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'a' })).toEqual(served);
    });

    it('deletes with DeleteOptions and returns only an object finalizers hold', async () => {
      let held = false;
      server.route((r) => {
        if (r.method !== 'DELETE') return undefined;
        return held ? { body: { ...cm('a', '5'), metadata: { ...cm('a', '5').metadata, deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['x/y'] } } } : { body: { kind: 'Status', apiVersion: 'v1', status: 'Success' } };
      });
      const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'a', namespace: 'default' };
      expect(await cluster.delete(ref, { propagationPolicy: 'Orphan', preconditions: { uid: 'u1' } })).toBeUndefined();
      const body = JSON.parse(server.requests.find((r) => r.method === 'DELETE')?.body ?? '{}');
      expect(body).toEqual({ apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Orphan', preconditions: { uid: 'u1' } });
      held = true;
      expect((await cluster.delete(ref))?.metadata.deletionTimestamp).toBe('2026-01-01T00:00:00Z');
    });

    it('returns undefined for a missing object, and 404 for an unknown kind', async () => {
      server.route((r) => (r.url.pathname === '/api/v1/namespaces/default/configmaps/nope' ? status(404, 'NotFound', 'configmaps "nope" not found', { name: 'nope', kind: 'configmaps' }) : undefined));
      expect(await cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'nope' })).toBeUndefined();
      await expect(cluster.get({ apiVersion: 'example.com/v1', kind: 'Widget', name: 'w' })).rejects.toMatchObject({ status: 404 });
    });
  });

  describe('errors', () => {
    it.each([
      [409, 'AlreadyExists', 'configmaps "a" already exists'],
      [409, 'Conflict', 'Operation cannot be fulfilled on configmaps "a": the object has been modified'],
      [422, 'Invalid', 'ConfigMap "A" is invalid: metadata.name: Invalid value'],
      [500, 'InternalError', 'boom'],
    ])('maps a %s %s Status body to an ApiError', async (code, reason, message) => {
      server.route((r) => (r.method === 'POST' ? status(code, reason, message) : undefined));
      const err = await cluster.create(cm('a', '')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect(err).toMatchObject({ status: code, reason, message });
    });

    it("reports a 403 with the server's message naming verb and resource", async () => {
      const message = 'deployments.apps "web" is forbidden: User "system:serviceaccount:x:deployer" cannot patch resource "deployments" in API group "apps" in the namespace "x"';
      server.route((r) => (r.method === 'PATCH' ? status(403, 'Forbidden', message) : undefined));
      const err = (await cluster.apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'x' } }, { fieldManager: 'f' }).catch((e: unknown) => e)) as ApiError;
      expect(err).toMatchObject({ status: 403, reason: 'Forbidden' });
      expect(err.message).toContain('cannot patch resource "deployments" in API group "apps" in the namespace "x"');
    });

    it('names verb and resource for a 403 without a Status body', async () => {
      server.route((r) => (r.method === 'PATCH' ? { status: 403, body: 'Forbidden', contentType: 'text/plain' } : undefined));
      const err = (await cluster.patch({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'x' }, {}, 'merge').catch((e: unknown) => e)) as ApiError;
      expect(err.status).toBe(403);
      expect(err.message).toContain('forbidden: cannot patch resource "deployments" in API group "apps" in the namespace "x"');
    });

    it('reports an unreachable server as 503 ServiceUnavailable', async () => {
      await server.close();
      const err = (await cluster.resources().catch((e: unknown) => e)) as ApiError;
      expect(err).toBeInstanceOf(ApiError);
      expect(err.status).toBe(503);
      expect(err.message).toContain('API server unreachable');
    });
  });

  describe('discovery', () => {
    it('reads kinds, plural, scope and subresources from discovery', async () => {
      expect(await cluster.resourceFor('apps/v1', 'Deployment')).toEqual({
        group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', singular: 'deployment', namespaced: true, statusSubresource: true, scaleSubresource: true, shortNames: ['deploy'], categories: ['all'],
      });
      expect((await cluster.resources()).map((r) => `${r.group}/${r.kind}`).sort()).toEqual(['/ConfigMap', '/Event', '/Namespace', 'apps/Deployment']);
    });

    it('finds a CRD installed after start by refreshing on a miss, once per miss', async () => {
      let installed = false;
      server.route((r) =>
        r.url.pathname === '/apis/example.com/v1' && installed
          ? { body: { kind: 'APIResourceList', groupVersion: 'example.com/v1', resources: [{ name: 'widgets', singularName: 'widget', namespaced: true, kind: 'Widget', verbs: [] }] } }
          : undefined,
      );
      expect(await cluster.resourceFor('example.com/v1', 'Widget')).toBeUndefined();
      installed = true;
      expect(await cluster.resourceFor('example.com/v1', 'Widget')).toMatchObject({ plural: 'widgets', statusSubresource: false });
      await cluster.resourceFor('example.com/v1', 'Widget');
      expect(server.requests.filter((r) => r.url.pathname === '/apis/example.com/v1')).toHaveLength(2);
    });
  });

  describe('impersonation', () => {
    it('acts as the service account in requests and watches, and the original client does not', async () => {
      const sa = cluster.impersonate({ namespace: 'apps', name: 'deployer' });
      server.route((r) => (r.url.pathname.endsWith('/configmaps/a') ? { body: cm('a', '1') } : r.url.pathname === '/api/v1/namespaces/default/configmaps' && !isWatch(r) ? { body: { metadata: { resourceVersion: '1' }, items: [] } } : undefined));
      await sa.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'a', namespace: 'default' });
      await cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'a', namespace: 'default' });
      const w = await sa.watch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', resourceVersion: '1' }, () => undefined);
      const gets = server.requests.filter((r) => r.url.pathname.endsWith('/configmaps/a'));
      expect(gets.map((r) => r.headers['impersonate-user'])).toEqual(['system:serviceaccount:apps:deployer', undefined]);
      expect((await server.watch(1)).request.headers['impersonate-user']).toBe('system:serviceaccount:apps:deployer');
      expect((await server.watch(1)).request.headers.authorization).toBe('Bearer test-token');
      w.stop();
    });
  });

  describe('events', () => {
    it('creates a core/v1 Event, then bumps its count on a repeat', async () => {
      server.route((r) => (r.url.pathname.startsWith('/api/v1/namespaces/apps/events') ? { body: { ...JSON.parse(r.body), apiVersion: 'v1', kind: 'Event' } } : undefined));
      const event = { involvedObject: { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name: 'app', namespace: 'apps' }, type: 'Normal' as const, reason: 'ReconciliationSucceeded', message: 'done', reportingController: 'kustomize-controller' };
      await cluster.recordEvent(event);
      clock.advance(5000);
      await cluster.recordEvent(event);
      const [create, bump] = server.requests.filter((r) => r.url.pathname.startsWith('/api/v1/namespaces/apps/events'));
      expect(create?.method).toBe('POST');
      const created = JSON.parse(create?.body ?? '{}');
      expect(created).toMatchObject({ kind: 'Event', reason: 'ReconciliationSucceeded', count: 1, type: 'Normal', source: { component: 'kustomize-controller' }, involvedObject: { name: 'app' } });
      expect(created.metadata.name).toMatch(/^app\.[0-9a-f]+$/);
      expect(bump?.method).toBe('PATCH');
      expect(bump?.url.pathname).toBe(`/api/v1/namespaces/apps/events/${created.metadata.name}`);
      expect(bump?.headers['content-type']).toBe('application/merge-patch+json');
      expect(JSON.parse(bump?.body ?? '{}')).toEqual({ count: 2, lastTimestamp: '2026-01-01T00:00:05Z' });
    });
  });

  describe('rate limiting', () => {
    it('holds requests beyond the burst until the clock refills the bucket', async () => {
      const limited = new KubeCluster({ kubeConfig: loadKubeConfig({ kubeconfig: server.kubeconfigFile(), env: {} }).kubeConfig, clock, qps: 1, burst: 2 });
      server.route((r) => (r.url.pathname.endsWith('/configmaps/a') ? { body: cm('a', '1') } : undefined));
      await limited.resourceFor('v1', 'ConfigMap'); // discovery: token 1
      await limited.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'a' }); // token 2
      let done = false;
      const third = limited.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'a' }).then(() => (done = true));
      await settle();
      expect(done).toBe(false);
      expect(server.requests.filter((r) => r.url.pathname.endsWith('/configmaps/a'))).toHaveLength(1);
      clock.advance(1000);
      await third;
      expect(server.requests.filter((r) => r.url.pathname.endsWith('/configmaps/a'))).toHaveLength(2);
    });
  });

  describe('watch', () => {
    let items: KubeObject[];
    let listRv: string;
    beforeEach(() => {
      items = [];
      listRv = '1';
      server.route((r) => (r.url.pathname === '/api/v1/namespaces/default/configmaps' && !isWatch(r) ? { body: { kind: 'ConfigMapList', metadata: { resourceVersion: listRv }, items } } : undefined));
    });

    function collect(): { events: WatchEvent[]; onEvent: (e: WatchEvent) => void; names: () => string[] } {
      const events: WatchEvent[] = [];
      return { events, onEvent: (e) => events.push(e), names: () => events.map((e) => `${e.type} ${e.object.metadata?.name ?? (e.object as { code?: number }).code}`) };
    }

    it('reconnects from the last resourceVersion it saw when the server closes the stream', async () => {
      const col = collect();
      const w = await cluster.watch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', resourceVersion: '5' }, col.onEvent);
      const first = await server.watch(1);
      expect(first.request.url.searchParams.get('resourceVersion')).toBe('5');
      expect(first.request.url.searchParams.get('allowWatchBookmarks')).toBe('true');
      first.send('ADDED', cm('a', '6'));
      first.send('BOOKMARK', { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: '8' } });
      await vi.waitFor(() => expect(col.names()).toEqual(['ADDED a']));
      first.end();
      const second = await server.watch(2);
      expect(second.request.url.searchParams.get('resourceVersion')).toBe('8');
      second.send('MODIFIED', cm('a', '9'));
      await vi.waitFor(() => expect(col.names()).toEqual(['ADDED a', 'MODIFIED a']));
      w.stop();
      await w.done;
    });

    it('backs off when reconnecting fails, on the injected clock', async () => {
      const col = collect();
      const w = await cluster.watch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', resourceVersion: '5' }, col.onEvent);
      let refuse = true;
      server.route((r) => (isWatch(r) && refuse && server.requests.filter(isWatch).length > 1 ? status(500, 'InternalError', 'etcd unavailable') : undefined));
      (await server.watch(1)).end();
      await vi.waitFor(() => expect(server.requests.filter(isWatch)).toHaveLength(2));
      await settle();
      expect(clock.pending).toBe(1);
      clock.advance(799);
      await settle();
      expect(server.requests.filter(isWatch)).toHaveLength(2);
      clock.advance(1);
      await vi.waitFor(() => expect(server.requests.filter(isWatch)).toHaveLength(3));
      await vi.waitFor(() => expect(clock.pending).toBe(1));
      refuse = false;
      clock.advance(1600);
      const back = await server.watch(2);
      expect(back.request.url.searchParams.get('resourceVersion')).toBe('5');
      expect(server.requests.filter(isWatch)).toHaveLength(4);
      w.stop();
    });

    it('relists on 410 Gone and emits what changed meanwhile, then watches on from the list', async () => {
      items = [cm('a', '1'), cm('b', '2')];
      listRv = '2';
      const col = collect();
      const w = await cluster.watch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default' }, col.onEvent);
      expect(col.names()).toEqual(['ADDED a', 'ADDED b']);
      const first = await server.watch(1);
      expect(first.request.url.searchParams.get('resourceVersion')).toBe('2');
      first.send('MODIFIED', cm('a', '3'));
      await vi.waitFor(() => expect(col.names()).toHaveLength(3));
      // While the client was away: b deleted, c created, a unchanged since it last heard.
      items = [cm('a', '3'), cm('c', '5')];
      listRv = '6';
      first.send('ERROR', { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 410, reason: 'Gone', message: 'too old resource version: 3 (5)' });
      const second = await server.watch(2);
      expect(second.request.url.searchParams.get('resourceVersion')).toBe('6');
      expect(col.names()).toEqual(['ADDED a', 'ADDED b', 'MODIFIED a', 'ADDED c', 'DELETED b']);
      expect(col.events[4]?.object.metadata.resourceVersion).toBe('2');
      w.stop();
    });

    it('relists on 410 for a watch that started from a resourceVersion, telling only what the caller cannot know', async () => {
      items = [cm('old', '3'), cm('gone', '4'), cm('new', '7')];
      listRv = '7';
      const col = collect();
      const w = await cluster.watch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', resourceVersion: '4' }, col.onEvent);
      expect(col.names()).toEqual([]);
      items = [cm('old', '3'), cm('new', '7')];
      listRv = '9';
      (await server.watch(1)).send('ERROR', { kind: 'Status', code: 410, reason: 'Gone', message: 'too old' });
      await server.watch(2);
      // "old" is as the caller knew it at rv 4; "new" changed after it; "gone" went away.
      expect(col.names()).toEqual(['MODIFIED new', 'DELETED gone']);
      w.stop();
    });

    it('backs off instead of spinning when the server answers 410 again right after a relist', async () => {
      const col = collect();
      const w = await cluster.watch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default' }, col.onEvent);
      (await server.watch(1)).send('ERROR', { kind: 'Status', code: 410, reason: 'Gone', message: 'too old' });
      (await server.watch(2)).send('ERROR', { kind: 'Status', code: 410, reason: 'Gone', message: 'too old' });
      await vi.waitFor(() => expect(clock.pending).toBe(1));
      const lists = (): number => server.requests.filter((r) => r.url.pathname === '/api/v1/namespaces/default/configmaps' && !isWatch(r)).length;
      expect(lists()).toBe(2);
      clock.advance(800);
      await server.watch(3);
      expect(lists()).toBe(3);
      w.stop();
    });

    it('ends with an ERROR event when the server refuses the watch for good', async () => {
      const col = collect();
      const w = await cluster.watch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', resourceVersion: '1' }, col.onEvent);
      server.route((r) => (isWatch(r) ? status(403, 'Forbidden', 'nope') : undefined));
      (await server.watch(1)).end();
      await w.done;
      expect(col.events).toHaveLength(1);
      expect(col.events[0]?.type).toBe('ERROR');
      expect(col.events[0]?.object).toMatchObject({ kind: 'Status', code: 403, reason: 'Forbidden' });
    });

    it('rejects at once when the first watch request is refused', async () => {
      server.route((r) => (isWatch(r) ? status(403, 'Forbidden', 'nope') : undefined));
      await expect(cluster.watch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', resourceVersion: '1' }, () => undefined)).rejects.toMatchObject({
        status: 403,
        message: 'forbidden: cannot watch resource "configmaps" in API group "" in the namespace "default"',
      });
    });

    it('stops cleanly: no events after stop, the stream is closed', async () => {
      const col = collect();
      const w = await cluster.watch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', resourceVersion: '1' }, col.onEvent);
      const open = await server.watch(1);
      w.stop();
      w.stop();
      await w.done;
      await open.closed;
      expect(col.events).toEqual([]);
      expect(clock.pending).toBe(0);
    });
  });
});
