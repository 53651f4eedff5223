/**
 * Discovery documents as kube-apiserver serves them: `/api`, `/apis`, and one
 * `APIResourceList` per group version, built from what the cluster reports it serves.
 */
import type { ResourceInfo } from '../types.js';
import { isReview } from './reviews.js';

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;
const SUB_VERBS = ['get', 'patch', 'update'] as const;

/** Kubernetes version priority: GA before beta before alpha, higher numbers first, others last by name. */
export function compareVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number] | undefined => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return undefined;
    return [m[2] === undefined ? 2 : m[2] === 'beta' ? 1 : 0, Number(m[1]), Number(m[3] ?? 0)];
  };
  const ra = rank(a);
  const rb = rank(b);
  if (!ra || !rb) return ra ? -1 : rb ? 1 : a.localeCompare(b);
  for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return (rb[i] as number) - (ra[i] as number);
  return 0;
}

/** Group → its versions, preferred first; the core group ('') is left out (it lives at /api). */
export function groupVersions(resources: readonly ResourceInfo[]): Map<string, string[]> {
  const groups = new Map<string, Set<string>>();
  for (const r of resources) {
    if (!r.group) continue;
    let set = groups.get(r.group);
    if (!set) groups.set(r.group, (set = new Set()));
    set.add(r.version);
  }
  const out = new Map<string, string[]>();
  for (const [g, vs] of groups) out.set(g, [...vs].sort(compareVersions));
  return out;
}

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function groupDoc(group: string, versions: string[]): Record<string, unknown> {
  const gvs = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { name: group, versions: gvs, preferredVersion: gvs[0] };
}

export function apiGroupList(resources: readonly ResourceInfo[]): Record<string, unknown> {
  const groups = [...groupVersions(resources)].map(([g, vs]) => groupDoc(g, vs));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function apiGroup(resources: readonly ResourceInfo[], group: string): Record<string, unknown> | undefined {
  const vs = groupVersions(resources).get(group);
  return vs ? { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(group, vs) } : undefined;
}

export function apiResourceList(resources: readonly ResourceInfo[], group: string, version: string): Record<string, unknown> | undefined {
  const mine = resources.filter((r) => r.group === group && r.version === version);
  if (!mine.length) return undefined;
  const list: Record<string, unknown>[] = [];
  for (const r of mine.sort((a, b) => a.plural.localeCompare(b.plural))) {
    const entry: Record<string, unknown> = { name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: isReview(r) ? ['create'] : [...VERBS] };
    if (r.shortNames?.length) entry.shortNames = r.shortNames;
    if (r.categories?.length) entry.categories = r.categories;
    list.push(entry);
    if (r.statusSubresource) list.push({ name: `${r.plural}/status`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: [...SUB_VERBS] });
    if (r.group === '' && r.kind === 'Pod') {
      list.push({ name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] });
      for (const sub of ['attach', 'exec', 'portforward']) list.push({ name: `pods/${sub}`, singularName: '', namespaced: true, kind: `Pod${sub === 'portforward' ? 'PortForward' : sub[0]?.toUpperCase() + sub.slice(1)}Options`, verbs: ['create', 'get'] });
    }
    if (r.scaleSubresource) list.push({ name: `${r.plural}/scale`, singularName: '', namespaced: r.namespaced, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: [...SUB_VERBS] });
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources: list };
}

/** The media type of aggregated discovery (`apidiscovery.k8s.io/v2`), when the client accepts it. */
export const AGGREGATED_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

export function wantsAggregated(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((part) => {
    const params = part.split(';').map((p) => p.trim());
    return params.includes('g=apidiscovery.k8s.io') && params.includes('v=v2') && params.includes('as=APIGroupDiscoveryList');
  });
}

/**
 * Aggregated discovery: every group (`/apis`) or the core group (`/api`) with all its versions
 * and resources in one document, saving clients one request per group version.
 */
export function aggregatedDiscovery(resources: readonly ResourceInfo[], core: boolean): Record<string, unknown> {
  const groups = core ? new Map([['', ['v1']]]) : groupVersions(resources);
  const items = [...groups].map(([group, versions]) => ({
    metadata: group ? { name: group } : {},
    versions: versions.map((version) => ({
      version,
      freshness: 'Current',
      resources: resources
        .filter((r) => r.group === group && r.version === version)
        .sort((a, b) => a.plural.localeCompare(b.plural))
        .map((r) => {
          const entry: Record<string, unknown> = {
            resource: r.plural,
            responseKind: { group, version, kind: r.kind },
            scope: r.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: r.singular,
            verbs: isReview(r) ? ['create'] : [...VERBS],
          };
          if (r.shortNames?.length) entry.shortNames = r.shortNames;
          if (r.categories?.length) entry.categories = r.categories;
          const subresources: Record<string, unknown>[] = [];
          if (r.statusSubresource) subresources.push({ subresource: 'status', responseKind: { group, version, kind: r.kind }, verbs: [...SUB_VERBS] });
          if (r.scaleSubresource) subresources.push({ subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: [...SUB_VERBS] });
          if (subresources.length) entry.subresources = subresources;
          return entry;
        }),
    })),
  }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}
