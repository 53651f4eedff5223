/**
 * Field ownership for server-side apply. A field path is a list of segments — a map key
 * (`f`), an item of an associative list identified by its key fields (`k`), or a member of a
 * set-like list (`v`) — serialised to a string so paths can live in Sets. Associative lists
 * are the built-in types' merge-keyed lists (containers by name, ports by containerPort…);
 * any other list is atomic: owned and replaced as a whole, as for custom resources.
 */

export type Segment = { f: string } | { k: Record<string, unknown> } | { v: unknown };
export type FieldPath = Segment[];

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Key fields of the associative list at `names` (the map keys leading to it), or undefined for atomic lists. */
export function listKeys(names: readonly string[], builtin: boolean): string[] | 'set' | undefined {
  const last = names[names.length - 1];
  if (names.length === 2 && names[0] === 'metadata') {
    if (last === 'finalizers') return 'set';
    if (last === 'ownerReferences') return ['uid'];
  }
  if (!builtin) return undefined;
  switch (last) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'env':
    case 'volumes':
    case 'imagePullSecrets':
      return ['name'];
    case 'volumeMounts':
      return ['mountPath'];
    case 'volumeDevices':
      return ['devicePath'];
    case 'hostAliases':
      return ['ip'];
    case 'conditions':
      return ['type'];
    case 'topologySpreadConstraints':
      return ['topologyKey', 'whenUnsatisfiable'];
    case 'ports': {
      const parent = names[names.length - 2];
      if (parent === 'containers' || parent === 'initContainers' || parent === 'ephemeralContainers') return ['containerPort', 'protocol'];
      return ['port', 'protocol'];
    }
    default:
      return undefined;
  }
}

function itemKey(item: unknown, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const obj = isObject(item) ? item : {};
  for (const k of keys) {
    if (obj[k] !== undefined) out[k] = obj[k];
    else if (k === 'protocol') out[k] = 'TCP';
  }
  return out;
}

function sameKey(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k]);
}

export const pathKey = (p: FieldPath): string => JSON.stringify(p);
export const parsePathKey = (s: string): FieldPath => JSON.parse(s) as FieldPath;

/** Fields of an object that field management tracks: everything but identity and status. */
function trackedRoot(obj: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind' || k === 'status') continue;
    if (k === 'metadata' && isObject(v)) {
      const meta: Json = {};
      for (const mk of ['labels', 'annotations', 'finalizers', 'ownerReferences']) if (v[mk] !== undefined) meta[mk] = v[mk];
      if (Object.keys(meta).length) out.metadata = meta;
      continue;
    }
    out[k] = v;
  }
  return out;
}

/**
 * Paths of every field set in `obj`: leaves (scalars, empty maps, atomic lists) and the items of
 * associative lists (their key fields included).
 */
export function fieldSet(obj: Json, builtin: boolean): Set<string> {
  const out = new Set<string>();
  const walk = (value: unknown, path: FieldPath, names: string[]): void => {
    if (isObject(value)) {
      const entries = Object.entries(value);
      if (entries.length === 0 && path.length) out.add(pathKey(path));
      for (const [k, v] of entries) walk(v, [...path, { f: k }], [...names, k]);
      return;
    }
    if (Array.isArray(value)) {
      const keys = listKeys(names, builtin);
      if (keys === 'set') {
        for (const v of value) out.add(pathKey([...path, { v }]));
        return;
      }
      if (!keys || value.length === 0) {
        out.add(pathKey(path));
        return;
      }
      for (const item of value) {
        const itemPath: FieldPath = [...path, { k: itemKey(item, keys) }];
        out.add(pathKey(itemPath));
        if (isObject(item)) for (const [k, v] of Object.entries(item)) walk(v, [...itemPath, { f: k }], [...names, k]);
      }
      return;
    }
    out.add(pathKey(path));
  };
  walk(trackedRoot(obj), [], []);
  return out;
}

/** The value at `path`, or undefined. */
export function getAt(obj: unknown, path: FieldPath, builtin: boolean): unknown {
  let cur: unknown = obj;
  const names: string[] = [];
  for (const seg of path) {
    if ('f' in seg) {
      if (!isObject(cur)) return undefined;
      cur = cur[seg.f];
      names.push(seg.f);
    } else if ('k' in seg) {
      if (!Array.isArray(cur)) return undefined;
      const keys = listKeys(names, builtin);
      if (!Array.isArray(keys)) return undefined;
      cur = cur.find((item) => sameKey(itemKey(item, keys), seg.k));
    } else {
      if (!Array.isArray(cur)) return undefined;
      return cur.includes(seg.v) ? seg.v : undefined;
    }
  }
  return cur;
}

/**
 * True when `path` is a key field of an associative list item (`port` of a Service port): such a
 * field goes with its item, never on its own — removing it alone would leave an item that no key
 * finds any more.
 */
