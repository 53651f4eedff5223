/** source.toolkit.fluxcd.io GitRepository (storage v1; accepts v1beta2 and v1beta1). */
import type { KubeObject } from '../meta.js';
import { Checker, asRecord, isSemverRange } from '../validation.js';
import type { Artifact, FluxObject, FluxStatus, LocalObjectReference } from './common.js';
import { checkLocalRef, checkMetadata, clone } from './common.js';

export interface GitRepositoryRef {
  branch?: string;
  tag?: string;
  semver?: string;
  name?: string;
  commit?: string;
}

export interface GitRepositoryInclude {
  repository: LocalObjectReference;
  fromPath?: string;
  toPath?: string;
}

export interface GitRepositorySpec {
  url: string;
  secretRef?: LocalObjectReference;
  provider?: 'generic' | 'aws' | 'azure' | 'github';
  interval: string;
  timeout?: string;
  ref?: GitRepositoryRef;
  verify?: { mode?: 'HEAD' | 'Tag' | 'TagAndHEAD'; secretRef?: LocalObjectReference };
  proxySecretRef?: LocalObjectReference;
  ignore?: string;
  suspend?: boolean;
  recurseSubmodules?: boolean;
  include?: GitRepositoryInclude[];
  sparseCheckout?: string[];
}

export interface GitRepositoryStatus extends FluxStatus {
  artifact?: Artifact;
  includedArtifacts?: Artifact[];
  observedIgnore?: string;
  observedRecurseSubmodules?: boolean;
  observedInclude?: GitRepositoryInclude[];
  observedSparseCheckout?: string[];
  sourceVerificationMode?: string;
}

export type GitRepository = FluxObject<GitRepositorySpec, GitRepositoryStatus>;

/** Flux's `^(http|https|ssh)://`, widened for local repositories (`file://`, absolute paths). */
export const GIT_URL_PATTERN = /^((http|https|ssh|file):\/\/.+|\/.+)$/;

/**
 * v1beta2/v1beta1 → v1: `gitImplementation` and `accessFrom` are gone; v1beta2's only
 * verification mode `head` is v1's `HEAD` (v1 still admits `head` for compatibility, and so do
 * we, but storage holds the canonical spelling); everything else is carried.
 */
export function convertGitRepository(obj: KubeObject): GitRepository {
  const out = clone(obj) as GitRepository;
  out.apiVersion = 'source.toolkit.fluxcd.io/v1';
  const spec = asRecord(out.spec) as Record<string, unknown>;
  delete spec.gitImplementation;
  delete spec.accessFrom;
  const verify = spec.verify;
  if (verify && typeof verify === 'object' && (verify as Record<string, unknown>).mode === 'head') (verify as Record<string, unknown>).mode = 'HEAD';
  out.spec = spec as unknown as GitRepositorySpec;
  return out;
}

/** The API server's schema defaults (the CRD's `default:` values). */
export function defaultGitRepository(obj: GitRepository): GitRepository {
  obj.spec.timeout ??= '60s';
  if (obj.spec.verify) obj.spec.verify.mode ??= 'HEAD';
  return obj;
}

/** Field errors of a GitRepository in any accepted version. */
export function validateGitRepository(obj: KubeObject): Checker {
  const c = new Checker();
  checkMetadata(c, obj);
  if (!c.object('spec', obj.spec, true)) return c;
  const s = obj.spec as Record<string, unknown>;
  c.string('spec.url', s.url, {
    required: true,
    pattern: GIT_URL_PATTERN,
    patternText: '^(http|https|ssh)://.*$ (fluxion also accepts file:// and absolute local paths)',
  });
  c.duration('spec.interval', s.interval, true);
  c.duration('spec.timeout', s.timeout);
  c.oneOf('spec.provider', s.provider, ['generic', 'aws', 'azure', 'github']);
  checkLocalRef(c, 'spec.secretRef', s.secretRef);
  checkLocalRef(c, 'spec.proxySecretRef', s.proxySecretRef);
  c.boolean('spec.suspend', s.suspend);
  c.string('spec.ignore', s.ignore);
  if (c.object('spec.ref', s.ref)) {
    const ref = s.ref as Record<string, unknown>;
    for (const k of ['branch', 'tag', 'semver', 'name', 'commit']) c.string(`spec.ref.${k}`, ref[k]);
    if (typeof ref.name === 'string' && ref.name && !ref.name.startsWith('refs/')) c.fail('spec.ref.name', `"${ref.name}" must be a full reference starting with refs/`);
    if (typeof ref.semver === 'string' && !isSemverRange(ref.semver)) c.fail('spec.ref.semver', `"${ref.semver}" is not a valid semver range`);
    if (typeof ref.commit === 'string' && ref.commit && !/^[0-9a-f]{7,40}$/.test(ref.commit)) c.fail('spec.ref.commit', `"${ref.commit}" is not a SHA-1 commit hash`);
  }
  if (c.object('spec.verify', s.verify)) {
    const v = s.verify as Record<string, unknown>;
    c.oneOf('spec.verify.mode', v.mode, ['head', 'HEAD', 'Tag', 'TagAndHEAD']);
    checkLocalRef(c, 'spec.verify.secretRef', v.secretRef, true);
  }
  if (c.array('spec.include', s.include)) {
    s.include.forEach((inc, i) => {
      if (!c.object(`spec.include[${i}]`, inc, true)) return;
      checkLocalRef(c, `spec.include[${i}].repository`, (inc as Record<string, unknown>).repository, true);
    });
  }
  return c;
}

/** The reference to check out: Flux's precedence is commit > name > semver > tag > branch; default branch `master`. */
export function effectiveGitRef(spec: GitRepositorySpec): GitRepositoryRef {
  const ref = spec.ref ?? {};
  if (!ref.branch && !ref.tag && !ref.semver && !ref.name && !ref.commit) return { branch: 'master' };
  return ref;
}
