/**
 * The resource verbs: get, list, watch, create, update, patch, delete, deletecollection and
 * the status and scale subresources, translated onto a MemoryCluster.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import type { KubeObject, ObjectRef } from '../../api/meta.js';
import { ApiError, isApiError } from '../errors.js';
import type { MemoryCluster } from '../memory/memory-cluster.js';
import { jsonPatch, mergePatch } from '../memory/patches.js';
import type { DeleteOptions, PropagationPolicy, WatchEvent } from '../types.js';
import type { ResourceTarget } from './request.js';
import { managerFromUserAgent, mediaType, wantsTable } from './request.js';
import { coreFieldSelector, fromEventsV1, toEventsV1 } from './events-view.js';
import { strategicMerge } from './strategic-merge.js';
import type { IncludeObject, Printer } from './table.js';
import { printerFor, toTable } from './table.js';

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  query: URLSearchParams;
  body: string;
  cluster: MemoryCluster;
  /** Registers a cleanup run when the server closes (open watches). */
  onClose(fn: () => void): () => void;
  /** Set when the served resource is a view of another (events.k8s.io over core Events). */
  view?: { target: ResourceTarget; out(obj: KubeObject): KubeObject; in(obj: KubeObject): KubeObject };
}

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

const notFound = (t: ResourceTarget, name: string): ApiError =>
  new ApiError(404, 'NotFound', `${t.info.group ? `${t.info.plural}.${t.info.group}` : t.info.plural} "${name}" not found`, { name, group: t.info.group, kind: t.info.plural });

const badRequest = (message: string): ApiError => new ApiError(400, 'BadRequest', message);

function refOf(t: ResourceTarget, name: string): ObjectRef {
  const ref: ObjectRef = { apiVersion: t.groupVersion, kind: t.info.kind, name };
  if (t.info.namespaced) ref.namespace = t.namespace ?? 'default';
  return ref;
}

function parseBody(body: string, yaml = false): unknown {
  if (!body.trim()) return undefined;
  try {
    return JSON.parse(body);
  } catch (err) {
    if (!yaml) throw badRequest(`the object provided is unrecognized: ${(err as Error).message}`);
  }
  try {
    return parseYaml(body);
  } catch (err) {
    throw badRequest(`error decoding YAML: ${(err as Error).message}`);
  }
}

const dryRunOf = (q: URLSearchParams, body?: Json): boolean => q.getAll('dryRun').includes('All') || (Array.isArray(body?.dryRun) && body.dryRun.includes('All'));

function scaleOf(obj: KubeObject): Json {
  const spec = isMap(obj.spec) ? obj.spec : {};
  const status = isMap(obj.status) ? obj.status : {};
  const sel = isMap(spec.selector) && isMap(spec.selector.matchLabels) ? spec.selector.matchLabels : {};
  const meta: Json = { name: obj.metadata.name, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion, creationTimestamp: obj.metadata.creationTimestamp };
  if (obj.metadata.namespace) meta.namespace = obj.metadata.namespace;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: meta,
    spec: { replicas: typeof spec.replicas === 'number' ? spec.replicas : 1 },
    status: { replicas: typeof status.replicas === 'number' ? status.replicas : 0, selector: Object.entries(sel).map(([k, v]) => `${k}=${String(v)}`).join(',') },
  };
}

async function printer(ctx: RequestContext, t: ResourceTarget): Promise<Printer> {
  const crd = t.info.group && !t.info.group.endsWith('.k8s.io') && t.info.group.includes('.')
    ? await ctx.cluster.get({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: `${t.info.plural}.${t.info.group}` })
    : undefined;
  return printerFor(t.info, crd);
}

const includeOf = (q: URLSearchParams): IncludeObject => {
  const v = q.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
};

async function respondObjects(ctx: RequestContext, stored: ResourceTarget, code: number, storedObjects: KubeObject[], list: boolean, resourceVersion: string): Promise<void> {
  const t = ctx.view?.target ?? stored;
  const objects = ctx.view ? storedObjects.map(ctx.view.out) : storedObjects;
  if (wantsTable(ctx.req.headers.accept)) {
    sendJson(ctx.res, code, toTable(await printer(ctx, t), objects, resourceVersion, ctx.cluster.clock.now(), includeOf(ctx.query)));
    return;
  }
  if (list) sendJson(ctx.res, code, { kind: `${t.info.kind}List`, apiVersion: t.groupVersion, metadata: { resourceVersion }, items: objects });
  else sendJson(ctx.res, code, objects[0]);
}