export function isKeyField(path: FieldPath): boolean {
  const last = path[path.length - 1];
  const item = path[path.length - 2];
  return last !== undefined && item !== undefined && 'f' in last && 'k' in item && Object.prototype.hasOwnProperty.call(item.k, last.f);
}

/** Removes the field or list item at `path` in place. Empty parent maps left behind are removed too. */
export function deleteAt(obj: Json, path: FieldPath, builtin: boolean): void {
  if (path.length === 0) return;
  const parents: { container: unknown; seg: Segment }[] = [];
  let cur: unknown = obj;
  const names: string[] = [];
  for (const seg of path) {
    parents.push({ container: cur, seg });
    if ('f' in seg) {
      if (!isObject(cur)) return;
      cur = cur[seg.f];
      names.push(seg.f);
    } else if ('k' in seg) {
      if (!Array.isArray(cur)) return;
      const keys = listKeys(names, builtin);
      if (!Array.isArray(keys)) return;
      cur = cur.find((item) => sameKey(itemKey(item, keys), seg.k));
    } else break;
  }
  const removeFrom = (container: unknown, seg: Segment, keysNames: string[]): void => {
    if ('f' in seg && isObject(container)) delete container[seg.f];
    else if ('k' in seg && Array.isArray(container)) {
      const keys = listKeys(keysNames, builtin);
      if (!Array.isArray(keys)) return;
      const i = container.findIndex((item) => sameKey(itemKey(item, keys), seg.k));
      if (i >= 0) container.splice(i, 1);
    } else if ('v' in seg && Array.isArray(container)) {
      const i = container.indexOf(seg.v);
      if (i >= 0) container.splice(i, 1);
    }
  };
  const namesAt = (depth: number): string[] => path.slice(0, depth).flatMap((s) => ('f' in s ? [s.f] : []));
  const last = parents[parents.length - 1];
  if (!last) return;
  removeFrom(last.container, last.seg, namesAt(parents.length - 1));
  // Drop maps emptied by the removal (but never the root or `metadata`).
  for (let i = parents.length - 1; i > 0; i--) {
    const { container } = parents[i] as { container: unknown };
    const empty = (isObject(container) && Object.keys(container).length === 0) || (Array.isArray(container) && container.length === 0);
    const parentEntry = parents[i - 1] as { container: unknown; seg: Segment };
    if (!empty || ('f' in parentEntry.seg && parentEntry.seg.f === 'metadata' && i - 1 === 0)) break;
    removeFrom(parentEntry.container, parentEntry.seg, namesAt(i - 1));
  }
}

/**
 * Merges an applied configuration into a live object: maps merge recursively, associative lists
 * merge by key (live items keep their place, new items are appended), atomic lists and scalars
 * are replaced. Returns a new object.
 */
export function mergeApplied(live: unknown, applied: unknown, builtin: boolean, names: string[] = []): unknown {
  if (isObject(applied)) {
    const base: Json = isObject(live) ? { ...live } : {};
    for (const [k, v] of Object.entries(applied)) base[k] = mergeApplied(base[k], v, builtin, [...names, k]);
    return base;
  }
  if (Array.isArray(applied)) {
    const keys = listKeys(names, builtin);
    if (!keys || !Array.isArray(live)) return structuredClone(applied);
    if (keys === 'set') return [...live, ...applied.filter((v) => !live.includes(v))];
    const out = [...live];
    for (const item of applied) {
      const key = itemKey(item, keys);
      const i = out.findIndex((x) => sameKey(itemKey(x, keys), key));
      if (i >= 0) out[i] = mergeApplied(out[i], item, builtin, names);
      else out.push(structuredClone(item));
    }
    return out;
  }
  return applied;
}

/** True when `path` names an associative-list item rather than a leaf. */
export function isItemPath(path: FieldPath): boolean {
  const last = path[path.length - 1];
  return last !== undefined && 'k' in last;
}

/** Renders a set of paths as Kubernetes `fieldsV1`. */
export function toFieldsV1(paths: Iterable<string>): Json {
  const root: Json = {};
  for (const key of paths) {
    let cur = root;
    for (const seg of parsePathKey(key)) {
      const name = 'f' in seg ? `f:${seg.f}` : 'k' in seg ? `k:${JSON.stringify(seg.k)}` : `v:${JSON.stringify(seg.v)}`;
      const next = (cur[name] as Json | undefined) ?? {};
      cur[name] = next;
      if ('k' in seg) next['.'] = {};
      cur = next;
    }
  }
  return root;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** Human form of a path for conflict messages: `.spec.template.spec.containers[name="web"].image`. */
export function describePath(path: FieldPath): string {
  return path
    .map((s) => ('f' in s ? `.${s.f}` : 'k' in s ? `[${Object.entries(s.k).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]` : `[=${JSON.stringify(s.v)}]`))
    .join('');
}
