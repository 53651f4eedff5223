/**
 * Who must hear of what: an index from each source to the objects whose sourceRef names it, and
 * from each object to the objects that depend on it. Kept up to date as objects change, so a
 * message reaches exactly its recipients without scanning every actor. Also finds dependency
 * cycles.
 */
import type { KubeObject, ObjectRef } from '../api/meta.js';
import { keyOf, refOf } from '../api/meta.js';
import { dependsOnOf, sourceRefsOf } from '../api/kinds.js';

interface Node {
  ref: ObjectRef;
  sources: string[];
  deps: string[];
}

export class Router {
  private readonly nodes = new Map<string, Node>();
  private readonly referrers = new Map<string, Set<string>>();
  private readonly dependants = new Map<string, Set<string>>();

  /** Records (or re-records) an object's references. */
  update(obj: KubeObject): void {
    const key = keyOf(refOf(obj));
    this.remove(key);
    const node: Node = { ref: refOf(obj), sources: sourceRefsOf(obj).map(keyOf), deps: dependsOnOf(obj).map(keyOf) };
    this.nodes.set(key, node);
    for (const s of node.sources) addTo(this.referrers, s, key);
    for (const d of node.deps) addTo(this.dependants, d, key);
  }

  remove(key: string): void {
    const node = this.nodes.get(key);
    if (!node) return;
    for (const s of node.sources) this.referrers.get(s)?.delete(key);
    for (const d of node.deps) this.dependants.get(d)?.delete(key);
    this.nodes.delete(key);
  }

  /** Keys of the objects whose sourceRef names `source`. */
  referrersOf(source: ObjectRef): string[] {
    return [...(this.referrers.get(keyOf(source)) ?? [])];
  }

  /** Keys of the objects that list `ref` in `dependsOn`. */
  dependantsOf(ref: ObjectRef): string[] {
    return [...(this.dependants.get(keyOf(ref)) ?? [])];
  }

  refOf(key: string): ObjectRef | undefined {
    return this.nodes.get(key)?.ref;
  }

  /**
   * The dependency cycle `ref` is part of, as refs from `ref` back to itself, or undefined.
   * Depth-first over dependsOn edges; linear in the size of the reachable graph.
   */
  cycleThrough(ref: ObjectRef): ObjectRef[] | undefined {
    const start = keyOf(ref);
    const path: string[] = [];
    const onPath = new Set<string>();
    const done = new Set<string>();
    const visit = (key: string): string[] | undefined => {
      if (onPath.has(key)) return key === start ? [...path, key] : undefined;
      if (done.has(key)) return undefined;
      onPath.add(key);
      path.push(key);
      for (const d of this.nodes.get(key)?.deps ?? []) {
        const found = visit(d);
        if (found) return found;
      }
      path.pop();
      onPath.delete(key);
      done.add(key);
      return undefined;
    };
    const cycle = visit(start);
    return cycle?.map((k) => this.nodes.get(k)?.ref ?? ref);
  }
}

function addTo(index: Map<string, Set<string>>, key: string, value: string): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(value);
}

/** `Kustomization/flux-system/apps -> Kustomization/flux-system/infra -> …` */
export function describeCycle(cycle: readonly ObjectRef[]): string {
  return cycle.map((r) => `${r.kind}/${r.namespace ?? ''}/${r.name}`).join(' -> ');
}
