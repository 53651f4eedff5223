/** notification.toolkit.fluxcd.io Alert (storage v1beta3; accepts v1beta2). Static: Flux writes no status. */
import type { KubeObject } from '../meta.js';
import { Checker } from '../validation.js';
import type { FluxObject, LocalObjectReference } from './common.js';
import { checkLocalRef, checkMetadata, sameFields } from './common.js';

/** The kinds an Alert's `eventSources` (and a Receiver's `resources`) may name (api/v1/reference_types.go). */
export const NOTIFICATION_SOURCE_KINDS = [
  'Bucket', 'GitRepository', 'Kustomization', 'HelmRelease', 'HelmChart', 'HelmRepository', 'ImageRepository', 'ImagePolicy',
  'ImageUpdateAutomation', 'OCIRepository', 'ArtifactGenerator', 'ExternalArtifact',
] as const;

/** `CrossNamespaceObjectReference` of notification-controller: a name or `*` with `matchLabels`. */
export interface CrossNamespaceObjectReference {
  apiVersion?: string;
  kind: string;
  name: string;
  namespace?: string;
  matchLabels?: Record<string, string>;
}

export interface AlertSpec {
  providerRef: LocalObjectReference;
  eventSeverity: 'info' | 'error';
  eventSources: CrossNamespaceObjectReference[];
  inclusionList?: string[];
  exclusionList?: string[];
  eventMetadata?: Record<string, string>;
  /** Deprecated: `eventMetadata.summary`. */
  summary?: string;
  suspend?: boolean;
}

export type Alert = FluxObject<AlertSpec>;

/** v1beta2 → v1beta3: the same fields; v1beta3 dropped the status. */
export function convertAlert(obj: KubeObject): Alert {
  return sameFields<Alert>(obj, 'notification.toolkit.fluxcd.io/v1beta3');
}

/** The CRD's default: `eventSeverity: info` (every event). */
export function defaultAlert(obj: Alert): Alert {
  obj.spec.eventSeverity ??= 'info';
  return obj;
}

/** Checks one `CrossNamespaceObjectReference` (Alert event source, Receiver resource). */
export function checkCrossNamespaceRef(c: Checker, field: string, value: unknown): void {
  if (!c.object(field, value, true)) return;
  const r = value as Record<string, unknown>;
  c.string(`${field}.apiVersion`, r.apiVersion);
  c.oneOf(`${field}.kind`, r.kind, NOTIFICATION_SOURCE_KINDS, true);
  c.string(`${field}.name`, r.name, { required: true, max: 253 });
  c.string(`${field}.namespace`, r.namespace, { max: 253 });
  if (c.object(`${field}.matchLabels`, r.matchLabels)) {
    for (const [k, v] of Object.entries(r.matchLabels as Record<string, unknown>)) c.string(`${field}.matchLabels.${k}`, v);
  }
}

function checkRegexps(c: Checker, field: string, value: unknown): void {
  if (!c.array(field, value)) return;
  value.forEach((v, i) => {
    c.string(`${field}[${i}]`, v, { required: true });
    if (typeof v !== 'string') return;
    try {
      new RegExp(v);
    } catch (err) {
      c.fail(`${field}[${i}]`, `"${v}" is not a valid regular expression: ${(err as Error).message}`);
    }
  });
}

/** Field errors of an Alert in any accepted version. */
export function validateAlert(obj: KubeObject): Checker {
  const c = new Checker();
  checkMetadata(c, obj);
  if (!c.object('spec', obj.spec, true)) return c;
  const s = obj.spec as Record<string, unknown>;
  checkLocalRef(c, 'spec.providerRef', s.providerRef, true);
  c.oneOf('spec.eventSeverity', s.eventSeverity, ['info', 'error']);
  if (s.eventSources === undefined) c.fail('spec.eventSources', 'Required value');
  else if (c.array('spec.eventSources', s.eventSources)) s.eventSources.forEach((e, i) => checkCrossNamespaceRef(c, `spec.eventSources[${i}]`, e));
  checkRegexps(c, 'spec.inclusionList', s.inclusionList);
  checkRegexps(c, 'spec.exclusionList', s.exclusionList);
  if (c.object('spec.eventMetadata', s.eventMetadata)) {
    for (const [k, v] of Object.entries(s.eventMetadata as Record<string, unknown>)) c.string(`spec.eventMetadata.${k}`, v);
  }
  c.string('spec.summary', s.summary, { max: 255 });
  c.boolean('spec.suspend', s.suspend);
  return c;
}
