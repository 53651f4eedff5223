/** source.toolkit.fluxcd.io Bucket (storage v1; accepts v1beta2): an S3-compatible bucket as a source. */
import type { KubeObject } from '../meta.js';
import { Checker } from '../validation.js';
import type { Artifact, FluxObject, FluxStatus, LocalObjectReference } from './common.js';
import { checkLocalRef, checkMetadata, sameFields } from './common.js';

export const BUCKET_PROVIDERS = ['generic', 'aws', 'gcp', 'azure'] as const;
export const BUCKET_STS_PROVIDERS = ['aws', 'ldap'] as const;

export interface BucketSTSSpec {
  provider: (typeof BUCKET_STS_PROVIDERS)[number];
  endpoint: string;
  secretRef?: LocalObjectReference;
  certSecretRef?: LocalObjectReference;
}

export interface BucketSpec {
  provider?: (typeof BUCKET_PROVIDERS)[number];
  bucketName: string;
  /** `host[:port]`, no scheme: TLS unless `insecure`. */
  endpoint: string;
  sts?: BucketSTSSpec;
  insecure?: boolean;
  region?: string;
  prefix?: string;
  secretRef?: LocalObjectReference;
  serviceAccountName?: string;
  certSecretRef?: LocalObjectReference;
  proxySecretRef?: LocalObjectReference;
  interval: string;
  timeout?: string;
  ignore?: string;
  suspend?: boolean;
}

export interface BucketStatus extends FluxStatus {
  url?: string;
  artifact?: Artifact;
  observedIgnore?: string;
}

export type Bucket = FluxObject<BucketSpec, BucketStatus>;

/** v1beta2 → v1: the same fields. */
export function convertBucket(obj: KubeObject): Bucket {
  return sameFields<Bucket>(obj, 'source.toolkit.fluxcd.io/v1');
}

/** The CRD's schema defaults: `provider: generic`, `timeout: 60s`. */
export function defaultBucket(obj: Bucket): Bucket {
  obj.spec.provider ??= 'generic';
  obj.spec.timeout ??= '60s';
  return obj;
}

/** Field errors of a Bucket in any accepted version, with the CRD's CEL rules. */
export function validateBucket(obj: KubeObject): Checker {
  const c = new Checker();
  checkMetadata(c, obj);
  if (!c.object('spec', obj.spec, true)) return c;
  const s = obj.spec as Record<string, unknown>;
  c.string('spec.bucketName', s.bucketName, { required: true });
  c.string('spec.endpoint', s.endpoint, { required: true });
  c.duration('spec.interval', s.interval, true);
  c.duration('spec.timeout', s.timeout);
  c.oneOf('spec.provider', s.provider, BUCKET_PROVIDERS);
  c.boolean('spec.insecure', s.insecure);
  c.boolean('spec.suspend', s.suspend);
  for (const k of ['region', 'prefix', 'serviceAccountName', 'ignore']) c.string(`spec.${k}`, s[k]);
  checkLocalRef(c, 'spec.secretRef', s.secretRef);
  checkLocalRef(c, 'spec.certSecretRef', s.certSecretRef);
  checkLocalRef(c, 'spec.proxySecretRef', s.proxySecretRef);
  const provider = typeof s.provider === 'string' ? s.provider : 'generic';
  if (c.object('spec.sts', s.sts)) {
    const sts = s.sts as Record<string, unknown>;
    c.oneOf('spec.sts.provider', sts.provider, BUCKET_STS_PROVIDERS, true);
    c.string('spec.sts.endpoint', sts.endpoint, { required: true, pattern: /^(http|https):\/\/.*$/, patternText: '^(http|https)://.*$' });
    checkLocalRef(c, 'spec.sts.secretRef', sts.secretRef);
    checkLocalRef(c, 'spec.sts.certSecretRef', sts.certSecretRef);
    if (provider !== 'aws' && provider !== 'generic') c.fail('spec', "STS configuration is only supported for the 'aws' and 'generic' Bucket providers");
    if (provider === 'aws' && sts.provider !== 'aws') c.fail('spec', "'aws' is the only supported STS provider for the 'aws' Bucket provider");
    if (provider === 'generic' && sts.provider !== 'ldap') c.fail('spec', "'ldap' is the only supported STS provider for the 'generic' Bucket provider");
    if (sts.provider === 'aws' && sts.secretRef !== undefined) c.fail('spec', "spec.sts.secretRef is not required for the 'aws' STS provider");
    if (sts.provider === 'aws' && sts.certSecretRef !== undefined) c.fail('spec', "spec.sts.certSecretRef is not required for the 'aws' STS provider");
  }
  if (provider === 'generic' && s.serviceAccountName !== undefined) c.fail('spec', "ServiceAccountName is not supported for the 'generic' Bucket provider");
  if (s.secretRef !== undefined && s.serviceAccountName !== undefined) c.fail('spec', 'cannot set both .spec.secretRef and .spec.serviceAccountName');
  return c;
}
