/** source.toolkit.fluxcd.io HelmRepository (storage v1; accepts v1beta2 and v1beta1). */
import type { KubeObject } from '../meta.js';
import { Checker, asRecord } from '../validation.js';
import type { Artifact, FluxObject, FluxStatus, LocalObjectReference } from './common.js';
import { checkLocalRef, checkMetadata, clone } from './common.js';

export interface HelmRepositorySpec {
  url: string;
  type?: 'default' | 'oci';
  secretRef?: LocalObjectReference;
  certSecretRef?: LocalObjectReference;
  passCredentials?: boolean;
  insecure?: boolean;
  interval?: string;
  timeout?: string;
  suspend?: boolean;
  provider?: 'generic' | 'aws' | 'azure' | 'gcp';
}

export interface HelmRepositoryStatus extends FluxStatus {
  url?: string;
  artifact?: Artifact;
}

export type HelmRepository = FluxObject<HelmRepositorySpec, HelmRepositoryStatus>;

/** v1beta2/v1beta1 → v1: `accessFrom` (never implemented by Flux's ACL) is dropped. */
export function convertHelmRepository(obj: KubeObject): HelmRepository {
  const out = clone(obj) as HelmRepository;
  out.apiVersion = 'source.toolkit.fluxcd.io/v1';
  const spec = asRecord(out.spec) as Record<string, unknown>;
  delete spec.accessFrom;
  out.spec = spec as unknown as HelmRepositorySpec;
  return out;
}

/** The CRD's schema defaults: `type: default`, `provider: generic`. */
export function defaultHelmRepository(obj: HelmRepository): HelmRepository {
  obj.spec.type ??= 'default';
  obj.spec.provider ??= 'generic';
  return obj;
}

/** Field errors of a HelmRepository in any accepted version. */
export function validateHelmRepository(obj: KubeObject): Checker {
  const c = new Checker();
  checkMetadata(c, obj);
  if (!c.object('spec', obj.spec, true)) return c;
  const s = obj.spec as Record<string, unknown>;
  c.string('spec.url', s.url, { required: true, pattern: /^(http|https|oci):\/\/.+$/, patternText: '^(http|https|oci)://.*$' });
  c.oneOf('spec.type', s.type, ['default', 'oci']);
  c.oneOf('spec.provider', s.provider, ['generic', 'aws', 'azure', 'gcp']);
  // Interval is optional only for OCI repositories, which produce no artifact.
  c.duration('spec.interval', s.interval, s.type !== 'oci');
  c.duration('spec.timeout', s.timeout);
  checkLocalRef(c, 'spec.secretRef', s.secretRef);
  checkLocalRef(c, 'spec.certSecretRef', s.certSecretRef);
  c.boolean('spec.suspend', s.suspend);
  if (s.type === 'oci' && typeof s.url === 'string' && !s.url.startsWith('oci://')) c.fail('spec.url', 'must start with oci:// when spec.type is oci');
  return c;
}
