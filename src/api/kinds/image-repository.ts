/** image.toolkit.fluxcd.io ImageRepository (storage v1; accepts v1beta2). */
import type { KubeObject } from '../meta.js';
import { Checker } from '../validation.js';
import type { FluxObject, FluxStatus, LocalObjectReference } from './common.js';
import { checkLocalRef, checkMetadata, sameFields } from './common.js';

export interface ImageRepositorySpec {
  image: string;
  interval: string;
  timeout?: string;
  secretRef?: LocalObjectReference;
  serviceAccountName?: string;
  certSecretRef?: LocalObjectReference;
  proxySecretRef?: LocalObjectReference;
  accessFrom?: { namespaceSelectors: { matchLabels?: Record<string, string> }[] };
  suspend?: boolean;
  exclusionList?: string[];
  provider?: 'generic' | 'aws' | 'azure' | 'gcp';
  insecure?: boolean;
}

export interface ScanResultStatus {
  revision?: string;
  tagCount: number;
  scanTime?: string;
  latestTags?: string[];
}

export interface ImageRepositoryStatus extends FluxStatus {
  canonicalImageName?: string;
  lastScanResult?: ScanResultStatus;
  observedExclusionList?: string[];
}

export type ImageRepository = FluxObject<ImageRepositorySpec, ImageRepositoryStatus>;

/** v1beta2 → v1: the same fields. */
export function convertImageRepository(obj: KubeObject): ImageRepository {
  return sameFields<ImageRepository>(obj, 'image.toolkit.fluxcd.io/v1');
}

/** The CRD's schema defaults: `exclusionList: ['^.*\.sig$']`, `provider: generic`. */
export function defaultImageRepository(obj: ImageRepository): ImageRepository {
  obj.spec.exclusionList ??= ['^.*\\.sig$'];
  obj.spec.provider ??= 'generic';
  return obj;
}

/** Field errors of an ImageRepository in any accepted version. */
export function validateImageRepository(obj: KubeObject): Checker {
  const c = new Checker();
  checkMetadata(c, obj);
  if (!c.object('spec', obj.spec, true)) return c;
  const s = obj.spec as Record<string, unknown>;
  c.string('spec.image', s.image, { required: true });
  c.duration('spec.interval', s.interval, true);
  c.duration('spec.timeout', s.timeout);
  c.oneOf('spec.provider', s.provider, ['generic', 'aws', 'azure', 'gcp']);
  checkLocalRef(c, 'spec.secretRef', s.secretRef);
  checkLocalRef(c, 'spec.certSecretRef', s.certSecretRef);
  checkLocalRef(c, 'spec.proxySecretRef', s.proxySecretRef);
  c.string('spec.serviceAccountName', s.serviceAccountName);
  c.boolean('spec.insecure', s.insecure);
  c.boolean('spec.suspend', s.suspend);
  if (c.array('spec.exclusionList', s.exclusionList)) {
    if (s.exclusionList.length > 25) c.fail('spec.exclusionList', `must have at most 25 items, got ${s.exclusionList.length}`);
    s.exclusionList.forEach((p, i) => c.string(`spec.exclusionList[${i}]`, p, { required: true }));
  }
  c.object('spec.accessFrom', s.accessFrom);
  return c;
}
