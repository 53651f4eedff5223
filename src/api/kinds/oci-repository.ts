/** source.toolkit.fluxcd.io OCIRepository (storage v1; accepts v1beta2). */
import type { KubeObject } from '../meta.js';
import { Checker, isSemverRange } from '../validation.js';
import type { Artifact, FluxObject, FluxStatus, LocalObjectReference } from './common.js';
import { checkLocalRef, checkMetadata, sameFields } from './common.js';

export interface OCIRepositoryRef {
  tag?: string;
  semver?: string;
  semverFilter?: string;
  digest?: string;
}

export interface OCILayerSelector {
  mediaType?: string;
  operation?: 'extract' | 'copy';
}

export interface OCIRepositorySpec {
  url: string;
  ref?: OCIRepositoryRef;
  layerSelector?: OCILayerSelector;
  provider?: 'generic' | 'aws' | 'azure' | 'gcp';
  secretRef?: LocalObjectReference;
  verify?: { provider: 'cosign' | 'notation'; secretRef?: LocalObjectReference; matchOIDCIdentity?: { issuer: string; subject: string }[] };
  serviceAccountName?: string;
  certSecretRef?: LocalObjectReference;
  proxySecretRef?: LocalObjectReference;
  interval: string;
  timeout?: string;
  ignore?: string;
  insecure?: boolean;
  suspend?: boolean;
}

export interface OCIRepositoryStatus extends FluxStatus {
  url?: string;
  artifact?: Artifact;
  observedIgnore?: string;
  observedLayerSelector?: OCILayerSelector;
}

export type OCIRepository = FluxObject<OCIRepositorySpec, OCIRepositoryStatus>;

/** v1beta2 → v1: the same fields. */
export function convertOCIRepository(obj: KubeObject): OCIRepository {
  return sameFields<OCIRepository>(obj, 'source.toolkit.fluxcd.io/v1');
}

/** The CRD's schema defaults: `provider: generic`, `timeout: 60s`, layer `operation: extract`. */
export function defaultOCIRepository(obj: OCIRepository): OCIRepository {
  obj.spec.provider ??= 'generic';
  obj.spec.timeout ??= '60s';
  if (obj.spec.layerSelector && obj.spec.layerSelector.mediaType !== undefined) obj.spec.layerSelector.operation ??= 'extract';
  return obj;
}

export const OCI_URL_PATTERN = /^oci:\/\/.+$/;

/** Field errors of an OCIRepository in any accepted version. */
export function validateOCIRepository(obj: KubeObject): Checker {
  const c = new Checker();
  checkMetadata(c, obj);
  if (!c.object('spec', obj.spec, true)) return c;
  const s = obj.spec as Record<string, unknown>;
  c.string('spec.url', s.url, { required: true, pattern: OCI_URL_PATTERN, patternText: '^oci://.*$' });
  c.duration('spec.interval', s.interval, true);
  c.duration('spec.timeout', s.timeout);
  c.oneOf('spec.provider', s.provider, ['generic', 'aws', 'azure', 'gcp']);
  checkLocalRef(c, 'spec.secretRef', s.secretRef);
  checkLocalRef(c, 'spec.certSecretRef', s.certSecretRef);
  checkLocalRef(c, 'spec.proxySecretRef', s.proxySecretRef);
  c.string('spec.serviceAccountName', s.serviceAccountName);
  c.string('spec.ignore', s.ignore);
  c.boolean('spec.insecure', s.insecure);
  c.boolean('spec.suspend', s.suspend);
  if (c.object('spec.ref', s.ref)) {
    const ref = s.ref as Record<string, unknown>;
    for (const k of ['tag', 'semver', 'semverFilter', 'digest']) c.string(`spec.ref.${k}`, ref[k]);
    if (typeof ref.semver === 'string' && ref.semver && !isSemverRange(ref.semver)) c.fail('spec.ref.semver', `"${ref.semver}" is not a valid semver range`);
    if (typeof ref.semverFilter === 'string') {
      try {
        new RegExp(ref.semverFilter);
      } catch (err) {
        c.fail('spec.ref.semverFilter', `"${ref.semverFilter}" is not a valid regular expression: ${(err as Error).message}`);
      }
    }
    if (typeof ref.digest === 'string' && ref.digest && !/^sha256:[0-9a-f]{64}$/.test(ref.digest)) c.fail('spec.ref.digest', `"${ref.digest}" is not a sha256 digest (sha256:<64 hex>)`);
  }
  if (c.object('spec.layerSelector', s.layerSelector)) {
    const l = s.layerSelector as Record<string, unknown>;
    c.string('spec.layerSelector.mediaType', l.mediaType);
    c.oneOf('spec.layerSelector.operation', l.operation, ['extract', 'copy']);
  }
  if (c.object('spec.verify', s.verify)) {
    const v = s.verify as Record<string, unknown>;
    c.oneOf('spec.verify.provider', v.provider, ['cosign', 'notation'], true);
    checkLocalRef(c, 'spec.verify.secretRef', v.secretRef);
    if (c.array('spec.verify.matchOIDCIdentity', v.matchOIDCIdentity)) {
      v.matchOIDCIdentity.forEach((m, i) => {
        if (!c.object(`spec.verify.matchOIDCIdentity[${i}]`, m, true)) return;
        c.string(`spec.verify.matchOIDCIdentity[${i}].issuer`, (m as Record<string, unknown>).issuer, { required: true });
        c.string(`spec.verify.matchOIDCIdentity[${i}].subject`, (m as Record<string, unknown>).subject, { required: true });
      });
    }
  }
  return c;
}
