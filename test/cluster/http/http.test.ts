import { afterEach, describe, expect, it } from 'vitest';
import { fluxCrds } from '../../../src/api/crds.js';
import type { KubeObject } from '../../../src/api/meta.js';
import type { ServedCluster } from '../../../src/cluster/http/index.js';
import { serveCluster } from '../../../src/cluster/http/index.js';
import type { MemoryClusterOptions } from '../../../src/cluster/memory/index.js';
import { MemoryCluster } from '../../../src/cluster/memory/index.js';

const open: ServedCluster[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function serve(options: MemoryClusterOptions = {}): Promise<{ cluster: MemoryCluster; url: string; served: ServedCluster }> {
  const cluster = new MemoryCluster({ crds: fluxCrds(), ...options });
  const served = await serveCluster(cluster);
  open.push(served);
  return { cluster, url: served.url, served };
}

const cm = (name: string, data: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data });

async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}

/** Reads newline-delimited watch events until `stop` says enough (or the stream ends). */
async function readEvents(res: Response, stop: (events: { type: string; object: Record<string, unknown> }[]) => boolean): Promise<{ type: string; object: Record<string, unknown> }[]> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const events: { type: string; object: Record<string, unknown> }[] = [];
  let buffer = '';
  try {
    while (!stop(events)) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line.trim()) events.push(JSON.parse(line) as { type: string; object: Record<string, unknown> });
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return events;
}

