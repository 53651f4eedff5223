/**
 * The resource verbs: get, list, watch, create, update, patch, delete, deletecollection and
 * the status and scale subresources, translated onto a MemoryCluster.
 */
import type { KubeObject } from '../../api/meta.js';
import { ApiError, isApiError } from '../errors.js';
import type { DeleteOptions, PropagationPolicy } from '../types.js';
import type { RequestContext } from './context.js';
import { crdOf, dryRunOf, isMap, managerOf, notFound, objectBody, parseBody, refOf, respondObjects, scaleOf, scaleTo, sendJson } from './context.js';
import { coreFieldSelector, fromEventsV1, toEventsV1 } from './events-view.js';
import { addWarning, checkFields } from './field-validation.js';
import { patch } from './patch.js';
import type { ResourceTarget } from './request.js';
import { POD_SUBRESOURCES } from './request.js';
import { watch } from './watch.js';

export type { RequestContext } from './context.js';
export { sendJson } from './context.js';

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
  await warnIfDeprecated(ctx, t);
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
  if (t.subresource && POD_SUBRESOURCES.has(t.subresource) && !(method === 'GET' && t.subresource === 'log')) throw noContainers(t.subresource);
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

/** Simulated Pods run no processes: their logs are empty (unless the server was given some), and there is nothing to exec into. */
function podLog(ctx: RequestContext, pod: KubeObject): void {
  const containers = ((pod.spec as { containers?: { name: string }[] } | undefined)?.containers ?? []).map((c) => c.name);
  const container = ctx.query.get('container');
  if (container && !containers.includes(container)) {
    throw new ApiError(400, 'BadRequest', `container ${container} is not valid for pod ${pod.metadata.name}`);
  }
  if (!container && containers.length > 1) {
    throw new ApiError(400, 'BadRequest', `a container name must be specified for pod ${pod.metadata.name}, choose one of: [${containers.join(' ')}]`);
  }
  let text = ctx.podLogs?.(pod.metadata.namespace ?? '', pod.metadata.name, container ?? containers[0] ?? '') ?? '';
  const tail = Number(ctx.query.get('tailLines') ?? NaN);
  if (Number.isInteger(tail) && tail >= 0) {
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    text = lines.slice(Math.max(0, lines.length - tail)).map((l) => `${l}\n`).join('');
  }
  ctx.res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text) });
  ctx.res.end(text);
}

const noContainers = (sub: string): ApiError => new ApiError(400, 'BadRequest', `pods/${sub} is not available: the simulator runs no containers`);

/** A deprecated CRD version answers with its deprecation warning, which kubectl prints. */
async function warnIfDeprecated(ctx: RequestContext, t: ResourceTarget): Promise<void> {
  const crd = await crdOf(ctx, t);
  const versions = (crd?.spec as { versions?: { name: string; deprecated?: boolean; deprecationWarning?: string }[] } | undefined)?.versions ?? [];
  const v = versions.find((x) => x.name === t.info.version);
  if (!v?.deprecated) return;
  const message = v.deprecationWarning ?? `${t.groupVersion} ${t.info.kind} is deprecated`;
  addWarning(ctx.res, message);
}

async function get(ctx: RequestContext, t: ResourceTarget, name: string): Promise<void> {
  const obj = await ctx.cluster.get(refOf(t, name));
  if (!obj) throw notFound(t, name);
  if (t.subresource === 'log') return podLog(ctx, obj);
  if (t.subresource && POD_SUBRESOURCES.has(t.subresource)) throw noContainers(t.subresource);
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

async function create(ctx: RequestContext, t: ResourceTarget): Promise<void> {
  const obj = objectBody(ctx, t);
  if (!ctx.view) checkFields(ctx.res, ctx.query.get('fieldValidation'), obj, t.info, await crdOf(ctx, t));
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
  if (!ctx.view) checkFields(ctx.res, ctx.query.get('fieldValidation'), obj, t.info, await crdOf(ctx, t));
  const written = t.subresource === 'status' ? await ctx.cluster.updateStatus(obj, { fieldManager, dryRun }) : await ctx.cluster.update(obj, { fieldManager, dryRun });
  await respondObjects(ctx, t, 200, [written], false, written.metadata.resourceVersion ?? '');
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
  // kube-apiserver answers an immediate delete of a built-in kind with a Success Status and of
  // a custom resource with the deleted object; an object finalizers hold comes back as it is now.
  if (!after && !options.dryRun && !(await crdOf(ctx, t))) {
    const shown = ctx.view?.target ?? t;
    return sendJson(ctx.res, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name, group: shown.info.group, kind: shown.info.plural, uid: before.metadata.uid } });
  }
  const obj = after ?? before;
  await respondObjects(ctx, t, 200, [obj], false, obj.metadata.resourceVersion ?? '');
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
