/** A resource moving through the pipeline, with the identities it had before renames. */
export type Obj = Record<string, any>;

export interface Resource {
  obj: Obj;
  /** Every name the resource had, oldest first (the current one last). */
  names: string[];
  /** Every namespace it had, oldest first. */
  namespaces: string[];
  /** Generated with a content-hash suffix still to add. */
  needsHash: boolean;
  /** Generator behavior (create/merge/replace) for generated objects. */
  behavior?: string;
  /** Prefixes and suffixes applied, used to disambiguate name references as kustomize does. */
  prefixes: string[];
  suffixes: string[];
  /** Where it came from (absolute paths), for buildMetadata originAnnotations. */
  origin?: { path?: string; configuredIn?: string; configuredBy?: string; configuredByName?: string; configuredByNamespace?: string };
  /**
   * The name at each of kustomize's "previous ids" (stored by the namespace, prefix, suffix and
   * hash transformers and by patches that may rename): name references only follow an object
   * that has one matching the old name.
   */
  prevNames?: string[];
  /** Transformers that ran over it, for buildMetadata transformerAnnotations (absolute paths). */
  transformations?: TransformerOrigin[];
  /** Kinds it had before a patch changed its kind (patches may still name it by them). */
  prevKinds?: string[];
  /** Names of the vars bound to this object (see vars.ts). */
  refVarNames?: string[];
  /** Fields that share one YAML node in kustomize (see aliases.ts). */
  aliases?: { paths: string[][]; value: string }[];
}

/** A transformer as kustomize's transformer annotations name it. */
export interface TransformerOrigin {
  configuredIn: string;
  apiVersion: string;
  kind: string;
  name?: string;
  namespace?: string;
}

export function gvkOf(o: Obj): { group: string; version: string; kind: string } {
  const av = String(o.apiVersion ?? '');
  const i = av.indexOf('/');
  return { group: i < 0 ? '' : av.slice(0, i), version: i < 0 ? av : av.slice(i + 1), kind: String(o.kind ?? '') };
}

export function nameOf(o: Obj): string {
  return String(o.metadata?.name ?? '');
}

export function namespaceOf(o: Obj): string {
  return String(o.metadata?.namespace ?? '');
}

/** Kinds kustomize treats as cluster-scoped (no namespace is set on them). */
export const CLUSTER_SCOPED = new Set([
  'APIService', 'CSIDriver', 'CSINode', 'CertificateSigningRequest', 'ClusterRole',
  'ClusterRoleBinding', 'ComponentStatus', 'CustomResourceDefinition', 'FlowSchema',
  'IngressClass', 'MutatingWebhookConfiguration', 'Namespace', 'Node', 'PersistentVolume',
  'PodSecurityPolicy', 'PriorityClass', 'PriorityLevelConfiguration', 'RuntimeClass',
  'SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'StorageClass', 'SubjectAccessReview',
  'TokenReview', 'ValidatingWebhookConfiguration', 'VolumeAttachment', 'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
]);

/** Cluster-scoped built-in kinds; a CRD may reuse a name like `Namespace` in its own group. */
export function isClusterScoped(o: Obj): boolean {
  const g = gvkOf(o);
  if (!CLUSTER_SCOPED.has(g.kind)) return false;
  return g.kind !== 'Namespace' || g.group === '';
}

/** Identity key: group/kind/namespace/name (version is not part of a resource's identity). */
export function idKey(o: Obj): string {
  const g = gvkOf(o);
  const ns = isClusterScoped(o) ? '' : namespaceOf(o);
  return `${g.group}|${g.kind}|${ns === 'default' ? '' : ns}|${nameOf(o)}`;
}

export function describe(o: Obj): string {
  const g = gvkOf(o);
  const ns = namespaceOf(o);
  return `${g.group ? g.group + '/' : ''}${g.version}, Kind=${g.kind}, ${ns ? ns + '/' : ''}${nameOf(o)}`;
}

/** Label and annotation values are strings in Kubernetes; kustomize coerces them on read. */
function stringifyMeta(obj: Obj): void {
  const m = obj.metadata;
  if (!m || typeof m !== 'object') return;
  for (const f of ['labels', 'annotations']) {
    const v = m[f];
    if (!v || typeof v !== 'object') continue;
    for (const [k, x] of Object.entries(v)) if (x !== null && typeof x !== 'string' && typeof x !== 'object') v[k] = String(x);
  }
}

export function newResource(obj: Obj): Resource {
  stringifyMeta(obj);
  return { obj, names: [nameOf(obj)], namespaces: [namespaceOf(obj)], needsHash: false, prefixes: [], suffixes: [] };
}

/** kustomize's StorePreviousId: remember the current name before a transformer may change the id. */
export function storePreviousId(r: Resource): void {
  (r.prevNames ??= []).push(nameOf(r.obj));
}

export function clone<T>(v: T): T {
  return structuredClone(v);
}
