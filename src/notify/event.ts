/**
 * The event a Flux controller POSTs to notification-controller (fluxcd/pkg apis/event/v1beta1),
 * built from a Kubernetes Event fluxion records. Field order is Go's marshalling order, so
 * `JSON.stringify` gives the same bytes Flux sends (an HMAC over them verifies the same way).
 */

/** `corev1.ObjectReference` as Flux's event recorder fills it. */
export interface InvolvedObject {
  kind: string;
  namespace: string;
  name: string;
  uid?: string;
  apiVersion: string;
  resourceVersion?: string;
}

export type Severity = 'info' | 'error';

export interface FluxEvent {
  involvedObject: InvolvedObject;
  severity: Severity;
  /** RFC 3339, seconds. */
  timestamp: string;
  message: string;
  reason: string;
  metadata?: Record<string, string>;
  reportingController: string;
  reportingInstance?: string;
}

/** The group every event-level metadata key is prefixed with (`event.toolkit.fluxcd.io/…`). */
export const EVENT_GROUP = 'event.toolkit.fluxcd.io';

/** What a fluxion controller records: a Kubernetes Event's fields. */
export interface RecordedEvent {
  involvedObject: { apiVersion: string; kind: string; name: string; namespace?: string; uid?: string; resourceVersion?: string };
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  reportingController: string;
  annotations?: Record<string, string>;
}

/** RFC 3339 with seconds, as `metav1.Time` marshals. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Warning → error, Normal → info (fluxcd/pkg runtime/events). */
export function toFluxEvent(e: RecordedEvent, nowMs: number, reportingInstance?: string): FluxEvent {
  const o = e.involvedObject;
  const involvedObject: InvolvedObject = { kind: o.kind, namespace: o.namespace ?? '', name: o.name, ...(o.uid ? { uid: o.uid } : {}), apiVersion: o.apiVersion, ...(o.resourceVersion ? { resourceVersion: o.resourceVersion } : {}) };
  return {
    involvedObject,
    severity: e.type === 'Warning' ? 'error' : 'info',
    timestamp: rfc3339(nowMs),
    message: e.message,
    reason: e.reason,
    ...(e.annotations && Object.keys(e.annotations).length ? { metadata: { ...e.annotations } } : {}),
    reportingController: e.reportingController,
    ...(reportingInstance ? { reportingInstance } : {}),
  };
}

/** The API group of the involved object (`kustomize.toolkit.fluxcd.io`). */
export function objectGroup(event: FluxEvent): string {
  const av = event.involvedObject.apiVersion;
  return av.includes('/') ? av.slice(0, av.indexOf('/')) : '';
}

/**
 * What notification-controller keeps of an event's metadata on receipt: keys in the event group
 * or the object's group, minus the checksum, digest and token keys (event_server.go cleanupMetadata,
 * excludeInternalMetadata).
 */
export function cleanupMetadata(event: FluxEvent): FluxEvent {
  const group = objectGroup(event);
  const exclude = [`${group}/checksum`, `${group}/digest`, `${group}/token`].map((k) => k.toLowerCase());
  const meta: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.metadata ?? {})) {
    if (exclude.includes(k.toLowerCase())) continue;
    if (k.startsWith(`${EVENT_GROUP}/`) || k.startsWith(`${group}/`)) meta[k] = v;
  }
  const { metadata: _m, ...rest } = event;
  return Object.keys(meta).length ? { ...rest, metadata: meta } : rest;
}

/**
 * JSON as Go's `encoding/json` writes it: map keys sorted, `<`, `>`, `&`, U+2028 and U+2029
 * escaped. Struct field order is the caller's (object literal order).
 */
export function goJson(value: unknown): string {
  const sortMaps = (v: unknown, isMap: boolean): unknown => {
    if (Array.isArray(v)) return v.map((x) => sortMaps(x, false));
    if (v && typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>);
      if (isMap) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return Object.fromEntries(entries.map(([k, x]) => [k, sortMaps(x, MAP_FIELDS.has(k))]));
    }
    return v;
  };
  return JSON.stringify(sortMaps(value, false)).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Fields that are Go maps (sorted keys) in the payloads fluxion sends. */
const MAP_FIELDS = new Set(['metadata', 'labels', 'annotations', 'matchLabels']);

/** The event's JSON body, byte for byte as Flux's forwarder marshals it. */
export function marshalEvent(event: FluxEvent): string {
  const o = event.involvedObject;
  return goJson({
    involvedObject: { kind: o.kind, namespace: o.namespace, name: o.name, ...(o.uid ? { uid: o.uid } : {}), apiVersion: o.apiVersion, ...(o.resourceVersion ? { resourceVersion: o.resourceVersion } : {}) },
    severity: event.severity,
    timestamp: event.timestamp,
    ...(event.message ? { message: event.message } : {}),
    ...(event.reason ? { reason: event.reason } : {}),
    ...(event.metadata && Object.keys(event.metadata).length ? { metadata: event.metadata } : {}),
    ...(event.reportingController ? { reportingController: event.reportingController } : {}),
    ...(event.reportingInstance ? { reportingInstance: event.reportingInstance } : {}),
  });
}
