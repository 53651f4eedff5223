/**
 * Flux objects reduced to what `flux export` prints: apiVersion, kind, name, namespace, labels,
 * annotations and spec — no status, uid, resourceVersion, generation, managedFields or
 * creationTimestamp — with durations in Go's form (`60s` → `1m0s`), as the typed round trip
 * through the Go API structs writes them.
 */
import { formatDuration, isDuration, parseDuration } from '../../api/duration.js';
import type { KubeObject } from '../../api/meta.js';

const DURATION_KEYS = new Set(['interval', 'timeout', 'retryInterval', 'requeueDependency', 'healthCheckTimeout']);

function normalise(value: unknown, key?: string): unknown {
  if (typeof value === 'string' && key && DURATION_KEYS.has(key) && isDuration(value)) return formatDuration(parseDuration(value));
  if (Array.isArray(value)) return value.map((v) => normalise(v));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = normalise(v, k);
    return out;
  }
  return value;
}

export function exportObject(obj: KubeObject): KubeObject {
  const { labels, annotations } = obj.metadata;
  const spec = normalise(obj.spec ?? {}) as Record<string, unknown>;
  // `suspend` is `omitempty` in every Flux API struct.
  if (spec.suspend === false) delete spec.suspend;
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    metadata: {
      name: obj.metadata.name,
      ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
      ...(labels && Object.keys(labels).length ? { labels } : {}),
      ...(annotations && Object.keys(annotations).length ? { annotations } : {}),
    },
    spec,
  };
}
