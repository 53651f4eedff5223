/**
 * source.extensions.fluxcd.io ArtifactGenerator (v1beta1), Flux's source-watcher: composes or
 * splits the artifacts of other sources into ExternalArtifacts, one per `spec.artifacts` entry.
 */
import type { KubeObject } from '../meta.js';
import { Checker, DNS1123_LABEL, DNS1123_SUBDOMAIN, asRecord } from '../validation.js';
import type { FluxObject, FluxStatus } from './common.js';
import { checkMetadata, clone } from './common.js';

/** Kinds a generator may read from. */
export const GENERATOR_SOURCE_KINDS = ['Bucket', 'GitRepository', 'OCIRepository', 'HelmChart', 'ExternalArtifact'] as const;
export const COPY_STRATEGIES = ['Overwrite', 'Merge', 'Extract'] as const;

export interface GeneratorSourceReference {
  alias: string;
  kind: (typeof GENERATOR_SOURCE_KINDS)[number];
  name: string;
  namespace?: string;
}

export interface GeneratorCopyOperation {
  /** `@alias/<glob or path>` */
  from: string;
  /** `@artifact/<path>`; a trailing `/` names a directory. */
  to: string;
  exclude?: string[];
  strategy?: (typeof COPY_STRATEGIES)[number];
}

export interface OutputArtifact {
  name: string;
  /** `@alias`: take that source's revision instead of `latest@<digest>`. */
  revision?: string;
  /** `@alias`: record that source's (origin) revision as `org.opencontainers.image.revision`. */
  originRevision?: string;
  copy: GeneratorCopyOperation[];
}

export interface ArtifactGeneratorSpec {
  commonMetadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  sources: GeneratorSourceReference[];
  pathPattern?: string;
  artifacts: OutputArtifact[];
}

/** One generated ExternalArtifact, as the inventory records it. */
export interface ExternalArtifactReference {
  name: string;
  namespace: string;
  digest: string;
  filename: string;
}

export interface ArtifactGeneratorStatus extends FluxStatus {
  inventory?: ExternalArtifactReference[];
  observedSourcesDigest?: string;
}

export type ArtifactGenerator = FluxObject<ArtifactGeneratorSpec, ArtifactGeneratorStatus>;

/** The label ExternalArtifacts carry naming their generator's UID (source-watcher's). */
export const GENERATOR_LABEL = 'source.extensions.fluxcd.io/generator';
/** Setting it to `disabled` pauses a generator, as source-watcher's annotation does. */
export const GENERATOR_RECONCILE_ANNOTATION = 'source.extensions.fluxcd.io/reconcile';
/** Artifact metadata key holding the origin revision. */
export const ORIGIN_REVISION_KEY = 'org.opencontainers.image.revision';

export const ALIAS_PATTERN = /^[a-z0-9]([a-z0-9_-]*[a-z0-9])?$/;
const SOURCE_NAME_PATTERN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const ALIAS_REF_PATTERN = /^@([a-z0-9]([a-z0-9_-]*[a-z0-9])?)$/;
const FROM_PATTERN = /^@([a-z0-9]([a-z0-9_-]*[a-z0-9])?)\/(.*)$/s;
const TO_PATTERN = /^@(artifact)\/(.*)$/s;

/** v1beta1 is the only version. */
export function convertArtifactGenerator(obj: KubeObject): ArtifactGenerator {
  const out = clone(obj) as ArtifactGenerator;
  out.spec = asRecord(out.spec) as unknown as ArtifactGeneratorSpec;
  return out;
}

/** No schema defaults (`strategy` is Overwrite when unset, decided at build time). */
export function defaultArtifactGenerator(obj: ArtifactGenerator): ArtifactGenerator {
  return obj;
}

/** The alias a `from` names (`@alias/…`), if it is well formed. */
export const aliasOfFrom = (from: string): string | undefined => FROM_PATTERN.exec(from)?.[1];

/**
 * Field errors of an ArtifactGenerator: the CRD's patterns and enums, plus what source-watcher
 * rejects before building (duplicate aliases and names, a revision naming no source) and a
 * `from` naming no source.
 */
