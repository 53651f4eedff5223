/**
 * The Cluster port: everything fluxion asks of Kubernetes. Two implementations pass one
 * contract suite (`test/cluster/contract.ts`): `MemoryCluster` (the simulator) and
 * `KubeCluster` (the Kubernetes client library). Errors are `ApiError`s shaped like the API
 * server's Status (404 NotFound, 409 Conflict/AlreadyExists, 422 Invalid, 410 Gone…).
 */
import type { KubeObject, ObjectRef } from '../api/meta.js';

/** What the cluster knows about a kind (from CRDs or built-ins). */
export interface ResourceInfo {
  group: string;
  version: string;
  kind: string;
  /** Lower-case plural, as in URLs: `deployments`. */
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** True when the kind has a status subresource (spec changes alone bump generation). */
  statusSubresource: boolean;
  scaleSubresource?: boolean;
}

/** Label selector in kubectl syntax (`a=b,c!=d,e in (f,g),!h`) or as a match-labels map. */
export type LabelSelector = string | Record<string, string>;

export interface ListQuery {
  apiVersion: string;
  kind: string;
  /** Omit for all namespaces (or for cluster-scoped kinds). */
  namespace?: string;
  labelSelector?: LabelSelector;
  /** `metadata.name=x,metadata.namespace=y` style; only metadata fields are required. */
  fieldSelector?: string;
}

export interface ListResult {
  items: KubeObject[];
  /** The collection's resourceVersion: watch from here to see every later change. */
  resourceVersion: string;
}

export interface ApplyOptions {
  /** Required: the field manager that owns the applied fields (Flux: `kustomize-controller`). */
  fieldManager: string;
  /** Take ownership of fields another manager owns instead of failing with 409. */
  force?: boolean;
  /** Compute and return the result without persisting it. */
  dryRun?: boolean;
}

export interface WriteOptions {
  fieldManager?: string;
  dryRun?: boolean;
}

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

export interface DeleteOptions {
  propagationPolicy?: PropagationPolicy;
  dryRun?: boolean;
  /** Delete only if the object still has this uid / resourceVersion. */
  preconditions?: { uid?: string; resourceVersion?: string };
}

export type PatchType = 'merge' | 'json' | 'strategic';

export interface WatchQuery extends Omit<ListQuery, 'apiVersion' | 'kind'> {
  apiVersion: string;
  kind: string;
  /** Start after this resourceVersion; omitted = start with ADDED events for every existing object. */
  resourceVersion?: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent {
  type: WatchEventType;
  object: KubeObject;
}

export interface Watch {
  /** Stops delivery; idempotent. */
  stop(): void;
  /** Resolves when the watch ends (stopped, or closed by the server: then the caller re-watches). */
  readonly done: Promise<void>;
}

export interface KubeEvent {
  involvedObject: ObjectRef & { uid?: string; resourceVersion?: string };
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** Component that reports it, e.g. `kustomize-controller`. */
  reportingController: string;
  annotations?: Record<string, string>;
}

export interface Cluster {
  /** Discovery: what the cluster knows about `apiVersion`/`kind`, or undefined. */
  resourceFor(apiVersion: string, kind: string): Promise<ResourceInfo | undefined>;
  /** Every kind the cluster serves. */
  resources(): Promise<ResourceInfo[]>;

  /** The object, or undefined when it does not exist. */
  get(ref: ObjectRef): Promise<KubeObject | undefined>;
  list(query: ListQuery): Promise<ListResult>;

  create(obj: KubeObject, options?: WriteOptions): Promise<KubeObject>;
  /** Replace; fails with 409 when `metadata.resourceVersion` is set and stale. */
  update(obj: KubeObject, options?: WriteOptions): Promise<KubeObject>;
  patch(ref: ObjectRef, patch: unknown, type: PatchType, options?: WriteOptions & { subresource?: 'status' | 'scale' }): Promise<KubeObject>;
  /** Server-side apply of a (partial) object, with field ownership. */
  apply(obj: KubeObject, options: ApplyOptions): Promise<KubeObject>;
  /** Returns the object as it is after the call (with deletionTimestamp when finalizers hold it), or undefined when gone. */
  delete(ref: ObjectRef, options?: DeleteOptions): Promise<KubeObject | undefined>;

  /** Replace the status subresource (spec and metadata untouched; generation not bumped). */
  updateStatus(obj: KubeObject, options?: WriteOptions): Promise<KubeObject>;

  watch(query: WatchQuery, onEvent: (event: WatchEvent) => void): Promise<Watch>;

  /** Record a Kubernetes Event (core/v1 Event, de-duplicated by involved object + reason + message). */
  recordEvent(event: KubeEvent): Promise<void>;

  /**
   * A view of the cluster acting as a service account (`Impersonate-User:
   * system:serviceaccount:NS:NAME`), for `spec.serviceAccountName`: the API server's RBAC then
   * decides what the reconcile may do. Absent where there is nothing to impersonate against.
   */
  impersonate?(serviceAccount: { namespace: string; name: string }): Cluster;

  /** A container's log (the `pods/log` subresource), where the cluster runs containers. */
  podLogs?(pod: { namespace: string; name: string }, options?: PodLogOptions): Promise<string>;
}

export interface PodLogOptions {
  /** Default: the pod's only container (the API server's rule). */
  container?: string;
  tailLines?: number;
  sinceSeconds?: number;
}