describe('serveCluster over HTTP', () => {
  it('serves a kubeconfig that points at the server with a token user', async () => {
    const { served } = await serve();
    expect(served.url).toBe(`http://127.0.0.1:${served.port}`);
    const kc = served.kubeconfig({ namespace: 'apps', user: 'alice' });
    expect(kc).toContain(`server: http://127.0.0.1:${served.port}`);
    expect(kc).toContain('namespace: apps');
    expect(kc).toMatch(/token: \S+/);
  });

  it('answers discovery for core, groups, and CRD group versions with subresources', async () => {
    const { url } = await serve();
    expect(await json(await fetch(`${url}/api`))).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const groups = (await json(await fetch(`${url}/apis`))).groups as { name: string; preferredVersion: { version: string } }[];
    expect(groups.find((g) => g.name === 'apps')?.preferredVersion.version).toBe('v1');
    expect(groups.find((g) => g.name === 'autoscaling')?.preferredVersion.version).toBe('v2');
    const apps = (await json(await fetch(`${url}/apis/apps/v1`))).resources as { name: string; kind: string; verbs: string[]; group?: string }[];
    expect(apps.find((r) => r.name === 'deployments')).toMatchObject({ kind: 'Deployment', shortNames: ['deploy'], categories: ['all'], namespaced: true, singularName: 'deployment' });
    expect(apps.find((r) => r.name === 'deployments/scale')).toMatchObject({ group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
    expect(apps.find((r) => r.name === 'deployments/status')).toBeDefined();
    const ks = (await json(await fetch(`${url}/apis/kustomize.toolkit.fluxcd.io/v1`))).resources as { name: string }[];
    expect(ks.map((r) => r.name)).toEqual(['kustomizations', 'kustomizations/status']);
  });

  it('answers aggregated discovery (apidiscovery.k8s.io/v2) when asked for it', async () => {
    const { url } = await serve();
    const res = await fetch(`${url}/apis`, { headers: { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' } });
    expect(res.headers.get('content-type')).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const doc = await json(res);
    const apps = (doc.items as { metadata: { name: string }; versions: { version: string; resources: Record<string, unknown>[] }[] }[]).find((g) => g.metadata.name === 'apps');
    expect(apps?.versions[0]?.resources.find((r) => r.resource === 'deployments')).toMatchObject({
      responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' },
      scope: 'Namespaced',
      singularResource: 'deployment',
      subresources: [{ subresource: 'status' }, { subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' } }],
    });
    const core = await json(await fetch(`${url}/api`, { headers: { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' } }));
    expect((core.items as { versions: { version: string }[] }[])[0]?.versions[0]?.version).toBe('v1');
  });

  it('words errors as Status bodies, as kube-apiserver does', async () => {
    const { url } = await serve();
    const missing = await fetch(`${url}/apis/apps/v1/namespaces/default/deployments/x`);
    expect(missing.status).toBe(404);
    expect(await json(missing)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'deployments.apps "x" not found',
      reason: 'NotFound',
      details: { name: 'x', group: 'apps', kind: 'deployments' },
      code: 404,
    });
    const post = (): Promise<Response> => fetch(`${url}/api/v1/namespaces/default/configmaps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(cm('dup')) });
    expect((await post()).status).toBe(201);
    const dup = await post();
    expect(dup.status).toBe(409);
    expect(await json(dup)).toMatchObject({ reason: 'AlreadyExists', message: 'configmaps "dup" already exists', code: 409, details: { name: 'dup', kind: 'configmaps' } });
    const unknown = await fetch(`${url}/apis/apps/v1/namespaces/default/widgets`);
    expect(await json(unknown)).toMatchObject({ reason: 'NotFound', message: 'the server could not find the requested resource', code: 404 });
    const wrongNs = await fetch(`${url}/api/v1/namespaces/other/configmaps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(cm('x')) });
    expect(await json(wrongNs)).toMatchObject({ code: 400, reason: 'BadRequest', message: 'the namespace of the provided object does not match the namespace sent on the request' });
    const smpOnCrd = await fetch(`${url}/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/default/kustomizations/x`, { method: 'PATCH', headers: { 'content-type': 'application/strategic-merge-patch+json' }, body: '{}' });
    expect(smpOnCrd.status).toBe(415);
  });

  it('applies server-side with a field manager and reports conflicts unless forced', async () => {
    const { url } = await serve();
    const apply = (manager: string, data: Record<string, string>, force = false): Promise<Response> =>
      fetch(`${url}/api/v1/namespaces/default/configmaps/ssa?fieldManager=${manager}${force ? '&force=true' : ''}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/apply-patch+yaml' },
        body: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n${Object.entries(data).map(([k, v]) => `  ${k}: "${v}"`).join('\n')}\n`,
      });
    expect((await apply('a', { x: '1' })).status).toBe(200);
    const conflict = await apply('b', { x: '2' });
    expect(conflict.status).toBe(409);
    expect(await json(conflict)).toMatchObject({ reason: 'Conflict', message: expect.stringContaining('conflict with "a"') });
    const forced = await json(await apply('b', { x: '2' }, true));
    expect(forced.data).toEqual({ x: '2' });
    const dry = await fetch(`${url}/api/v1/namespaces/default/configmaps/ssa?dryRun=All`, { method: 'PATCH', headers: { 'content-type': 'application/merge-patch+json' }, body: '{"data":{"x":"3"}}' });
    expect(((await json(dry)).data as Record<string, string>).x).toBe('3');
    expect(((await json(await fetch(`${url}/api/v1/namespaces/default/configmaps/ssa`))).data as Record<string, string>).x).toBe('2');
  });

  it('prints Tables for built-in and CRD kinds', async () => {
    const { cluster, url } = await serve();
    await cluster.create(cm('t', { a: '1', b: '2' }));
    const accept = { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' };
    const table = await json(await fetch(`${url}/api/v1/namespaces/default/configmaps`, { headers: accept }));
    expect(table.kind).toBe('Table');
    expect((table.columnDefinitions as { name: string }[]).map((c) => c.name)).toEqual(['Name', 'Data', 'Age']);
    expect((table.rows as { cells: unknown[]; object: { kind: string } }[])[0]).toMatchObject({ cells: ['t', 2, expect.stringMatching(/^\d+s$/)], object: { kind: 'PartialObjectMetadata' } });
    await cluster.create({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'r', namespace: 'default' }, spec: { url: 'https://example.com/x', interval: '1m' } });
    const crd = await json(await fetch(`${url}/apis/source.toolkit.fluxcd.io/v1/namespaces/default/gitrepositories/r`, { headers: accept }));
    expect((crd.columnDefinitions as { name: string }[]).map((c) => c.name)).toEqual(['Name', 'URL', 'Age', 'Ready', 'Status']);
    expect((crd.rows as { cells: unknown[] }[])[0]?.cells.slice(0, 2)).toEqual(['r', 'https://example.com/x']);
  });

  it('watches from a resourceVersion and resumes with only later changes', async () => {
    const { cluster, url } = await serve();
    await cluster.create(cm('before'));
    const { resourceVersion } = await cluster.list({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default' });
    const res = await fetch(`${url}/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${resourceVersion}&allowWatchBookmarks=true`);
    expect(res.headers.get('content-type')).toBe('application/json');
    await cluster.create(cm('after'));
    await cluster.patch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'after' }, { data: { k: 'v' } }, 'merge');
    const events = await readEvents(res, (e) => e.length >= 2);
    expect(events.map((e) => `${e.type} ${(e.object.metadata as { name: string }).name}`)).toEqual(['ADDED after', 'MODIFIED after']);
    const lastRv = (events[1]?.object.metadata as { resourceVersion: string }).resourceVersion;
    await cluster.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'after' });
    const resumed = await fetch(`${url}/api/v1/watch/namespaces/default/configmaps?resourceVersion=${lastRv}`);
    const more = await readEvents(resumed, (e) => e.length >= 1);
    expect(more.map((e) => e.type)).toEqual(['DELETED']);
  });

  it('sends ADDED for existing objects when no resourceVersion is given, filtered by labels', async () => {
    const { cluster, url } = await serve();
    await cluster.create({ ...cm('blue'), metadata: { name: 'blue', namespace: 'default', labels: { color: 'blue' } } });
    await cluster.create({ ...cm('red'), metadata: { name: 'red', namespace: 'default', labels: { color: 'red' } } });
    const res = await fetch(`${url}/api/v1/configmaps?watch=true&labelSelector=${encodeURIComponent('color=red')}`);
    const events = await readEvents(res, (e) => e.length >= 1);
    expect(events.map((e) => `${e.type} ${(e.object.metadata as { name: string }).name}`)).toEqual(['ADDED red']);
  });

  it('answers a watch from a compacted resourceVersion with 410 Gone and ends it', async () => {
    const { cluster, url } = await serve({ historyLimit: 2 });
    for (let i = 0; i < 10; i++) await cluster.create(cm(`c${i}`));
    const res = await fetch(`${url}/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=1`);
    const events = await readEvents(res, () => false);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Gone', message: expect.stringContaining('too old resource version: 1') } });
  });

  it('ends a watch after timeoutSeconds', async () => {
    const { url } = await serve();
    const res = await fetch(`${url}/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=1000000&timeoutSeconds=1`);
    expect(await readEvents(res, () => false)).toEqual([]);
  });

  it('serves the status and scale subresources', async () => {
    const { cluster, url } = await serve({ simulateControllers: false });
    await cluster.create({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'default' }, spec: { replicas: 1, selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } });
    const base = `${url}/apis/apps/v1/namespaces/default/deployments/d`;
    expect(await json(await fetch(`${base}/scale`))).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 1 }, status: { selector: 'app=d' } });
    const scaled = await fetch(`${base}/scale`, { method: 'PATCH', headers: { 'content-type': 'application/merge-patch+json' }, body: '{"spec":{"replicas":5}}' });
    expect(await json(scaled)).toMatchObject({ kind: 'Scale', spec: { replicas: 5 } });
    const status = await fetch(`${base}/status`, { method: 'PATCH', headers: { 'content-type': 'application/merge-patch+json' }, body: '{"status":{"readyReplicas":5},"spec":{"replicas":9}}' });
    const after = await json(status);
    expect(after.status).toMatchObject({ readyReplicas: 5 });
    expect((after.spec as { replicas: number }).replicas).toBe(5);
  });

  it('deletes with a propagation policy in the body, answers Success when gone and the object when finalizers hold it', async () => {
    const { cluster, url } = await serve();
    await cluster.create({ ...cm('held'), metadata: { name: 'held', namespace: 'default', finalizers: ['example.com/hold'] } });
    const res = await fetch(`${url}/api/v1/namespaces/default/configmaps/held`, { method: 'DELETE', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground' }) });
    expect(res.status).toBe(200);
    expect(((await json(res)).metadata as { deletionTimestamp?: string }).deletionTimestamp).toBeDefined();
    await cluster.create(cm('free'));
    const gone = await fetch(`${url}/api/v1/namespaces/default/configmaps/free`, { method: 'DELETE' });
    expect(await json(gone)).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'free', group: '', kind: 'configmaps' } });
    const bad = await fetch(`${url}/api/v1/namespaces/default/configmaps/held?propagationPolicy=Sideways`, { method: 'DELETE' });
    expect(bad.status).toBe(422);
  });

  it('refuses protobuf bodies of kinds it cannot decode with 415 rather than misreading them', async () => {
    const { url } = await serve();
    const res = await fetch(`${url}/api/v1/namespaces/default/configmaps`, { method: 'POST', headers: { 'content-type': 'application/vnd.kubernetes.protobuf' }, body: 'k8s\u0000' });
    expect(res.status).toBe(415);
  });

  it('serves an empty OpenAPI v2 document, as JSON or as gnostic protobuf', async () => {
    const { url } = await serve();
    expect(await json(await fetch(`${url}/openapi/v2`, { headers: { accept: 'application/json' } }))).toMatchObject({ swagger: '2.0', definitions: {} });
    const pb = await fetch(`${url}/openapi/v2`, { headers: { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' } });
    expect(pb.headers.get('content-type')).toBe('application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    expect(Buffer.from(await pb.arrayBuffer()).subarray(0, 5)).toEqual(Buffer.from([0x0a, 0x03, 0x32, 0x2e, 0x30]));
  });

  it('serves an OpenAPI v3 index whose documents declare fieldValidation for every kind', async () => {
    const { url } = await serve();
    const root = (await json(await fetch(`${url}/openapi/v3`))).paths as Record<string, { serverRelativeURL: string }>;
    const apps = root['apis/apps/v1'];
    expect(apps?.serverRelativeURL).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=/);
    const doc = await json(await fetch(`${url}${apps?.serverRelativeURL}`));
    const patch = (doc.paths as Record<string, { patch: { parameters: { name: string }[]; 'x-kubernetes-group-version-kind': unknown } }>)['/apis/apps/v1/namespaces/{namespace}/deployments/{name}']?.patch;
    expect(patch?.['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', version: 'v1', kind: 'Deployment' });
    expect(patch?.parameters.map((p) => p.name)).toContain('fieldValidation');
  });
});
