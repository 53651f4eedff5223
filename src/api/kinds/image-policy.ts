/** image.toolkit.fluxcd.io ImagePolicy (storage v1; accepts v1beta2). */
import type { KubeObject } from '../meta.js';
import { Checker } from '../validation.js';
import type { FluxObject, FluxStatus } from './common.js';
import { checkMetadata, sameFields } from './common.js';

export interface ImagePolicyChoiceSpec {
  semver?: { range: string };
  alphabetical?: { order?: 'asc' | 'desc' };
  numerical?: { order?: 'asc' | 'desc' };
}

export interface ImageRef {
  name: string;
  tag: string;
  digest?: string;
}

export interface ImagePolicySpec {
  imageRepositoryRef: { name: string; namespace?: string };
  policy: ImagePolicyChoiceSpec;
  filterTags?: { pattern?: string; extract?: string };
  digestReflectionPolicy?: 'Never' | 'IfNotPresent' | 'Always';
  interval?: string;
  suspend?: boolean;
}

export interface ImagePolicyStatus extends FluxStatus {
  latestRef?: ImageRef;
  observedPreviousRef?: ImageRef;
}

export type ImagePolicy = FluxObject<ImagePolicySpec, ImagePolicyStatus>;

/** v1beta2 → v1: the same fields. */
export function convertImagePolicy(obj: KubeObject): ImagePolicy {
  return sameFields<ImagePolicy>(obj, 'image.toolkit.fluxcd.io/v1');
}

/** The CRD's schema defaults: `digestReflectionPolicy: Never`, orders `asc`, filter pattern `^.*$`. */
export function defaultImagePolicy(obj: ImagePolicy): ImagePolicy {
  obj.spec.digestReflectionPolicy ??= 'Never';
  const p = obj.spec.policy;
  if (p?.alphabetical) p.alphabetical.order ??= 'asc';
  if (p?.numerical) p.numerical.order ??= 'asc';
  if (obj.spec.filterTags) obj.spec.filterTags.pattern ??= '^.*$';
  return obj;
}

/** Field errors of an ImagePolicy in any accepted version. */
export function validateImagePolicy(obj: KubeObject): Checker {
  const c = new Checker();
  checkMetadata(c, obj);
  if (!c.object('spec', obj.spec, true)) return c;
  const s = obj.spec as Record<string, unknown>;
  if (c.object('spec.imageRepositoryRef', s.imageRepositoryRef, true)) {
    const r = s.imageRepositoryRef as Record<string, unknown>;
    c.string('spec.imageRepositoryRef.name', r.name, { required: true });
    c.string('spec.imageRepositoryRef.namespace', r.namespace);
  }
  if (c.object('spec.policy', s.policy, true)) {
    const p = s.policy as Record<string, unknown>;
    const chosen = ['semver', 'alphabetical', 'numerical'].filter((k) => p[k] !== undefined);
    // Flux's factory takes the first of semver, alphabetical, numerical that is set.
    if (chosen.length === 0) c.fail('spec.policy', 'one of semver, alphabetical, numerical must be set');
    if (c.object('spec.policy.semver', p.semver)) c.string('spec.policy.semver.range', (p.semver as Record<string, unknown>).range, { required: true });
    if (c.object('spec.policy.alphabetical', p.alphabetical)) c.oneOf('spec.policy.alphabetical.order', (p.alphabetical as Record<string, unknown>).order, ['asc', 'desc']);
    if (c.object('spec.policy.numerical', p.numerical)) c.oneOf('spec.policy.numerical.order', (p.numerical as Record<string, unknown>).order, ['asc', 'desc']);
  }
  if (c.object('spec.filterTags', s.filterTags)) {
    const f = s.filterTags as Record<string, unknown>;
    c.string('spec.filterTags.pattern', f.pattern);
    c.string('spec.filterTags.extract', f.extract);
  }
  c.oneOf('spec.digestReflectionPolicy', s.digestReflectionPolicy, ['Never', 'IfNotPresent', 'Always']);
  c.duration('spec.interval', s.interval);
  c.boolean('spec.suspend', s.suspend);
  if (s.digestReflectionPolicy === 'Always' && s.interval === undefined) c.fail('spec.interval', "spec.interval must be set when spec.digestReflectionPolicy is set to 'Always'");
  return c;
}
