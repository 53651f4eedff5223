/**
 * The Cluster port over a real Kubernetes API server, through @kubernetes/client-node.
 * Objects travel as raw JSON; apply is server-side apply (`application/apply-patch+yaml`,
 * `fieldManager`, `force`), dry runs are `dryRun=All`; kinds are resolved by discovery;
 * watches reconnect and relist by themselves (see informer-watch.ts); requests are rate
 * limited like client-go's; `impersonate()` gives a view acting as a service account, as
 * Flux does for `spec.serviceAccountName`.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { Clock } from '../../api/clock.js';
import { systemClock } from '../../api/clock.js';
import type { KubeObject, ObjectRef } from '../../api/meta.js';
import { ApiError, isApiError } from '../errors.js';
import { formatLabelSelector, parseLabelSelector } from '../selectors.js';
import type {
  ApplyOptions,
  Cluster,
  DeleteOptions,
  KubeEvent,
  LabelSelector,
  ListQuery,
  ListResult,
  PatchType,
  PodLogOptions,
  ResourceInfo,
  Watch,
  WatchEvent,
  WatchQuery,
  WriteOptions,
} from '../types.js';
import { Discovery } from './discovery.js';
import { EventRecorder } from './event-recorder.js';
import type { WatchBackoff } from './informer-watch.js';
import { resilientWatch } from './informer-watch.js';
import { TokenBucket } from './rate-limiter.js';
import type { RequestDescription } from './status-error.js';
import type { Query, RequestOptions } from './transport.js';
import { Transport } from './transport.js';

/** Flux's controller defaults for `--kube-api-qps` / `--kube-api-burst` (fluxcd/pkg runtime/client). */
export const DEFAULT_QPS = 50;
export const DEFAULT_BURST = 100;

export interface KubeClusterOptions {
  kubeConfig: KubeConfig;
  /** Clock for rate limiting, watch backoff and Event timestamps. Default: the system clock. */
  clock?: Clock;
  /** Client-side queries per second (default 50, as Flux); `<= 0` disables limiting. */
  qps?: number;
  /** Client-side burst (default 100, as Flux). */
  burst?: number;
  /** Namespace for namespaced objects that name none (default: the context's, else `default`). */
  defaultNamespace?: string;
  watchBackoff?: WatchBackoff;
  /** `reportingInstance` of recorded Events (e.g. the pod name). */
  instance?: string;
}

/** A service account to act as: `Impersonate-User: system:serviceaccount:<namespace>:<name>`. */
export interface ServiceAccountRef {
  namespace: string;
  name: string;
}

interface Shared {
  transport: Transport;
  discovery: Discovery;
  clock: Clock;
  defaultNamespace: string;
  watchBackoff: WatchBackoff | undefined;
  events: EventRecorder;
}

interface Target {
  info: ResourceInfo;
  namespace: string | undefined;
  /** Collection path: `/apis/apps/v1/namespaces/x/deployments`. */
  collection: string;
}

const PATCH_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
};

const APPLY_PATCH = 'application/apply-patch+yaml';
const enc = encodeURIComponent;

function selectorString(selector: LabelSelector | undefined): string | undefined {
  if (selector === undefined) return undefined;
  if (typeof selector === 'string') return selector || undefined;
  return formatLabelSelector(parseLabelSelector(selector)) || undefined;
}

export class KubeCluster implements Cluster {
  private readonly s: Shared;
  private readonly headers: Record<string, string>;

  constructor(options: KubeClusterOptions);
  /** @internal a view sharing transport, discovery and limiter. */
  constructor(options: Shared, headers: Record<string, string>);
  constructor(options: KubeClusterOptions | Shared, headers: Record<string, string> = {}) {
    this.headers = headers;
    if ('transport' in options) {
      this.s = options;
      return;
    }
    const clock = options.clock ?? systemClock;
    const limiter = new TokenBucket({ qps: options.qps ?? DEFAULT_QPS, burst: options.burst ?? DEFAULT_BURST, clock });
    const transport = new Transport(options.kubeConfig, limiter);
    const contextNs = options.kubeConfig.getContextObject(options.kubeConfig.getCurrentContext())?.namespace;
    this.s = {
      transport,
      discovery: new Discovery((path) => transport.request({ method: 'GET', path, describe: { verb: 'get', path } })),
      clock,
      defaultNamespace: options.defaultNamespace ?? (contextNs || 'default'),
      watchBackoff: options.watchBackoff,
      events: new EventRecorder(clock, options.instance),
    };
  }

