/**
 * `rollback.recreate` (`helm rollback --recreate-pods`): once a rollback is applied, the pods of
 * every object it updated are deleted, so their controllers start them again from the restored
 * template. Which pods belong to an object is decided as kubectl's `SelectorsForObject` decides.
 */
import type { KubeObject } from '../../api/meta.js';
import { refOf, splitApiVersion, subjectOf } from '../../api/meta.js';
import { isApiError } from '../../cluster/errors.js';
import type { Requirement } from '../../cluster/selectors.js';
import { formatLabelSelector } from '../../cluster/selectors.js';
import type { Cluster } from '../../cluster/types.js';

type Json = Record<string, unknown>;
const rec = (v: unknown): Json | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);

/** How each kind names its pods: a plain label map, or a `metav1.LabelSelector`. By `group/Kind`. */
const SELECTOR_SHAPES: ReadonlyMap<string, 'map' | 'labelSelector'> = new Map([
  ['/ReplicationController', 'map'],
  ['/Service', 'map'],
  ['apps/ReplicaSet', 'labelSelector'],
  ['extensions/ReplicaSet', 'labelSelector'],
  ['apps/Deployment', 'labelSelector'],
  ['extensions/Deployment', 'labelSelector'],
  ['apps/StatefulSet', 'labelSelector'],
  ['apps/DaemonSet', 'labelSelector'],
  ['extensions/DaemonSet', 'labelSelector'],
  ['batch/Job', 'labelSelector'],
] as const);

const stringMap = (v: unknown): Record<string, string> | undefined => {
  const m = rec(v);
  if (!m) return undefined;
  return Object.fromEntries(Object.entries(m).map(([k, x]) => [k, String(x)]));
};

const fromMap = (m: Record<string, string>): Requirement[] => Object.entries(m).map(([key, value]) => ({ key, op: 'eq' as const, value }));

/**
 * A `metav1.LabelSelector` as requirements (`LabelSelectorAsSelector`): matchLabels, then every
 * matchExpression. Undefined when the selector is malformed (an unknown operator, In/NotIn without
 * values, Exists/DoesNotExist with values). An empty selector `{}` selects every pod.
 */
export function labelSelectorRequirements(selector: unknown): Requirement[] | undefined {
  const s = rec(selector);
  if (!s) return undefined;
  const out = fromMap(stringMap(s.matchLabels) ?? {});
  const expressions = s.matchExpressions ?? [];
  if (!Array.isArray(expressions)) return undefined;
  for (const raw of expressions) {
    const e = rec(raw);
    if (!e || typeof e.key !== 'string') return undefined;
    const values = Array.isArray(e.values) ? e.values.map(String) : [];
    switch (e.operator) {
      case 'In':
      case 'NotIn':
        if (!values.length) return undefined;
        out.push({ key: e.key, op: e.operator === 'In' ? 'in' : 'notin', values });
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length) return undefined;
        out.push({ key: e.key, op: e.operator === 'Exists' ? 'exists' : 'notexists' });
        break;
      default:
        return undefined;
    }
  }
  return out;
}

/**
 * The pods an object controls or fronts, as requirements on their labels; undefined when the
 * object has no pod selector (not a workload or Service, a Service without a selector, a workload
 * whose selector is missing or malformed) — Helm skips those.
 */
export function podSelectorOf(obj: KubeObject): Requirement[] | undefined {
  const shape = SELECTOR_SHAPES.get(`${splitApiVersion(obj.apiVersion).group}/${obj.kind}`);
  const spec = rec(obj.spec) ?? {};
  if (shape === 'labelSelector') return labelSelectorRequirements(spec.selector);
  if (shape !== 'map') return undefined;
  let selector = stringMap(spec.selector) ?? {};
  // The API server defaults an empty ReplicationController selector to the template's labels;
  // kubectl never sees one empty, and an empty map would select every pod in the namespace.
  if (obj.kind === 'ReplicationController' && !Object.keys(selector).length) selector = stringMap(rec(rec(spec.template)?.metadata)?.labels) ?? {};
  return Object.keys(selector).length ? fromMap(selector) : undefined;
}

/** What a recreate did: a value to assert on, not log lines. */
export interface RecreateResult {
  /** `Pod/namespace/name` of every pod deleted, in order. */
  deleted: string[];
  /** Why it stopped early; Helm only logs this, the rollback stands. */
  error?: string;
}

/**
 * Deletes the pods selected by each object (in the object's namespace), each with a UID
 * precondition so a pod that was already replaced under the same name is left alone. Stops at the
 * first error, as Helm does; a pod already gone is not one.
 */
export async function recreatePods(cluster: Cluster, objects: readonly KubeObject[]): Promise<RecreateResult> {
  const deleted: string[] = [];
  for (const obj of objects) {
    const selector = podSelectorOf(obj);
    const namespace = obj.metadata.namespace;
    if (!selector || !namespace) continue;
    try {
      const pods = await cluster.list({ apiVersion: 'v1', kind: 'Pod', namespace, labelSelector: formatLabelSelector(selector) });
      for (const pod of pods.items) {
        const uid = pod.metadata.uid;
        try {
          await cluster.delete(refOf(pod), uid ? { preconditions: { uid } } : {});
        } catch (err) {
          if (!isApiError(err, 404)) throw err;
          continue;
        }
        deleted.push(subjectOf(refOf(pod)));
      }
    } catch (err) {
      return { deleted, error: `unable to recreate pods for object ${namespace}/${obj.metadata.name} because an error occurred: ${(err as Error).message}` };
    }
  }
  return { deleted };
}
