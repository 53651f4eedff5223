/** Whether every Flux object in the simulator is Ready, and a report of where each one stands. */
import type { Condition } from '../api/conditions.js';
import { fluxKinds } from '../api/kinds.js';
import type { KubeObject } from '../api/meta.js';
import type { Cluster } from '../cluster/types.js';
import { systemClock } from '../api/clock.js';
import { refOf } from '../api/meta.js';
import { inventoryId } from '../apply/inventory.js';
import { manifestObjects } from '../helm/action/index.js';
import { ReleaseStorage } from '../helm/release/storage.js';

export interface ObjectReport {
  kind: string;
  namespace: string;
  name: string;
  ready: 'True' | 'False' | 'Unknown';
  stalled: boolean;
  reason: string;
  message: string;
  revision: string | undefined;
  inventory: string[];
  current: boolean;
}

export async function fluxObjects(cluster: Cluster): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  for (const k of fluxKinds) {
    // Alerts and Providers are static (no status, never Ready): nothing to wait for.
    if (k.kind === 'Alert' || k.kind === 'Provider') continue;
    if (!(await cluster.resourceFor(`${k.group}/${k.storageVersion}`, k.kind))) continue;
    out.push(...(await cluster.list({ apiVersion: `${k.group}/${k.storageVersion}`, kind: k.kind })).items);
  }
  return out;
}

/** What a HelmRelease applied: the objects of its release's latest deployed revision, as inventory ids. */
async function releaseInventory(cluster: Cluster, hr: KubeObject): Promise<string[]> {
  const st = (hr.status ?? {}) as { storageNamespace?: string; history?: { name?: string; namespace?: string }[] };
  const latest = st.history?.[0];
  if (!latest?.name) return [];
  const release = await new ReleaseStorage(cluster, st.storageNamespace ?? hr.metadata.namespace ?? 'default', systemClock).deployed(latest.name).catch(() => undefined);
  if (!release) return [];
  const ids: string[] = [];
  for (const o of manifestObjects(release.manifest)) {
    const namespaced = (await cluster.resourceFor(o.apiVersion, o.kind))?.namespaced !== false;
    const { namespace: _ns, ...ref } = refOf(o);
    ids.push(inventoryId(namespaced ? { ...ref, namespace: o.metadata.namespace ?? latest.namespace ?? '' } : ref));
  }
  return ids.sort();
}

export async function report(cluster: Cluster): Promise<ObjectReport[]> {
  const objects = await fluxObjects(cluster);
  const releases = new Map<KubeObject, string[]>();
  for (const o of objects) if (o.kind === 'HelmRelease') releases.set(o, await releaseInventory(cluster, o));
  return objects.map((o) => {
    const st = (o.status ?? {}) as { conditions?: Condition[]; observedGeneration?: number; lastAppliedRevision?: string; artifact?: { revision?: string }; inventory?: { entries?: { id: string }[] } | { name: string; namespace: string }[] };
    const ready = st.conditions?.find((c) => c.type === 'Ready');
    const stalled = st.conditions?.some((c) => c.type === 'Stalled' && c.status === 'True') ?? false;
    return {
      kind: o.kind,
      namespace: o.metadata.namespace ?? '',
      name: o.metadata.name,
      ready: (ready?.status ?? 'Unknown') as ObjectReport['ready'],
      stalled,
      reason: ready?.reason ?? 'Progressing',
      message: ready?.message ?? '',
      revision: st.lastAppliedRevision ?? st.artifact?.revision,
      // An ArtifactGenerator's inventory lists the ExternalArtifacts it generated.
      inventory:
        releases.get(o) ??
        (Array.isArray(st.inventory)
          ? st.inventory.map((e) => inventoryId({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'ExternalArtifact', name: e.name, namespace: e.namespace }))
          : (st.inventory?.entries ?? []).map((e) => e.id)),
      // An ExternalArtifact has no status.observedGeneration; its Ready condition carries one.
      current: (st.observedGeneration ?? ready?.observedGeneration) === o.metadata.generation,
    };
  });
}

export const allReady = (r: readonly ObjectReport[]): boolean => r.length > 0 && r.every((o) => o.ready === 'True' && o.current);