export function validateArtifactGenerator(obj: KubeObject): Checker {
  const c = new Checker();
  checkMetadata(c, obj);
  if (!c.object('spec', obj.spec, true)) return c;
  const s = obj.spec as Record<string, unknown>;
  const aliases = new Set<string>();
  if (s.sources === undefined || s.sources === null) c.fail('spec.sources', 'Required value');
  else if (c.array('spec.sources', s.sources)) {
    if (s.sources.length === 0) c.fail('spec.sources', 'must have at least 1 item');
    s.sources.forEach((src, i) => {
      const f = `spec.sources[${i}]`;
      if (!c.object(f, src, true)) return;
      const r = src as Record<string, unknown>;
      c.string(`${f}.alias`, r.alias, { required: true, pattern: ALIAS_PATTERN, patternText: '^[a-z0-9]([a-z0-9_-]*[a-z0-9])?$', max: 63 });
      c.string(`${f}.name`, r.name, { required: true, pattern: SOURCE_NAME_PATTERN, patternText: '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$', max: 253 });
      c.string(`${f}.namespace`, r.namespace, { pattern: DNS1123_LABEL, patternText: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', max: 63 });
      c.oneOf(`${f}.kind`, r.kind, GENERATOR_SOURCE_KINDS, true);
      if (typeof r.alias === 'string') {
        if (aliases.has(r.alias)) c.fail(`${f}.alias`, `duplicate source alias '${r.alias}' found`);
        aliases.add(r.alias);
      }
    });
  }
  c.string('spec.pathPattern', s.pathPattern, { pattern: FROM_PATTERN, patternText: '^@([a-z0-9]([a-z0-9_-]*[a-z0-9])?)/(.*)$', max: 1024 });
  const patternAlias = typeof s.pathPattern === 'string' ? aliasOfFrom(s.pathPattern) : undefined;
  if (patternAlias && aliases.size && !aliases.has(patternAlias)) c.fail('spec.pathPattern', `source alias '${patternAlias}' not found in spec.sources`);
  if (c.object('spec.commonMetadata', s.commonMetadata)) {
    const m = s.commonMetadata as Record<string, unknown>;
    for (const k of ['labels', 'annotations']) {
      if (c.object(`spec.commonMetadata.${k}`, m[k])) for (const [key, v] of Object.entries(m[k] as object)) c.string(`spec.commonMetadata.${k}.${key}`, v);
    }
  }
  const names = new Set<string>();
  const aliasRef = (field: string, value: unknown, artifact: string, what: string): void => {
    c.string(field, value, { pattern: ALIAS_REF_PATTERN, patternText: '^@([a-z0-9]([a-z0-9_-]*[a-z0-9])?)$', max: 64 });
    if (what === 'revision' && typeof value === 'string' && ALIAS_REF_PATTERN.test(value) && !aliases.has(value.slice(1))) c.fail(field, `artifact ${artifact} revision source alias '${value.slice(1)}' not found`);
  };
  if (s.artifacts === undefined || s.artifacts === null) c.fail('spec.artifacts', 'Required value');
  else if (c.array('spec.artifacts', s.artifacts)) {
    if (s.artifacts.length === 0) c.fail('spec.artifacts', 'must have at least 1 item');
    s.artifacts.forEach((a, i) => {
      const f = `spec.artifacts[${i}]`;
      if (!c.object(f, a, true)) return;
      const r = a as Record<string, unknown>;
      const name = typeof r.name === 'string' ? r.name : '';
      c.string(`${f}.name`, r.name, { required: true, max: 253, ...(s.pathPattern ? {} : { pattern: DNS1123_SUBDOMAIN, patternText: 'a valid Kubernetes object name (lowercase RFC 1123 subdomain)' }) });
      if (name) {
        if (names.has(name)) c.fail(`${f}.name`, `duplicate artifact name '${name}' found`);
        names.add(name);
      }
      aliasRef(`${f}.revision`, r.revision, name, 'revision');
      aliasRef(`${f}.originRevision`, r.originRevision, name, 'originRevision');
      if (r.copy === undefined || r.copy === null) c.fail(`${f}.copy`, 'Required value');
      else if (c.array(`${f}.copy`, r.copy)) {
        if (r.copy.length === 0) c.fail(`${f}.copy`, 'must have at least 1 item');
        r.copy.forEach((op, j) => {
          const g = `${f}.copy[${j}]`;
          if (!c.object(g, op, true)) return;
          const o = op as Record<string, unknown>;
          c.string(`${g}.from`, o.from, { required: true, pattern: FROM_PATTERN, patternText: '^@([a-z0-9]([a-z0-9_-]*[a-z0-9])?)/(.*)$', max: 1024 });
          c.string(`${g}.to`, o.to, { required: true, pattern: TO_PATTERN, patternText: '^@(artifact)/(.*)$', max: 1024 });
          const alias = typeof o.from === 'string' ? aliasOfFrom(o.from) : undefined;
          if (alias && aliases.size && !aliases.has(alias) && !s.pathPattern) c.fail(`${g}.from`, `source alias '${alias}' not found in spec.sources`);
          if (c.array(`${g}.exclude`, o.exclude)) {
            if (o.exclude.length > 100) c.fail(`${g}.exclude`, 'must have at most 100 items');
            o.exclude.forEach((e, k) => c.string(`${g}.exclude[${k}]`, e, { required: true }));
          }
          c.oneOf(`${g}.strategy`, o.strategy, COPY_STRATEGIES);
        });
      }
    });
  }
  return c;
}
