/**
 * source.toolkit.fluxcd.io ExternalArtifact (v1): an artifact produced by a controller other
 * than source-controller (here, the ArtifactGenerator). Its spec only says who produces it;
 * `status.artifact` is what Kustomizations and HelmReleases consume.
 */
import type { KubeObject } from '../meta.js';
import { Checker, asRecord } from '../validation.js';
import type { Artifact, FluxObject, FluxStatus, NamespacedObjectKindReference } from './common.js';
import { checkMetadata, clone } from './common.js';

export interface ExternalArtifactSpec {
  /** The object the artifact is generated for (an ArtifactGenerator). */
  sourceRef?: NamespacedObjectKindReference;
}

export interface ExternalArtifactStatus extends FluxStatus {
  artifact?: Artifact;
}

export type ExternalArtifact = FluxObject<ExternalArtifactSpec, ExternalArtifactStatus>;

/** v1 is the only version: a copy with `spec` made an object. */
export function convertExternalArtifact(obj: KubeObject): ExternalArtifact {
  const out = clone(obj) as ExternalArtifact;
  out.spec = asRecord(out.spec) as ExternalArtifactSpec;
  return out;
}

/** No schema defaults. */
export function defaultExternalArtifact(obj: ExternalArtifact): ExternalArtifact {
  return obj;
}

/** Field errors of an ExternalArtifact. */
export function validateExternalArtifact(obj: KubeObject): Checker {
  const c = new Checker();
  checkMetadata(c, obj);
  if (!c.object('spec', obj.spec)) return c;
  const s = obj.spec as Record<string, unknown>;
  if (c.object('spec.sourceRef', s.sourceRef)) {
    const r = s.sourceRef as Record<string, unknown>;
    c.string('spec.sourceRef.apiVersion', r.apiVersion);
    c.string('spec.sourceRef.kind', r.kind, { required: true });
    c.string('spec.sourceRef.name', r.name, { required: true });
    c.string('spec.sourceRef.namespace', r.namespace);
  }
  return c;
}