/** Serves one request on a resource path; throws ApiErrors for the caller to render. */
export async function handleResource(ctx: RequestContext, t: ResourceTarget): Promise<void> {
  if (t.info.group === 'events.k8s.io' && t.info.kind === 'Event' && !ctx.view) {
    const core = await ctx.cluster.resourceFor('v1', 'Event');
    if (core) {
      const query = new URLSearchParams(ctx.query);
      const fs = query.get('fieldSelector');
      if (fs) query.set('fieldSelector', coreFieldSelector(fs));
      const stored: ResourceTarget = { ...t, info: core, groupVersion: 'v1' };
      return handleResource({ ...ctx, query, view: { target: t, out: toEventsV1, in: fromEventsV1 } }, stored);
    }
  }
  const method = ctx.req.method ?? 'GET';
  const q = ctx.query;
  if (method === 'GET' && (t.watchPath || q.get('watch') === 'true' || q.get('watch') === '1')) return watch(ctx, t);
  if (t.watchPath) throw new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
  if (t.name === undefined) {
    if (method === 'GET') return list(ctx, t);
    if (method === 'POST') return create(ctx, t);
    if (method === 'DELETE') return deleteCollection(ctx, t);
    throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  }
  switch (method) {
    case 'GET':
      return get(ctx, t, t.name);
    case 'PUT':
      return update(ctx, t, t.name);
    case 'PATCH':
      return patch(ctx, t, t.name);
    case 'DELETE':
      return remove(ctx, t, t.name);
    default:
      throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  }
}

async function get(ctx: RequestContext, t: ResourceTarget, name: string): Promise<void> {
  const obj = await ctx.cluster.get(refOf(t, name));
  if (!obj) throw notFound(t, name);
  if (t.subresource === 'scale') return sendJson(ctx.res, 200, scaleOf(obj));
  await respondObjects(ctx, t, 200, [obj], false, obj.metadata.resourceVersion ?? '');
}

async function list(ctx: RequestContext, t: ResourceTarget): Promise<void> {
  const q = ctx.query;
  const result = await ctx.cluster.list({
    apiVersion: t.groupVersion,
    kind: t.info.kind,
    ...(t.namespace !== undefined ? { namespace: t.namespace } : {}),
    ...(q.get('labelSelector') ? { labelSelector: q.get('labelSelector') as string } : {}),
    ...(q.get('fieldSelector') ? { fieldSelector: q.get('fieldSelector') as string } : {}),
  });
  await respondObjects(ctx, t, 200, result.items, true, result.resourceVersion);
}

function objectBody(ctx: RequestContext, t: ResourceTarget, name?: string): KubeObject {
  const body = parseBody(ctx.body, true);
  if (!isMap(body)) throw badRequest('the request body must be an object');
  let obj = body as KubeObject;
  if (ctx.view) {
    if (!isMap(obj.metadata)) obj.metadata = { name: name ?? '' };
    obj = ctx.view.in(obj);
  }
  obj.apiVersion ||= t.groupVersion;
  obj.kind ||= t.info.kind;
  if (!isMap(obj.metadata)) obj.metadata = { name: name ?? '' };
  if (obj.kind !== t.info.kind || obj.apiVersion !== t.groupVersion) {
    throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${t.groupVersion})`);
  }
  if (t.info.namespaced) {
    const ns = t.namespace ?? 'default';
    if (obj.metadata.namespace && obj.metadata.namespace !== ns) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    obj.metadata.namespace = ns;
  }
  if (name !== undefined) {
    if (!obj.metadata.name) obj.metadata.name = name;
    if (obj.metadata.name !== name) throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
  }
  return obj;
}

const managerOf = (ctx: RequestContext): string => ctx.query.get('fieldManager') || managerFromUserAgent(ctx.req.headers['user-agent']);

async function create(ctx: RequestContext, t: ResourceTarget): Promise<void> {
  const obj = objectBody(ctx, t);
  const created = await ctx.cluster.create(obj, { fieldManager: managerOf(ctx), dryRun: dryRunOf(ctx.query) });
  await respondObjects(ctx, t, 201, [created], false, created.metadata.resourceVersion ?? '');
}

async function update(ctx: RequestContext, t: ResourceTarget, name: string): Promise<void> {
  const dryRun = dryRunOf(ctx.query);
  const fieldManager = managerOf(ctx);
  if (t.subresource === 'scale') {
    const body = parseBody(ctx.body);
    const replicas = isMap(body) && isMap(body.spec) ? body.spec.replicas : undefined;
    if (typeof replicas !== 'number') throw new ApiError(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: Required value`);
    return scaleTo(ctx, t, name, replicas, dryRun, fieldManager);
  }
  const obj = objectBody(ctx, t, name);
  const written = t.subresource === 'status' ? await ctx.cluster.updateStatus(obj, { fieldManager, dryRun }) : await ctx.cluster.update(obj, { fieldManager, dryRun });
  await respondObjects(ctx, t, 200, [written], false, written.metadata.resourceVersion ?? '');
}

