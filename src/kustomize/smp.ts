/**
 * Strategic merge patch as kustomize applies it (kyaml merge2): maps merge, `null` deletes,
 * lists with a merge key merge element by element, other lists are replaced, and the
 * `$patch`, `$setElementOrder`, `$retainKeys`, `$deleteFromPrimitiveList` directives apply.
 */
import type { Obj } from './resource.js';

/** Merge keys of the built-in types, by field name (kustomize's embedded schema, v1.21). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  ports: 'containerPort',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  conditions: 'type',
  topologySpreadConstraints: 'topologyKey',
  tolerations: '',
  ownerReferences: 'uid',
  secrets: 'name',
};

/** Lists whose items are scalars merged as a set (patchStrategy merge, no key). */
const MERGE_SCALAR_LISTS = new Set(['finalizers']);

function isMap(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function mergeKeyFor(field: string, items: unknown[], patchItems: unknown[]): string | undefined {
  if (field === 'ports') {
    // Service ports merge by port; container ports by containerPort.
    const all = [...items, ...patchItems].filter(isMap);
    if (all.some((x) => 'containerPort' in x)) return 'containerPort';
    if (all.some((x) => 'port' in x)) return 'port';
  }
  if (field === 'tolerations') return undefined;
  if (field in MERGE_KEYS) return MERGE_KEYS[field] || undefined;
  // Unknown types (CRDs): lists of maps that all carry `name` merge by name.
  const all = [...items, ...patchItems];
  if (all.length > 0 && all.every((x) => isMap(x) && ('name' in x || '$patch' in x))) return 'name';
  return undefined;
}

function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripDirectives).filter((x) => !(isMap(x) && x.$patch === 'delete'));
  if (!isMap(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === '$patch' || k.startsWith('$setElementOrder/') || k === '$retainKeys' || k.startsWith('$deleteFromPrimitiveList/')) continue;
    if (x === null) continue;
    out[k] = stripDirectives(x);
  }
  return out;
}

function mergeList(field: string, dest: unknown[], patch: unknown[]): unknown[] {
  if (MERGE_SCALAR_LISTS.has(field)) {
    const out = [...dest];
    for (const p of patch) if (!out.includes(p)) out.push(p);
    return out;
  }
  if (patch.some((p) => isMap(p) && p.$patch === 'replace')) {
    return patch.filter((p) => !(isMap(p) && p.$patch === 'replace')).map(stripDirectives);
  }
  const key = mergeKeyFor(field, dest, patch);
  if (!key || !dest.every(isMap)) {
    return patch.map(stripDirectives);
  }
  // kustomize (ListIncreaseDirection=Prepend) lists the patch's elements first, in patch
  // order, merged with their counterparts, then the remaining elements of the original.
  const used = new Set<number>();
  const front: unknown[] = [];
  const frontKeys = new Map<unknown, number>();
  for (const p of patch) {
    if (!isMap(p)) continue;
    const kv = p[key];
    const idx = kv === undefined ? -1 : dest.findIndex((d, i) => !used.has(i) && isMap(d) && d[key] === kv);
    if (p.$patch === 'delete') {
      if (idx >= 0) used.add(idx);
      continue;
    }
    const fi = kv === undefined ? undefined : frontKeys.get(kv);
    if (fi !== undefined) {
      front[fi] = mergeMap(front[fi] as Obj, p);
      continue;
    }
    if (idx >= 0) {
      used.add(idx);
      front.push(mergeMap(dest[idx] as Obj, p));
    } else front.push(stripDirectives(p));
    if (kv !== undefined) frontKeys.set(kv, front.length - 1);
  }
  return [...front, ...dest.filter((_, i) => !used.has(i))];
}

/** Merges `patch` into `dest` (neither is mutated); returns undefined when the patch deletes it. */
export function mergeMap(dest: Obj, patch: Obj): Obj | undefined {
  if (patch.$patch === 'delete') return undefined;
  if (patch.$patch === 'replace') return stripDirectives(patch) as Obj;
  const out: Obj = { ...dest };
  for (const [k, pv] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys') continue;
    if (k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const f = k.slice('$deleteFromPrimitiveList/'.length);
      if (Array.isArray(out[f]) && Array.isArray(pv)) out[f] = (out[f] as unknown[]).filter((x) => !pv.includes(x));
      continue;
    }
    if (pv === null) {
      delete out[k];
      continue;
    }
    const dv = out[k];
    if (isMap(pv) && isMap(dv)) {
      const m = mergeMap(dv, pv);
      if (m === undefined) delete out[k];
      else out[k] = m;
    } else if (Array.isArray(pv) && Array.isArray(dv)) {
      out[k] = mergeList(k, dv, pv);
    } else if (isMap(pv) && pv.$patch === 'delete') {
      delete out[k];
    } else {
      out[k] = stripDirectives(pv);
    }
  }
  return out;
}
