/**
 * Strategic merge patch as kube-apiserver applies it to built-in kinds: maps merge, `null`
 * deletes, lists with a merge key merge item by item, other lists are replaced, and the
 * `$patch` (replace/delete/merge), `$retainKeys`, `$setElementOrder/<field>` and
 * `$deleteFromPrimitiveList/<field>` directives apply. Merge keys come from a small table of
 * the built-in types' `x-kubernetes-patch-merge-key`s, keyed by field name.
 */
import { ApiError } from '../errors.js';

type Obj = Record<string, unknown>;

const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  conditions: 'type',
  topologySpreadConstraints: 'topologyKey',
  ownerReferences: 'uid',
  secrets: 'name',
  resourceClaims: 'name',
};

/** Lists of scalars merged as sets (`patchStrategy: merge` without a key). */
const SCALAR_SET_LISTS = new Set(['finalizers']);

const isMap = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function mergeKey(field: string, live: unknown[], patch: unknown[]): string | undefined {
  if (field === 'ports') {
    const all = [...live, ...patch].filter(isMap);
    return all.some((x) => 'containerPort' in x) ? 'containerPort' : 'port';
  }
  return MERGE_KEYS[field];
}

const bad = (message: string): ApiError => new ApiError(422, 'Invalid', message);

/** Applies `patch` to `live` (neither is modified) and returns the result. */
export function strategicMerge(live: unknown, patch: unknown): unknown {
  if (!isMap(patch)) throw new ApiError(400, 'BadRequest', 'strategic merge patch must be a JSON object');
  return mergeMap(isMap(live) ? live : {}, patch);
}

function mergeMap(live: Obj, patch: Obj): Obj | undefined {
  const directive = patch.$patch;
  if (directive === 'delete') return undefined;
  if (directive === 'replace') {
    const { $patch: _p, ...rest } = patch;
    return structuredClone(rest);
  }
  let out: Obj = structuredClone(live);
  const retain = patch.$retainKeys;
  const orders = new Map<string, unknown[]>();
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys') continue;
    if (key.startsWith('$setElementOrder/')) {
      if (Array.isArray(value)) orders.set(key.slice('$setElementOrder/'.length), value);
      continue;
    }
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const cur = out[field];
      if (Array.isArray(cur) && Array.isArray(value)) out[field] = cur.filter((x) => !value.includes(x));
      continue;
    }
    if (value === null) {
      delete out[key];
      continue;
    }
    const cur = out[key];
    if (isMap(value)) {
      const merged = mergeMap(isMap(cur) ? cur : {}, value);
      if (merged === undefined) delete out[key];
      else out[key] = merged;
    } else if (Array.isArray(value)) {
      out[key] = mergeList(key, Array.isArray(cur) ? cur : [], value);
    } else out[key] = structuredClone(value);
  }
  for (const [field, order] of orders) {
    const cur = out[field];
    if (Array.isArray(cur)) out[field] = reorder(field, cur, order);
  }
  if (Array.isArray(retain)) {
    const keep = new Set(retain.map(String));
    out = Object.fromEntries(Object.entries(out).filter(([k]) => keep.has(k)));
  }
  return out;
}

function mergeList(field: string, live: unknown[], patch: unknown[]): unknown[] {
  if (patch.some((x) => isMap(x) && x.$patch === 'replace')) return structuredClone(patch.filter((x) => !(isMap(x) && x.$patch === 'replace')));
  if (SCALAR_SET_LISTS.has(field) && patch.every((x) => !isMap(x))) {
    const out = [...live];
    for (const x of patch) if (!out.includes(x)) out.push(x);
    return out;
  }
  const key = mergeKey(field, live, patch);
  if (!key || !patch.every(isMap)) return structuredClone(patch);
  const out: unknown[] = structuredClone(live);
  for (const item of patch as Obj[]) {
    if (!(key in item)) throw bad(`map: ${JSON.stringify(item)} does not contain declared merge key: ${key}`);
    const i = out.findIndex((x) => isMap(x) && x[key] === item[key]);
    if (item.$patch === 'delete') {
      if (i >= 0) out.splice(i, 1);
      continue;
    }
    if (i < 0) out.push(mergeMap({}, item));
    else {
      const merged = mergeMap(out[i] as Obj, item);
      if (merged === undefined) out.splice(i, 1);
      else out[i] = merged;
    }
  }
  return out;
}

/** `$setElementOrder`: items named in the order first, in that order, then the rest as they were. */
function reorder(field: string, items: unknown[], order: unknown[]): unknown[] {
  const key = mergeKey(field, items, []);
  const id = (x: unknown): unknown => (key && isMap(x) ? x[key] : x);
  const ids = order.map((o) => (key && isMap(o) ? o[key] : o));
  const ranked = items.map((x, i) => ({ x, i, r: ids.findIndex((v) => v === id(x)) }));
  ranked.sort((a, b) => (a.r < 0 ? Infinity : a.r) - (b.r < 0 ? Infinity : b.r) || a.i - b.i);
  return ranked.map((e) => e.x);
}