async function scaleTo(ctx: RequestContext, t: ResourceTarget, name: string, replicas: number, dryRun: boolean, fieldManager: string): Promise<void> {
  await ctx.cluster.patch(refOf(t, name), { spec: { replicas } }, 'merge', { subresource: 'scale', fieldManager, dryRun });
  const obj = await ctx.cluster.get(refOf(t, name));
  if (!obj) throw notFound(t, name);
  const scale = scaleOf(obj);
  if (dryRun) (scale.spec as Json).replicas = replicas;
  sendJson(ctx.res, 200, scale);
}

async function patch(ctx: RequestContext, t: ResourceTarget, name: string): Promise<void> {
  const type = mediaType(ctx.req.headers['content-type']);
  const dryRun = dryRunOf(ctx.query);
  const fieldManager = managerOf(ctx);
  const ref = refOf(t, name);
  const sub = t.subresource === 'status' || t.subresource === 'scale' ? t.subresource : undefined;
  let result: KubeObject;
  if (type === 'application/apply-patch+yaml') {
    const body = parseBody(ctx.body, true);
    if (!isMap(body)) throw badRequest('the apply patch must be an object');
    if (!ctx.query.get('fieldManager')) throw new ApiError(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    if (sub === 'scale') {
      const replicas = isMap(body.spec) ? body.spec.replicas : undefined;
      if (typeof replicas !== 'number') throw new ApiError(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: Required value`);
      return scaleTo(ctx, t, name, replicas, dryRun, fieldManager);
    }
    if (sub === 'status') {
      result = await ctx.cluster.patch(ref, { status: body.status ?? null }, 'merge', { subresource: 'status', fieldManager, dryRun });
    } else {
      const obj = body as KubeObject;
      obj.apiVersion ||= t.groupVersion;
      obj.kind ||= t.info.kind;
      obj.metadata = isMap(obj.metadata) ? obj.metadata : { name };
      obj.metadata.name ||= name;
      if (obj.metadata.name !== name) throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
      if (t.info.namespaced) {
        if (obj.metadata.namespace && obj.metadata.namespace !== ref.namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
        obj.metadata.namespace = ref.namespace as string;
      }
      result = await ctx.cluster.apply(obj, { fieldManager, force: ctx.query.get('force') === 'true', dryRun });
    }
  } else if (type === 'application/merge-patch+json' || type === 'application/json-patch+json') {
    const body = parseBody(ctx.body);
    if (sub === 'scale') {
      const current = await ctx.cluster.get(ref);
      if (!current) throw notFound(t, name);
      const scaled = (type === 'application/merge-patch+json' ? mergePatch(scaleOf(current), body) : jsonPatch(scaleOf(current), body)) as Json;
      const replicas = isMap(scaled.spec) ? scaled.spec.replicas : undefined;
      if (typeof replicas !== 'number') throw new ApiError(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: Required value`);
      return scaleTo(ctx, t, name, replicas, dryRun, fieldManager);
    }
    result = await ctx.cluster.patch(ref, body, type === 'application/merge-patch+json' ? 'merge' : 'json', { fieldManager, dryRun, ...(sub ? { subresource: sub } : {}) });
  } else if (type === 'application/strategic-merge-patch+json') {
    if (!isBuiltinGroup(t.info.group)) {
      throw new ApiError(415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
    }
    const body = parseBody(ctx.body);
    result = await strategicPatch(ctx, t, name, body, sub, fieldManager, dryRun);
    if (sub === 'scale') return;
  } else {
    throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
  }
  await respondObjects(ctx, t, 200, [result], false, result.metadata.resourceVersion ?? '');
}

/** Built-in API groups: the core group and `*.k8s.io` / single-word groups (apps, batch…). */
function isBuiltinGroup(group: string): boolean {
  return group === '' || !group.includes('.') || group.endsWith('.k8s.io');
}

/** Read, merge, write with the read resourceVersion as precondition; retried on a lost race. */
async function strategicPatch(ctx: RequestContext, t: ResourceTarget, name: string, body: unknown, sub: 'status' | 'scale' | undefined, fieldManager: string, dryRun: boolean): Promise<KubeObject> {
  const ref = refOf(t, name);
  for (let attempt = 0; ; attempt++) {
    const live = await ctx.cluster.get(ref);
    if (!live) throw notFound(t, name);
    try {
      if (sub === 'scale') {
        const scaled = strategicMerge(scaleOf(live), body) as Json;
        const replicas = isMap(scaled.spec) ? scaled.spec.replicas : undefined;
        if (typeof replicas !== 'number') throw new ApiError(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: Required value`);
        await scaleTo(ctx, t, name, replicas, dryRun, fieldManager);
        return live;
      }
      const next = strategicMerge(live, body) as KubeObject;
      if (!isMap(next.metadata)) throw new ApiError(422, 'Invalid', 'metadata: Required value');
      if (next.metadata.name !== name) throw new ApiError(422, 'Invalid', `metadata.name: Invalid value: "${String(next.metadata.name)}": field is immutable`);
      next.metadata.resourceVersion ||= live.metadata.resourceVersion as string;
      next.apiVersion = t.groupVersion;
      next.kind = t.info.kind;
      return sub === 'status' ? await ctx.cluster.updateStatus(next, { fieldManager, dryRun }) : await ctx.cluster.update(next, { fieldManager, dryRun });
    } catch (err) {
      const ownPrecondition = isMap(body) && isMap(body.metadata) && body.metadata.resourceVersion !== undefined;
      if (isApiError(err, 409) && err.reason === 'Conflict' && !ownPrecondition && attempt < 5) continue;
      throw err;
    }
  }
}

function deleteOptions(ctx: RequestContext): DeleteOptions {
  const body = parseBody(ctx.body);
  const b = isMap(body) ? body : {};
  const options: DeleteOptions = {};
  const policy = (b.propagationPolicy ?? ctx.query.get('propagationPolicy') ?? undefined) as string | undefined;
  if (policy !== undefined) {
    if (policy !== 'Background' && policy !== 'Foreground' && policy !== 'Orphan') throw new ApiError(422, 'Invalid', `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan", "nil"`);
    options.propagationPolicy = policy as PropagationPolicy;
  } else if (b.orphanDependents === true || ctx.query.get('orphanDependents') === 'true') options.propagationPolicy = 'Orphan';
  if (dryRunOf(ctx.query, b)) options.dryRun = true;
  if (isMap(b.preconditions)) {
    const pre: { uid?: string; resourceVersion?: string } = {};
    if (typeof b.preconditions.uid === 'string') pre.uid = b.preconditions.uid;
    if (typeof b.preconditions.resourceVersion === 'string') pre.resourceVersion = b.preconditions.resourceVersion;
    options.preconditions = pre;
  }
  return options;
}

async function remove(ctx: RequestContext, t: ResourceTarget, name: string): Promise<void> {
  if (t.subresource) throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  const ref = refOf(t, name);
  const options = deleteOptions(ctx);
  const before = await ctx.cluster.get(ref);
  if (!before) throw notFound(t, name);
  const after = await ctx.cluster.delete(ref, options);
  const obj = after ?? before;
  await respondObjects(ctx, t, after && !options.dryRun ? 202 : 200, [obj], false, obj.metadata.resourceVersion ?? '');
}

async function deleteCollection(ctx: RequestContext, t: ResourceTarget): Promise<void> {
  const options = deleteOptions(ctx);
  const q = ctx.query;
  const result = await ctx.cluster.list({
    apiVersion: t.groupVersion,
    kind: t.info.kind,
    ...(t.namespace !== undefined ? { namespace: t.namespace } : {}),
    ...(q.get('labelSelector') ? { labelSelector: q.get('labelSelector') as string } : {}),
    ...(q.get('fieldSelector') ? { fieldSelector: q.get('fieldSelector') as string } : {}),
  });
  const items: KubeObject[] = [];
  for (const obj of result.items) {
    try {
      items.push((await ctx.cluster.delete({ ...refOf(t, obj.metadata.name), ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}) }, options)) ?? obj);
    } catch (err) {
      if (!isApiError(err, 404)) throw err;
    }
  }
  const shown = ctx.view?.target ?? t;
  sendJson(ctx.res, 200, { kind: `${shown.info.kind}List`, apiVersion: shown.groupVersion, metadata: { resourceVersion: ctx.cluster.resourceVersion }, items: ctx.view ? items.map(ctx.view.out) : items });
}

/** A chunked stream of JSON watch events, one per line, until stopped, timed out or closed. */
async function watch(ctx: RequestContext, t: ResourceTarget): Promise<void> {
  const q = ctx.query;
  const res = ctx.res;
  const table = wantsTable(ctx.req.headers.accept) ? await printer(ctx, ctx.view?.target ?? t) : undefined;
  const present = ctx.view?.out ?? ((o: KubeObject) => o);
  const include = includeOf(q);
  let head = false;
  const ensureHead = (): void => {
    if (head) return;
    head = true;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
  };
  const encode = (e: WatchEvent): unknown => {
    if (e.type === 'ERROR') return e;
    if (!table) return e.type === 'BOOKMARK' ? e : { type: e.type, object: present(e.object) };
    if (e.type === 'BOOKMARK') return { type: e.type, object: toTable(table, [], e.object.metadata.resourceVersion ?? '', ctx.cluster.clock.now(), include) };
    return { type: e.type, object: toTable(table, [present(e.object)], e.object.metadata.resourceVersion ?? '', ctx.cluster.clock.now(), include) };
  };
  const write = (e: WatchEvent): void => {
    if (res.writableEnded) return;
    ensureHead();
    res.write(`${JSON.stringify(encode(e))}\n`);
  };
  const rv = q.get('resourceVersion') ?? undefined;
  const w = await ctx.cluster.watch(
    {
      apiVersion: t.groupVersion,
      kind: t.info.kind,
      ...(t.namespace !== undefined ? { namespace: t.namespace } : {}),
      ...(q.get('labelSelector') ? { labelSelector: q.get('labelSelector') as string } : {}),
      ...(q.get('fieldSelector') ? { fieldSelector: q.get('fieldSelector') as string } : {}),
      ...(t.name !== undefined ? { fieldSelector: [q.get('fieldSelector'), `metadata.name=${t.name}`].filter(Boolean).join(',') } : {}),
      ...(rv ? { resourceVersion: rv } : {}),
    },
    write,
  );
  ensureHead();
  const timers: ReturnType<typeof setTimeout>[] = [];
  const finish = (): void => {
    w.stop();
    for (const timer of timers) clearTimeout(timer);
    unregister();
    if (!res.writableEnded) res.end();
  };
  const unregister = ctx.onClose(finish);
  const timeout = Number(q.get('timeoutSeconds') ?? '');
  if (Number.isFinite(timeout) && timeout > 0) timers.push(setTimeout(finish, timeout * 1000));
  if (q.get('allowWatchBookmarks') === 'true') {
    const bookmark = setInterval(() => {
      const shown = ctx.view?.target ?? t;
      write({ type: 'BOOKMARK', object: { apiVersion: shown.groupVersion, kind: shown.info.kind, metadata: { name: '', resourceVersion: ctx.cluster.resourceVersion } } });
    }, 5_000);
    bookmark.unref();
    timers.push(bookmark);
  }
  ctx.req.on('close', finish);
  res.on('close', finish);
  void w.done.then(finish);
}
