/** What every resource verb shares: the request, body parsing, object rendering (JSON or Table). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import type { KubeObject, ObjectRef } from '../../api/meta.js';
import { ApiError } from '../errors.js';
import type { MemoryCluster } from '../memory/memory-cluster.js';
import type { ResourceTarget } from './request.js';
import { managerFromUserAgent, wantsTable } from './request.js';
import type { IncludeObject, Printer } from './table.js';
import { printerFor, toTable } from './table.js';

export type Json = Record<string, unknown>;
export const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  query: URLSearchParams;
  body: string;
  cluster: MemoryCluster;
  /** Registers a cleanup run when the server closes (open watches). */
  onClose(fn: () => void): () => void;
  /** Container logs, when the server was given them (see ServeOptions.podLogs). */
  podLogs?: (namespace: string, pod: string, container: string) => string | undefined;
  /** Set when the served resource is a view of another (events.k8s.io over core Events). */
  view?: { target: ResourceTarget; out(obj: KubeObject): KubeObject; in(obj: KubeObject): KubeObject };
}

/** Writes a JSON response with its length. */
export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** `deployments.apps "x" not found`, as kube-apiserver words it. */
export const notFound = (t: ResourceTarget, name: string): ApiError =>
  new ApiError(404, 'NotFound', `${t.info.group ? `${t.info.plural}.${t.info.group}` : t.info.plural} "${name}" not found`, { name, group: t.info.group, kind: t.info.plural });

export const badRequest = (message: string): ApiError => new ApiError(400, 'BadRequest', message);

/** The object a request names (namespaced kinds default to `default`). */
export function refOf(t: ResourceTarget, name: string): ObjectRef {
  const ref: ObjectRef = { apiVersion: t.groupVersion, kind: t.info.kind, name };
  if (t.info.namespaced) ref.namespace = t.namespace ?? 'default';
  return ref;
}

/** JSON, or YAML where the media type allows it (apply patches). */
export function parseBody(body: string, yaml = false): unknown {
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

/** `dryRun=All` in the query or in DeleteOptions. */
export const dryRunOf = (q: URLSearchParams, body?: Json): boolean => q.getAll('dryRun').includes('All') || (Array.isArray(body?.dryRun) && body.dryRun.includes('All'));

/** The autoscaling/v1 Scale of an object with a scale subresource. */
export function scaleOf(obj: KubeObject): Json {
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

/** The CRD that defines a kind, or undefined for built-in kinds. */
export async function crdOf(ctx: RequestContext, t: ResourceTarget): Promise<KubeObject | undefined> {
  if (!t.info.group.includes('.')) return undefined;
  const crd = await ctx.cluster.get({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: `${t.info.plural}.${t.info.group}` });
  return crd && (crd.spec as { names?: { kind?: string } } | undefined)?.names?.kind === t.info.kind ? crd : undefined;
}

export async function printer(ctx: RequestContext, t: ResourceTarget): Promise<Printer> {
  return printerFor(t.info, await crdOf(ctx, t));
}

/** `includeObject` of a Table request (default: PartialObjectMetadata). */
export const includeOf = (q: URLSearchParams): IncludeObject => {
  const v = q.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
};

/** Renders objects as the client asked: a Table, a `<Kind>List`, or the object. */
export async function respondObjects(ctx: RequestContext, stored: ResourceTarget, code: number, storedObjects: KubeObject[], list: boolean, resourceVersion: string): Promise<void> {
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
export function objectBody(ctx: RequestContext, t: ResourceTarget, name?: string): KubeObject {
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

/** `fieldManager`, else the User-Agent prefix, as kube-apiserver defaults it. */
export const managerOf = (ctx: RequestContext): string => ctx.query.get('fieldManager') || managerFromUserAgent(ctx.req.headers['user-agent']);

/** Sets replicas through the scale subresource and answers with the Scale. */
export async function scaleTo(ctx: RequestContext, t: ResourceTarget, name: string, replicas: number, dryRun: boolean, fieldManager: string): Promise<void> {
  await ctx.cluster.patch(refOf(t, name), { spec: { replicas } }, 'merge', { subresource: 'scale', fieldManager, dryRun });
  const obj = await ctx.cluster.get(refOf(t, name));
  if (!obj) throw notFound(t, name);
  const scale = scaleOf(obj);
  if (dryRun) (scale.spec as Json).replicas = replicas;
  sendJson(ctx.res, 200, scale);
}