  /** The API server's URL. */
  get server(): string {
    return this.s.transport.server;
  }

  /** Namespace used for namespaced objects that name none (the context's, else `default`). */
  get defaultNamespace(): string {
    return this.s.defaultNamespace;
  }

  /** The client-side rate limiter (shared by every impersonated view). */
  get limiter(): TokenBucket {
    return this.s.transport.limiter;
  }

  /** The log of a container of a pod (`GET …/pods/NAME/log`), as text. */
  async podLogs(pod: { namespace: string; name: string }, options: PodLogOptions = {}): Promise<string> {
    const path = `/api/v1/namespaces/${encodeURIComponent(pod.namespace)}/pods/${encodeURIComponent(pod.name)}/log`;
    const text = await this.s.transport.request({
      method: 'GET',
      path,
      query: { container: options.container, tailLines: options.tailLines, sinceSeconds: options.sinceSeconds },
      headers: this.headers,
      responseType: 'text',
      describe: { verb: 'get', path, resource: 'pods/log', group: '', namespace: pod.namespace, name: pod.name },
    });
    return typeof text === 'string' ? text : '';
  }

  /** A view of this cluster that acts as the service account (Flux's `spec.serviceAccountName`). */
  impersonate(serviceAccount: ServiceAccountRef): KubeCluster {
    return new KubeCluster(this.s, { ...this.headers, 'Impersonate-User': `system:serviceaccount:${serviceAccount.namespace}:${serviceAccount.name}` });
  }

  // ---- discovery ------------------------------------------------------------------------

  resourceFor(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    return this.s.discovery.resourceFor(apiVersion, kind);
  }

  resources(): Promise<ResourceInfo[]> {
    return this.s.discovery.resources();
  }

  private async target(apiVersion: string, kind: string, namespace: string | undefined, forList = false): Promise<Target> {
    const info = await this.s.discovery.resourceFor(apiVersion, kind);
    if (!info) throw new ApiError(404, 'NotFound', `the server could not find the requested resource (${kind}.${apiVersion})`, { kind });
    const base = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
    const ns = info.namespaced ? namespace || (forList ? undefined : this.s.defaultNamespace) : undefined;
    return { info, namespace: ns, collection: ns ? `${base}/namespaces/${enc(ns)}/${info.plural}` : `${base}/${info.plural}` };
  }

  private describe(t: Target, verb: string, path: string, name?: string, subresource?: string): RequestDescription {
    const d: RequestDescription = { verb, resource: subresource ? `${t.info.plural}/${subresource}` : t.info.plural, group: t.info.group, path };
    if (t.namespace) d.namespace = t.namespace;
    if (name) d.name = name;
    return d;
  }

  private async send(o: Omit<RequestOptions, 'headers'>, apiVersion?: string): Promise<unknown> {
    try {
      return await this.s.transport.request({ ...o, headers: this.headers });
    } catch (err) {
      // "the server could not find the requested resource": the kind went away; rediscover next time.
      if (apiVersion && isApiError(err, 404) && !err.details?.name) this.s.discovery.invalidate(apiVersion);
      throw err;
    }
  }

  private async object(o: Omit<RequestOptions, 'headers'>, apiVersion: string, kind: string): Promise<KubeObject> {
    const out = (await this.send(o, apiVersion)) as KubeObject;
    return withTypeMeta(out, apiVersion, kind);
  }

