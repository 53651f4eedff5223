/** Types and checks shared by the Flux kinds. */
import { stringify } from 'yaml';
import type { KubeObject, ObjectMeta } from '../meta.js';
import type { Condition } from '../conditions.js';
import { Checker, DNS1123_LABEL, DNS1123_SUBDOMAIN, asRecord } from '../validation.js';

export interface LocalObjectReference {
  name: string;
}

export interface NamespacedObjectKindReference {
  apiVersion?: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface DependencyReference {
  name: string;
  namespace?: string;
  /** fluxion extension (flux2 #3364): depend on another kind, e.g. `HelmRelease`. */
  kind?: string;
  /** Flux 2.6+: a CEL expression evaluated against the dependency. */
  readyExpr?: string;
}

export interface Artifact {
  path: string;
  url: string;
  revision: string;
  digest?: string;
  lastUpdateTime: string;
  size?: number;
  metadata?: Record<string, string>;
}

/** Fields every Flux status has. */
export interface FluxStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  lastHandledReconcileAt?: string;
}

export interface FluxObject<Spec, Status extends FluxStatus = FluxStatus> extends KubeObject {
  metadata: ObjectMeta;
  spec: Spec;
  status?: Status;
}

/** `metadata.name` must be a DNS-1123 subdomain and `metadata.namespace` a label, as the API server requires. */
export function checkMetadata(c: Checker, obj: KubeObject): void {
  const meta = asRecord(obj.metadata);
  c.string('metadata.name', meta.name, { required: true, pattern: DNS1123_SUBDOMAIN, patternText: 'a lowercase RFC 1123 subdomain', max: 253 });
  c.string('metadata.namespace', meta.namespace, { pattern: DNS1123_LABEL, patternText: 'a lowercase RFC 1123 label', max: 63 });
}

/** A `{name}` reference: the object, when present, must name something. */
export function checkLocalRef(c: Checker, field: string, value: unknown, required = false): void {
  if (!c.object(field, value, required)) return;
  c.string(`${field}.name`, (value as Record<string, unknown>).name, { required: true });
}

/** `dependsOn` entries: a name each, and a kind from `kinds` when given. */
export function checkDependsOn(c: Checker, field: string, value: unknown, kinds?: readonly string[]): void {
  if (!c.array(field, value)) return;
  value.forEach((d, i) => {
    if (!c.object(`${field}[${i}]`, d, true)) return;
    const dep = d as Record<string, unknown>;
    c.string(`${field}[${i}].name`, dep.name, { required: true });
    c.string(`${field}[${i}].namespace`, dep.namespace);
    if (kinds) c.oneOf(`${field}[${i}].kind`, dep.kind, kinds);
  });
}

/** A deep copy that drops `undefined` (objects in a cluster never hold it). */
export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Conversion between versions that have the same fields: a copy under the storage `apiVersion`. */
export function sameFields<T extends KubeObject>(obj: KubeObject, apiVersion: string): T {
  const out = clone(obj);
  out.apiVersion = apiVersion;
  out.spec = asRecord(out.spec);
  return out as T;
}

/**
 * Moves the deprecated `patchesStrategicMerge` (objects) and `patchesJson6902` (op lists) of a
 * kustomize-like block into `patches` entries, in place — as Flux's v1/v2 APIs expect them.
 */
export function convertLegacyPatches(block: Record<string, unknown>): void {
  const patches = Array.isArray(block.patches) ? (block.patches as { patch: string; target?: unknown }[]) : [];
  if (Array.isArray(block.patchesStrategicMerge)) for (const p of block.patchesStrategicMerge) patches.push({ patch: stringify(p) });
  if (Array.isArray(block.patchesJson6902)) {
    for (const p of block.patchesJson6902 as { target?: unknown; patch?: unknown }[]) {
      patches.push({ patch: stringify(p.patch ?? []), ...(p.target ? { target: p.target } : {}) });
    }
  }
  delete block.patchesStrategicMerge;
  delete block.patchesJson6902;
  if (patches.length) block.patches = patches;
}
