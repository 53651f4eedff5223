/**
 * `events.k8s.io/v1` Events as a view of the core/v1 Events, as kube-apiserver stores both
 * in one place: reads convert core Events to the new shape, writes convert back, and field
 * selectors on the new names (`regarding.name`, `note`…) are translated.
 */
import type { KubeObject } from '../../api/meta.js';

type Json = Record<string, unknown>;

const put = (out: Json, key: string, value: unknown): void => {
  if (value !== undefined && value !== null && value !== '') out[key] = value;
};

export function toEventsV1(core: KubeObject): KubeObject {
  const source = (core.source ?? {}) as Json;
  const out: KubeObject = { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: core.metadata };
  put(out, 'eventTime', core.eventTime ?? null);
  out.eventTime ??= null;
  put(out, 'series', core.series);
  put(out, 'reportingController', core.reportingComponent ?? source.component);
  put(out, 'reportingInstance', core.reportingInstance ?? source.host);
  put(out, 'action', core.action);
  put(out, 'reason', core.reason);
  put(out, 'regarding', core.involvedObject);
  put(out, 'related', core.related);
  put(out, 'note', core.message);
  put(out, 'type', core.type);
  put(out, 'deprecatedSource', core.source);
  put(out, 'deprecatedFirstTimestamp', core.firstTimestamp);
  put(out, 'deprecatedLastTimestamp', core.lastTimestamp);
  put(out, 'deprecatedCount', core.count);
  return out;
}

export function fromEventsV1(ev: KubeObject): KubeObject {
  const out: KubeObject = { apiVersion: 'v1', kind: 'Event', metadata: ev.metadata };
  const series = (ev.series ?? {}) as Json;
  put(out, 'involvedObject', ev.regarding ?? {});
  put(out, 'related', ev.related);
  put(out, 'reason', ev.reason);
  put(out, 'message', ev.note);
  put(out, 'type', ev.type);
  put(out, 'action', ev.action);
  put(out, 'eventTime', ev.eventTime);
  put(out, 'series', ev.series);
  put(out, 'reportingComponent', ev.reportingController);
  put(out, 'reportingInstance', ev.reportingInstance);
  put(out, 'source', ev.deprecatedSource ?? (ev.reportingController ? { component: ev.reportingController } : undefined));
  put(out, 'firstTimestamp', ev.deprecatedFirstTimestamp ?? ev.eventTime);
  put(out, 'lastTimestamp', ev.deprecatedLastTimestamp ?? series.lastObservedTime ?? ev.eventTime);
  put(out, 'count', ev.deprecatedCount ?? series.count ?? 1);
  return out;
}

const FIELD_NAMES: [string, string][] = [
  ['regarding.', 'involvedObject.'],
  ['note', 'message'],
  ['reportingController', 'reportingComponent'],
  ['deprecatedSource.', 'source.'],
];

/** Rewrites an events.k8s.io field selector onto core/v1 Event field names. */
export function coreFieldSelector(selector: string): string {
  return selector
    .split(',')
    .map((term) => {
      for (const [from, to] of FIELD_NAMES) if (term.trim().startsWith(from)) return term.trim().replace(from, to);
      return term;
    })
    .join(',');
}
