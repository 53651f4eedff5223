/** kustomize.toolkit.fluxcd.io Kustomization (storage v1; accepts v1beta2 and v1beta1). */
import type { KubeObject } from '../meta.js';
import { parseDuration } from '../duration.js';
import { Checker, DNS1123_LABEL, asRecord } from '../validation.js';
import type { DependencyReference, FluxObject, FluxStatus, LocalObjectReference, NamespacedObjectKindReference } from './common.js';
import { checkDependsOn, checkLocalRef, checkMetadata, clone, convertLegacyPatches } from './common.js';

export interface KustomizePatchSelector {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
}

export interface KustomizePatch {
  patch: string;
  target?: KustomizePatchSelector;
}

export interface KustomizeImage {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

export interface SubstituteReference {
  kind: 'ConfigMap' | 'Secret';
  name: string;
  optional?: boolean;
}

export interface KustomizationSpec {
  sourceRef: NamespacedObjectKindReference;
  path?: string;
  interval: string;
  retryInterval?: string;
  timeout?: string;
  prune: boolean;
  deletionPolicy?: 'MirrorPrune' | 'Delete' | 'WaitForTermination' | 'Orphan';
  wait?: boolean;
  healthChecks?: NamespacedObjectKindReference[];
  healthCheckExprs?: { apiVersion: string; kind: string; current: string; failed?: string; inProgress?: string }[];
  dependsOn?: DependencyReference[];
  targetNamespace?: string;
  namePrefix?: string;
  nameSuffix?: string;
  patches?: KustomizePatch[];
  images?: KustomizeImage[];
  components?: string[];
  commonMetadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  force?: boolean;
  /** Fields to leave alone when correcting drift (JSON pointers), optionally per target. */
  ignore?: { paths: string[]; target?: KustomizePatchSelector }[];
  suspend?: boolean;
  postBuild?: { substitute?: Record<string, string>; substituteFrom?: SubstituteReference[] };
  decryption?: { provider: 'sops'; secretRef?: LocalObjectReference };
  serviceAccountName?: string;
  kubeConfig?: { secretRef: { name: string; key?: string } };
  ignoreMissingComponents?: boolean;
}

export interface InventoryEntry {
  /** `<namespace>_<name>_<group>_<Kind>` */
  id: string;
  /** API version of the applied object. */
  v: string;
}

export interface KustomizationStatus extends FluxStatus {
  lastAppliedRevision?: string;
  lastAttemptedRevision?: string;
  lastAppliedOriginRevision?: string;
  inventory?: { entries: InventoryEntry[] };
  history?: { digest: string; firstReconciled: string; lastReconciled: string; lastReconciledDuration: string; lastReconciledStatus: string; totalReconciliations: number; metadata?: Record<string, string> }[];
}

export type Kustomization = FluxObject<KustomizationSpec, KustomizationStatus>;

export const KUSTOMIZATION_SOURCE_KINDS = ['GitRepository', 'OCIRepository', 'Bucket', 'ExternalArtifact'] as const;

/**
 * v1beta2/v1beta1 → v1: `patchesStrategicMerge` (objects) and `patchesJson6902` (op lists) become
 * `patches` entries; `validation` is dropped (v1 always validates server-side).
 */
export function convertKustomization(obj: KubeObject): Kustomization {
  const out = clone(obj) as Kustomization;
  out.apiVersion = 'kustomize.toolkit.fluxcd.io/v1';
  const spec = asRecord(out.spec) as Record<string, unknown>;
  convertLegacyPatches(spec);
  delete spec.validation;
  out.spec = spec as unknown as KustomizationSpec;
  return out;
}

/** The CRD's schema defaults. */
export function defaultKustomization(obj: Kustomization): Kustomization {
  obj.spec.force ??= false;
  return obj;
}

/** Field errors of a Kustomization in any accepted version. */
export function validateKustomization(obj: KubeObject): Checker {
  const c = new Checker();
  checkMetadata(c, obj);
  if (!c.object('spec', obj.spec, true)) return c;
  const s = obj.spec as Record<string, unknown>;
  if (c.object('spec.sourceRef', s.sourceRef, true)) {
    const ref = s.sourceRef as Record<string, unknown>;
    c.oneOf('spec.sourceRef.kind', ref.kind, KUSTOMIZATION_SOURCE_KINDS, true);
    c.string('spec.sourceRef.name', ref.name, { required: true });
  }
  c.duration('spec.interval', s.interval, true);
  c.duration('spec.retryInterval', s.retryInterval);
  c.duration('spec.timeout', s.timeout);
  if (s.prune === undefined || s.prune === null) c.fail('spec.prune', 'Required value');
  else c.boolean('spec.prune', s.prune);
  c.string('spec.path', s.path);
  c.oneOf('spec.deletionPolicy', s.deletionPolicy, ['MirrorPrune', 'Delete', 'WaitForTermination', 'Orphan']);
  c.boolean('spec.wait', s.wait);
  c.boolean('spec.force', s.force);
  c.boolean('spec.suspend', s.suspend);
  c.string('spec.targetNamespace', s.targetNamespace, { pattern: DNS1123_LABEL, patternText: 'a lowercase RFC 1123 label', max: 63 });
  c.string('spec.namePrefix', s.namePrefix, { max: 200 });
  c.string('spec.nameSuffix', s.nameSuffix, { max: 200 });
  checkDependsOn(c, 'spec.dependsOn', s.dependsOn, ['Kustomization', 'HelmRelease']);
  if (c.array('spec.healthChecks', s.healthChecks)) {
    s.healthChecks.forEach((h, i) => {
      if (!c.object(`spec.healthChecks[${i}]`, h, true)) return;
      const hc = h as Record<string, unknown>;
      c.string(`spec.healthChecks[${i}].kind`, hc.kind, { required: true });
      c.string(`spec.healthChecks[${i}].name`, hc.name, { required: true });
    });
  }
  // Older versions' patch lists: checked before conversion so a malformed one is an error, not silently dropped.
  if (c.array('spec.patchesStrategicMerge', s.patchesStrategicMerge)) {
    s.patchesStrategicMerge.forEach((p, i) => c.object(`spec.patchesStrategicMerge[${i}]`, p, true));
  }
  if (c.array('spec.patchesJson6902', s.patchesJson6902)) {
    s.patchesJson6902.forEach((p, i) => {
      if (!c.object(`spec.patchesJson6902[${i}]`, p, true)) return;
      const patch = (p as Record<string, unknown>).patch;
      if (!Array.isArray(patch)) c.fail(`spec.patchesJson6902[${i}].patch`, patch === undefined ? 'Required value' : 'must be a list of JSON 6902 operations');
    });
  }
  c.oneOf('spec.validation', s.validation, ['none', 'client', 'server']);
  if (c.array('spec.healthCheckExprs', s.healthCheckExprs)) {
    s.healthCheckExprs.forEach((h, i) => {
      if (!c.object(`spec.healthCheckExprs[${i}]`, h, true)) return;
      const e = h as Record<string, unknown>;
      for (const k of ['apiVersion', 'kind', 'current']) c.string(`spec.healthCheckExprs[${i}].${k}`, e[k], { required: true });
      for (const k of ['failed', 'inProgress']) c.string(`spec.healthCheckExprs[${i}].${k}`, e[k]);
    });
  }
  if (c.object('spec.kubeConfig', s.kubeConfig)) {
    const kc = s.kubeConfig as Record<string, unknown>;
    if (c.object('spec.kubeConfig.secretRef', kc.secretRef, true)) {
      const ref = kc.secretRef as Record<string, unknown>;
      c.string('spec.kubeConfig.secretRef.name', ref.name, { required: true });
      c.string('spec.kubeConfig.secretRef.key', ref.key);
    }
  }
  if (c.array('spec.ignore', s.ignore)) {
    s.ignore.forEach((r, i) => {
      if (!c.object(`spec.ignore[${i}]`, r, true)) return;
      const paths = (r as Record<string, unknown>).paths;
      if (paths === undefined || paths === null) c.fail(`spec.ignore[${i}].paths`, 'Required value');
      else if (c.array(`spec.ignore[${i}].paths`, paths)) paths.forEach((p, j) => c.string(`spec.ignore[${i}].paths[${j}]`, p, { required: true }));
    });
  }
  if (c.array('spec.patches', s.patches)) {
    s.patches.forEach((p, i) => {
      if (!c.object(`spec.patches[${i}]`, p, true)) return;
      c.string(`spec.patches[${i}].patch`, (p as Record<string, unknown>).patch, { required: true });
    });
  }
  if (c.array('spec.images', s.images)) {
    s.images.forEach((im, i) => {
      if (!c.object(`spec.images[${i}]`, im, true)) return;
      c.string(`spec.images[${i}].name`, (im as Record<string, unknown>).name, { required: true });
    });
  }
  if (c.object('spec.postBuild', s.postBuild)) {
    const pb = s.postBuild as Record<string, unknown>;
    if (c.object('spec.postBuild.substitute', pb.substitute)) {
      for (const [k, v] of Object.entries(pb.substitute as Record<string, unknown>)) {
        if (!/^[_a-zA-Z][_a-zA-Z0-9]*$/.test(k)) c.fail(`spec.postBuild.substitute.${k}`, 'variable names must match ^[_a-zA-Z][_a-zA-Z0-9]*$');
        if (typeof v !== 'string') c.fail(`spec.postBuild.substitute.${k}`, 'must be a string');
      }
    }
    if (c.array('spec.postBuild.substituteFrom', pb.substituteFrom)) {
      pb.substituteFrom.forEach((r, i) => {
        if (!c.object(`spec.postBuild.substituteFrom[${i}]`, r, true)) return;
        const ref = r as Record<string, unknown>;
        c.oneOf(`spec.postBuild.substituteFrom[${i}].kind`, ref.kind, ['ConfigMap', 'Secret'], true);
        c.string(`spec.postBuild.substituteFrom[${i}].name`, ref.name, { required: true });
      });
    }
  }
  if (c.object('spec.decryption', s.decryption)) {
    const d = s.decryption as Record<string, unknown>;
    c.oneOf('spec.decryption.provider', d.provider, ['sops'], true);
    checkLocalRef(c, 'spec.decryption.secretRef', d.secretRef);
  }
  return c;
}

/** `spec.retryInterval`, defaulting to `spec.interval`. */
export function kustomizationRetryIntervalMs(spec: KustomizationSpec): number {
  return parseDuration(spec.retryInterval ?? spec.interval);
}

/** `spec.timeout`, defaulting to `spec.interval` minus 30s; never under 30s (Flux's GetTimeout). */
export function kustomizationTimeoutMs(spec: KustomizationSpec): number {
  const ms = spec.timeout ? parseDuration(spec.timeout) : parseDuration(spec.interval) - 30_000;
  return Math.max(ms, 30_000);
}
