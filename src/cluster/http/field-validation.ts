/**
 * Server-side field validation (`?fieldValidation=Strict|Warn|Ignore`, kubectl sends Strict):
 * unknown fields at the top level of an object and in its metadata. Deeper levels are not
 * checked (the simulator has no built-in schemas); CRD kinds use their schema's top-level
 * properties. Strict fails as kube-apiserver does, Warn answers with a `Warning` header.
 */
import type { ServerResponse } from 'node:http';
import type { KubeObject } from '../../api/meta.js';
import { ApiError } from '../errors.js';
import type { ResourceInfo } from '../types.js';

const META = new Set([
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields',
]);

const SPEC_STATUS = ['spec', 'status'];
const TOP: Record<string, string[]> = {
  '/ConfigMap': ['data', 'binaryData', 'immutable'],
  '/Secret': ['data', 'stringData', 'type', 'immutable'],
  '/ServiceAccount': ['secrets', 'imagePullSecrets', 'automountServiceAccountToken'],
  '/Endpoints': ['subsets'],
  '/Namespace': SPEC_STATUS,
  '/Service': SPEC_STATUS,
  '/Pod': SPEC_STATUS,
  '/PersistentVolumeClaim': SPEC_STATUS,
  '/PersistentVolume': SPEC_STATUS,
  '/ReplicationController': SPEC_STATUS,
  '/ResourceQuota': SPEC_STATUS,
  '/LimitRange': ['spec'],
  '/Node': SPEC_STATUS,
  'apps/Deployment': SPEC_STATUS,
  'apps/StatefulSet': SPEC_STATUS,
  'apps/DaemonSet': SPEC_STATUS,
  'apps/ReplicaSet': SPEC_STATUS,
  'apps/ControllerRevision': ['data', 'revision'],
  'batch/Job': SPEC_STATUS,
  'batch/CronJob': SPEC_STATUS,
  'rbac.authorization.k8s.io/Role': ['rules'],
  'rbac.authorization.k8s.io/ClusterRole': ['rules', 'aggregationRule'],
  'rbac.authorization.k8s.io/RoleBinding': ['subjects', 'roleRef'],
  'rbac.authorization.k8s.io/ClusterRoleBinding': ['subjects', 'roleRef'],
  'networking.k8s.io/Ingress': SPEC_STATUS,
  'networking.k8s.io/IngressClass': ['spec'],
  'networking.k8s.io/NetworkPolicy': SPEC_STATUS,
  'policy/PodDisruptionBudget': SPEC_STATUS,
  'coordination.k8s.io/Lease': ['spec'],
  'apiextensions.k8s.io/CustomResourceDefinition': SPEC_STATUS,
  'scheduling.k8s.io/PriorityClass': ['value', 'globalDefault', 'description', 'preemptionPolicy'],
  'storage.k8s.io/StorageClass': ['provisioner', 'parameters', 'reclaimPolicy', 'mountOptions', 'allowVolumeExpansion', 'volumeBindingMode', 'allowedTopologies'],
  'autoscaling/HorizontalPodAutoscaler': SPEC_STATUS,
};

/** The top-level fields a kind declares, or undefined when anything goes. */
function declaredTop(info: ResourceInfo, crd: KubeObject | undefined): Set<string> | undefined {
  if (crd) {
    const versions = (crd.spec as { versions?: { name: string; schema?: { openAPIV3Schema?: Record<string, unknown> } }[] }).versions ?? [];
    const schema = versions.find((v) => v.name === info.version)?.schema?.openAPIV3Schema;
    if (!schema || schema['x-kubernetes-preserve-unknown-fields'] === true || typeof schema.properties !== 'object' || schema.properties === null) return undefined;
    return new Set(['apiVersion', 'kind', 'metadata', ...Object.keys(schema.properties)]);
  }
  const extra = TOP[`${info.group}/${info.kind}`];
  return extra ? new Set(['apiVersion', 'kind', 'metadata', ...extra]) : undefined;
}

/** Unknown field paths of an object (or of a patch shaped like one), as kube names them. */
export function unknownFields(obj: Record<string, unknown>, info: ResourceInfo, crd: KubeObject | undefined): string[] {
  const out: string[] = [];
  const top = declaredTop(info, crd);
  if (top) for (const key of Object.keys(obj)) if (!key.startsWith('$') && !top.has(key)) out.push(key);
  const meta = obj.metadata;
  if (meta && typeof meta === 'object' && !Array.isArray(meta)) {
    for (const key of Object.keys(meta)) if (!key.startsWith('$') && !META.has(key)) out.push(`metadata.${key}`);
  }
  return out;
}

/** Appends a `Warning: 299 - "…"` header, which kubectl prints on stderr. */
export function addWarning(res: ServerResponse, message: string): void {
  const value = `299 - "${message.replace(/["\\]/g, (c) => `\\${c}`)}"`;
  const existing = res.getHeader('Warning');
  res.setHeader('Warning', existing === undefined ? value : [...(Array.isArray(existing) ? existing : [String(existing)]), value]);
}

/** Applies the request's `fieldValidation` directive to a body. */
export function checkFields(res: ServerResponse, directive: string | null, obj: unknown, info: ResourceInfo, crd: KubeObject | undefined): void {
  if (directive === 'Ignore' || !obj || typeof obj !== 'object' || Array.isArray(obj)) return;
  const unknown = unknownFields(obj as Record<string, unknown>, info, crd);
  if (!unknown.length) return;
  if (directive === 'Strict') {
    const list = unknown.map((f) => `unknown field "${f}"`).join(', ');
    throw new ApiError(400, 'BadRequest', `${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: strict decoding error: ${list}`);
  }
  for (const f of unknown) addWarning(res, `unknown field "${f}"`);
}
