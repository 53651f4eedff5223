/**
 * Inventories as kustomize-controller records them: entries `{id, v}` with ids
 * `<namespace>_<name>_<group>_<Kind>` (cli-utils ObjMetadata; `:` in RBAC names written `__`).
 * Pure functions: build, parse, diff.
 */
import type { KubeObject, ObjectRef } from '../api/meta.js';
import { splitApiVersion } from '../api/meta.js';
import type { InventoryEntry } from '../api/kinds/kustomization.js';

export function inventoryId(ref: ObjectRef): string {
  const { group } = splitApiVersion(ref.apiVersion);
  return `${ref.namespace ?? ''}_${ref.name.replace(/:/g, '__')}_${group}_${ref.kind}`;
}

export function inventoryEntry(obj: KubeObject): InventoryEntry {
  return { id: inventoryId({ apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}) }), v: splitApiVersion(obj.apiVersion).version };
}

/** An entry back to a reference. Names containing `_` are read from both ends, as cli-utils does. */
export function parseEntry(entry: InventoryEntry): ObjectRef {
  const parts = entry.id.split('_');
  if (parts.length < 4) throw new Error(`invalid inventory id "${entry.id}"`);
  const kind = parts[parts.length - 1] as string;
  const group = parts[parts.length - 2] as string;
  const namespace = parts[0] as string;
  const name = parts.slice(1, parts.length - 2).join('_').replace(/__/g, ':');
  const ref: ObjectRef = { apiVersion: group ? `${group}/${entry.v}` : entry.v, kind, name };
  if (namespace) ref.namespace = namespace;
  return ref;
}

/** Sorted, de-duplicated entries for a set of objects. */
export function inventoryOf(objects: readonly KubeObject[]): InventoryEntry[] {
  const byId = new Map<string, InventoryEntry>();
  for (const o of objects) {
    const e = inventoryEntry(o);
    byId.set(e.id, e);
  }
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Entries of `before` whose ids are not in `after`: what pruning deletes. */
export function staleEntries(before: readonly InventoryEntry[], after: readonly InventoryEntry[]): InventoryEntry[] {
  const keep = new Set(after.map((e) => e.id));
  return before.filter((e) => !keep.has(e.id));
}
