/**
 * kustomize's label and annotation transformers give every field they create for one key of one
 * object the same YAML node, so a later in-place change of any of those fields (a strategic
 * merge patch, another label transformer) shows up in all of them: change `metadata.labels.x`
 * and the selector and template labels set alongside it follow. This module reproduces that by
 * tracking such groups of paths per object.
 */
import type { Obj, Resource } from './resource.js';

export interface AliasGroup {
  paths: string[][];
  value: string;
}

function get(o: Obj, path: string[]): unknown {
  let cur: any = o;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = cur[p];
  }
  return cur;
}

function set(o: Obj, path: string[], v: string): void {
  let cur: any = o;
  for (const p of path.slice(0, -1)) cur = cur?.[p];
  if (cur && typeof cur === 'object') cur[path[path.length - 1]!] = v;
}

function same(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The group a path belongs to, if its value is still the group's. */
export function groupOf(r: Resource, path: string[]): AliasGroup | undefined {
  for (const g of r.aliases ?? []) {
    if (g.paths.some((p) => same(p, path)) && get(r.obj, path) === g.value) return g;
  }
  return undefined;
}

/** Sets `value` at every path of the group (an in-place change of the shared node). */
export function setGroup(r: Resource, g: AliasGroup, value: string): void {
  g.paths = g.paths.filter((p) => get(r.obj, p) === g.value);
  for (const p of g.paths) set(r.obj, p, value);
  g.value = value;
}

/** After a strategic merge patch: a changed member carries the new value to the others. */
export function syncAfterMerge(r: Resource): void {
  for (const g of r.aliases ?? []) {
    const changed = g.paths.map((p) => get(r.obj, p)).find((v) => typeof v === 'string' && v !== g.value);
    const live = g.paths.filter((p) => typeof get(r.obj, p) === 'string');
    if (changed !== undefined) {
      for (const p of live) set(r.obj, p, changed as string);
      g.value = changed as string;
    }
    g.paths = live;
  }
}

/** A JSON patch round-trips the object through JSON: nodes are no longer shared. */
export function dropAliases(r: Resource): void {
  r.aliases = [];
}