  // ---- reads ----------------------------------------------------------------------------

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    const t = await this.target(ref.apiVersion, ref.kind, ref.namespace);
    const path = `${t.collection}/${enc(ref.name)}`;
    try {
      return await this.object({ method: 'GET', path, describe: this.describe(t, 'get', path, ref.name) }, ref.apiVersion, ref.kind);
    } catch (err) {
      if (isApiError(err, 404) && err.details?.name !== undefined) return undefined;
      if (isApiError(err, 404) && (await this.s.discovery.resourceFor(ref.apiVersion, ref.kind))) return undefined;
      throw err;
    }
  }

  async list(query: ListQuery): Promise<ListResult> {
    const t = await this.target(query.apiVersion, query.kind, query.namespace, true);
    const items: KubeObject[] = [];
    let resourceVersion = '';
    let cont: string | undefined;
    do {
      const q: Query = { labelSelector: selectorString(query.labelSelector), fieldSelector: query.fieldSelector || undefined, limit: 500, continue: cont };
      const page = (await this.send({ method: 'GET', path: t.collection, query: q, describe: this.describe(t, 'list', t.collection) }, query.apiVersion)) as {
        items?: KubeObject[];
        metadata?: { resourceVersion?: string; continue?: string };
      };
      for (const item of page.items ?? []) items.push(withTypeMeta(item, query.apiVersion, query.kind));
      if (!resourceVersion) resourceVersion = page.metadata?.resourceVersion ?? '';
      cont = page.metadata?.continue || undefined;
    } while (cont);
    return { items, resourceVersion };
  }

  // ---- writes ---------------------------------------------------------------------------

  async create(obj: KubeObject, options: WriteOptions = {}): Promise<KubeObject> {
    const t = await this.target(obj.apiVersion, obj.kind, obj.metadata?.namespace);
    const body = t.namespace && !obj.metadata.namespace ? { ...obj, metadata: { ...obj.metadata, namespace: t.namespace } } : obj;
    return this.object(
      { method: 'POST', path: t.collection, query: writeQuery(options), body, describe: this.describe(t, 'create', t.collection, obj.metadata?.name) },
      obj.apiVersion,
      obj.kind,
    );
  }

  async update(obj: KubeObject, options: WriteOptions = {}): Promise<KubeObject> {
    return this.put(obj, options);
  }

  async updateStatus(obj: KubeObject, options: WriteOptions = {}): Promise<KubeObject> {
    return this.put(obj, options, 'status');
  }

  private async put(obj: KubeObject, options: WriteOptions, subresource?: 'status'): Promise<KubeObject> {
    const t = await this.target(obj.apiVersion, obj.kind, obj.metadata?.namespace);
    const path = `${t.collection}/${enc(obj.metadata.name)}${subresource ? `/${subresource}` : ''}`;
    const body = t.namespace && !obj.metadata.namespace ? { ...obj, metadata: { ...obj.metadata, namespace: t.namespace } } : obj;
    return this.object(
      { method: 'PUT', path, query: writeQuery(options), body, describe: this.describe(t, 'update', path, obj.metadata.name, subresource) },
      obj.apiVersion,
      obj.kind,
    );
  }

  async patch(ref: ObjectRef, patch: unknown, type: PatchType, options: WriteOptions & { subresource?: 'status' | 'scale' } = {}): Promise<KubeObject> {
    const t = await this.target(ref.apiVersion, ref.kind, ref.namespace);
    const path = `${t.collection}/${enc(ref.name)}${options.subresource ? `/${options.subresource}` : ''}`;
    const o = { method: 'PATCH' as const, path, query: writeQuery(options), body: patch, contentType: PATCH_TYPES[type], describe: this.describe(t, 'patch', path, ref.name, options.subresource) };
    // The scale subresource answers with an autoscaling/v1 Scale, not the object.
    if (options.subresource === 'scale') return (await this.send(o, ref.apiVersion)) as KubeObject;
    return this.object(o, ref.apiVersion, ref.kind);
  }

  async apply(obj: KubeObject, options: ApplyOptions): Promise<KubeObject> {
    if (!options?.fieldManager) throw new ApiError(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    const t = await this.target(obj.apiVersion, obj.kind, obj.metadata?.namespace);
    if (!obj.metadata?.name) throw new ApiError(422, 'Invalid', 'metadata.name: Required value: name is required');
    const path = `${t.collection}/${enc(obj.metadata.name)}`;
    const body = t.namespace && !obj.metadata.namespace ? { ...obj, metadata: { ...obj.metadata, namespace: t.namespace } } : obj;
    const query: Query = { fieldManager: options.fieldManager, force: options.force ? true : undefined, dryRun: options.dryRun ? 'All' : undefined };
    return this.object({ method: 'PATCH', path, query, body, contentType: APPLY_PATCH, describe: this.describe(t, 'patch', path, obj.metadata.name) }, obj.apiVersion, obj.kind);
  }

  async delete(ref: ObjectRef, options: DeleteOptions = {}): Promise<KubeObject | undefined> {
    const t = await this.target(ref.apiVersion, ref.kind, ref.namespace);
    const path = `${t.collection}/${enc(ref.name)}`;
    const body: Record<string, unknown> = { apiVersion: 'v1', kind: 'DeleteOptions' };
    if (options.propagationPolicy) body.propagationPolicy = options.propagationPolicy;
    if (options.dryRun) body.dryRun = ['All'];
    if (options.preconditions && (options.preconditions.uid || options.preconditions.resourceVersion)) body.preconditions = { ...options.preconditions };
    const query: Query = { propagationPolicy: options.propagationPolicy, dryRun: options.dryRun ? 'All' : undefined };
    const out = (await this.send({ method: 'DELETE', path, query, body, describe: this.describe(t, 'delete', path, ref.name) }, ref.apiVersion)) as KubeObject | { kind?: string } | undefined;
    if (!out || out.kind === 'Status') return undefined;
    const obj = withTypeMeta(out as KubeObject, ref.apiVersion, ref.kind);
    // A dry run returns the object as it would be deleted; otherwise only an object held by
    // finalizers (deletionTimestamp set) still exists.
    if (options.dryRun) return obj;
    return obj.metadata?.deletionTimestamp && (obj.metadata.finalizers ?? []).length ? obj : undefined;
  }

  // ---- watch ----------------------------------------------------------------------------

  async watch(query: WatchQuery, onEvent: (event: WatchEvent) => void): Promise<Watch> {
    const t = await this.target(query.apiVersion, query.kind, query.namespace, true);
    const labelSelector = selectorString(query.labelSelector);
    const describe = this.describe(t, 'watch', t.collection);
    return resilientWatch({
      clock: this.s.clock,
      ...(this.s.watchBackoff ? { backoff: this.s.watchBackoff } : {}),
      ...(query.resourceVersion !== undefined ? { resourceVersion: query.resourceVersion } : {}),
      source: {
        list: () => this.list({ apiVersion: query.apiVersion, kind: query.kind, ...(t.namespace ? { namespace: t.namespace } : {}), ...(query.labelSelector !== undefined ? { labelSelector: query.labelSelector } : {}), ...(query.fieldSelector ? { fieldSelector: query.fieldSelector } : {}) }),
        open: (resourceVersion, onRaw, onClose) =>
          this.s.transport.watch(
            t.collection,
            {
              labelSelector,
              fieldSelector: query.fieldSelector || undefined,
              resourceVersion: resourceVersion || undefined,
              allowWatchBookmarks: true,
              // As client-go's reflector: the server ends the stream after 5–10 minutes, so a
              // silently dead connection is replaced without waiting for TCP to notice.
              timeoutSeconds: 300 + Math.floor(Math.random() * 300),
            },
            this.headers,
            describe,
            {
              onEvent: (type, object) => onRaw(type, type === 'ERROR' ? object : withTypeMeta(object as KubeObject, query.apiVersion, query.kind)),
              onClose,
            },
          ),
      },
      onEvent,
    });
  }

  // ---- events ---------------------------------------------------------------------------

  recordEvent(event: KubeEvent): Promise<void> {
    return this.s.events.record(this, event);
  }
}

function writeQuery(options: WriteOptions): Query {
  return { fieldManager: options.fieldManager || undefined, dryRun: options.dryRun ? 'All' : undefined };
}

/** List items and some responses come without apiVersion/kind; the port always carries them. */
function withTypeMeta(obj: KubeObject, apiVersion: string, kind: string): KubeObject {
  if (!obj || typeof obj !== 'object') return obj;
  if (obj.apiVersion && obj.kind) return obj;
  return { ...obj, apiVersion: obj.apiVersion || apiVersion, kind: obj.kind || kind } as KubeObject;
}

