/** kustomize's "legacy" output order: fixed kinds first and last, then by group/version/kind, namespace, name. */
import type { Resource } from './resource.js';
import { gvkOf, nameOf, namespaceOf } from './resource.js';

export const DEFAULT_ORDER_FIRST = [
  'Namespace', 'ResourceQuota', 'StorageClass', 'CustomResourceDefinition', 'ServiceAccount',
  'PodSecurityPolicy', 'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'ConfigMap',
  'Secret', 'Endpoints', 'Service', 'LimitRange', 'PriorityClass', 'PersistentVolume',
  'PersistentVolumeClaim', 'Deployment', 'StatefulSet', 'CronJob', 'PodDisruptionBudget',
];
export const DEFAULT_ORDER_LAST = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];

function gvkString(g: { group: string; version: string; kind: string }): string {
  return `${g.group || '~G'}_${g.version || '~V'}_${g.kind || '~K'}`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts as kustomize's legacy order does (a copy; the input is not changed). */
export function legacySort(list: Resource[], orderFirst = DEFAULT_ORDER_FIRST, orderLast = DEFAULT_ORDER_LAST): Resource[] {
  const rank = new Map<string, number>();
  orderFirst.forEach((k, i) => rank.set(k, -orderFirst.length + i));
  orderLast.forEach((k, i) => rank.set(k, 1 + i));
  const keyed = list.map((r) => {
    const g = gvkOf(r.obj);
    const gs = gvkString(g);
    return {
      r,
      kind: g.kind,
      group: g.group,
      rank: rank.get(g.kind) ?? 0,
      gvk: gs,
      id: `${gs}|${namespaceOf(r.obj) || '~X'}|${nameOf(r.obj) || '~N'}`,
    };
  });
  keyed.sort((a, b) => {
    if (a.gvk !== b.gvk) {
      if (a.rank !== b.rank) return a.rank - b.rank;
      if (a.kind === 'Namespace' && b.kind === 'Namespace' && (a.group === '' || b.group === '')) return -cmp(a.gvk, b.gvk);
      return cmp(a.gvk, b.gvk);
    }
    return cmp(a.id, b.id);
  });
  return keyed.map((k) => k.r);
}
