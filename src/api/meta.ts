/**
 * Kubernetes object shapes shared by every layer. Kept structural and minimal: a
 * `KubeObject` is what a cluster stores and returns, with typed metadata and the rest open.
 */

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

export interface ObjectMeta {
  name: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
  managedFields?: ManagedFieldsEntry[];
}

/** Any Kubernetes object: typed metadata, everything else open. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** Names one object. `namespace` is absent for cluster-scoped objects. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface GroupVersion {
  group: string;
  version: string;
}

/** `apps/v1` → `{group: 'apps', version: 'v1'}`; `v1` → `{group: '', version: 'v1'}`. */
export function splitApiVersion(apiVersion: string): GroupVersion {
  const slash = apiVersion.indexOf('/');
  if (slash < 0) return { group: '', version: apiVersion };
  return { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export function refOf(obj: KubeObject): ObjectRef {
  const ref: ObjectRef = { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name };
  if (obj.metadata.namespace) ref.namespace = obj.metadata.namespace;
  return ref;
}

/** `Kind/namespace/name` or `Kind/name`: the subject string Flux uses in change sets and messages. */
export function subjectOf(ref: ObjectRef): string {
  return ref.namespace ? `${ref.kind}/${ref.namespace}/${ref.name}` : `${ref.kind}/${ref.name}`;
}

/** A stable map key for an object: `group/Kind/namespace/name` (version-independent). */
export function keyOf(ref: ObjectRef): string {
  return `${splitApiVersion(ref.apiVersion).group}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

/**
 * The object without what long-lived holders (actors, indexes) never read: managedFields and
 * status. Objects from a cluster carry both, and they dominate memory at scale.
 */
export function slim(obj: KubeObject): KubeObject {
  const { managedFields: _mf, ...metadata } = obj.metadata;
  const { status: _s, ...rest } = obj;
  return { ...rest, metadata } as KubeObject;
}
