/**
 * The registry of Flux kinds fluxion serves: names as the API server knows them, the versions
 * accepted, and `normalize` (any accepted version → storage version with schema defaults,
 * validated). Everything that needs to know "which kinds exist" reads this table.
 */
import type { KubeObject, ObjectRef } from './meta.js';
import { splitApiVersion } from './meta.js';
import { parseDuration } from './duration.js';
import { InvalidObjectError } from './validation.js';
import type { Checker, FieldError } from './validation.js';
import type { DependencyReference } from './kinds/common.js';
import { convertGitRepository, defaultGitRepository, validateGitRepository } from './kinds/git-repository.js';
import { convertOCIRepository, defaultOCIRepository, validateOCIRepository } from './kinds/oci-repository.js';
import { convertBucket, defaultBucket, validateBucket } from './kinds/bucket.js';
import { convertHelmRepository, defaultHelmRepository, validateHelmRepository } from './kinds/helm-repository.js';
import { convertHelmChart, defaultHelmChart, validateHelmChart } from './kinds/helm-chart.js';
import { convertKustomization, defaultKustomization, kustomizationRetryIntervalMs, kustomizationTimeoutMs, validateKustomization } from './kinds/kustomization.js';
import type { KustomizationSpec } from './kinds/kustomization.js';
import { convertHelmRelease, defaultHelmRelease, helmReleaseTimeoutMs, validateHelmRelease } from './kinds/helm-release.js';
import type { HelmReleaseSpec } from './kinds/helm-release.js';
import { convertExternalArtifact, defaultExternalArtifact, validateExternalArtifact } from './kinds/external-artifact.js';
import { convertArtifactGenerator, defaultArtifactGenerator, validateArtifactGenerator } from './kinds/artifact-generator.js';
import type { ArtifactGeneratorSpec } from './kinds/artifact-generator.js';
import { convertAlert, defaultAlert, validateAlert } from './kinds/alert.js';
import { convertProvider, defaultProvider, validateProvider } from './kinds/provider.js';
import { convertReceiver, defaultReceiver, validateReceiver } from './kinds/receiver.js';
import { convertImageRepository, defaultImageRepository, validateImageRepository } from './kinds/image-repository.js';
import { convertImagePolicy, defaultImagePolicy, validateImagePolicy } from './kinds/image-policy.js';
import type { ImagePolicySpec } from './kinds/image-policy.js';

/** An `additionalPrinterColumns` entry, as `kubectl get` shows it. */
export interface PrinterColumn {
  name: string;
  type: 'string' | 'date' | 'integer' | 'boolean';
  jsonPath: string;
  priority?: number;
}

/** One Flux kind as the API server knows it, plus how fluxion converts and validates it. */
export interface FluxKind {
  group: string;
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  storageVersion: string;
  /** Every served version, storage version first. */
  versions: string[];
  printerColumns: PrinterColumn[];
  /** Converts to the storage version and applies schema defaults; does not validate. */
  convert(obj: KubeObject): KubeObject;
  validate(obj: KubeObject): Checker;
  /**
   * Any served version of this kind → the storage version with defaults, validated before and
   * after conversion. An object of another kind, or a version not served, is a field error on
   * `apiVersion`/`kind`.
   */
  normalize(obj: KubeObject): NormalizeResult;
}

/** The one result shape of normalization for every kind. */
export type NormalizeResult = { ok: true; object: KubeObject } | { ok: false; errors: FieldError[] };

function defineKind(def: Omit<FluxKind, 'normalize'>): FluxKind {
  const kind: FluxKind = { ...def, normalize: (obj) => normalizeAs(kind, obj) };
  return kind;
}

function normalizeAs(kind: FluxKind, obj: KubeObject): NormalizeResult {
  const { group, version } = splitApiVersion(String(obj.apiVersion));
  if (obj.kind !== kind.kind) return { ok: false, errors: [{ field: 'kind', message: `expected ${kind.kind}, got ${JSON.stringify(obj.kind)}` }] };
  if (group !== kind.group || !kind.versions.includes(version)) {
    return { ok: false, errors: [{ field: 'apiVersion', message: `${obj.apiVersion} ${obj.kind} is not served; served versions: ${kind.versions.map((v) => `${kind.group}/${v}`).join(', ')}` }] };
  }
  const errors = kind.validate(obj).errors;
  if (errors.length) return { ok: false, errors };
  const converted = kind.convert(obj);
  const after = kind.validate(converted).errors;
  if (after.length) return { ok: false, errors: after };
  return { ok: true, object: converted };
}

const ready: PrinterColumn[] = [
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  { name: 'Ready', type: 'string', jsonPath: ".status.conditions[?(@.type==\"Ready\")].status" },
  { name: 'Status', type: 'string', jsonPath: ".status.conditions[?(@.type==\"Ready\")].message" },
];

/** `gitrepositories.source.toolkit.fluxcd.io` */
export const GitRepositoryKind: FluxKind = defineKind({
  group: 'source.toolkit.fluxcd.io',
  kind: 'GitRepository',
  plural: 'gitrepositories',
  singular: 'gitrepository',
  shortNames: ['gitrepo'],
  categories: ['flux', 'all'],
  storageVersion: 'v1',
  versions: ['v1', 'v1beta2', 'v1beta1'],
  printerColumns: [{ name: 'URL', type: 'string', jsonPath: '.spec.url' }, ...ready],
  convert: (o) => defaultGitRepository(convertGitRepository(o)),
  validate: validateGitRepository,
});

/** `ocirepositories.source.toolkit.fluxcd.io` */
export const OCIRepositoryKind: FluxKind = defineKind({
  group: 'source.toolkit.fluxcd.io',
  kind: 'OCIRepository',
  plural: 'ocirepositories',
  singular: 'ocirepository',
  shortNames: ['ocirepo'],
  categories: ['flux', 'all'],
  storageVersion: 'v1',
  versions: ['v1', 'v1beta2'],
  printerColumns: [{ name: 'URL', type: 'string', jsonPath: '.spec.url' }, ...ready],
  convert: (o) => defaultOCIRepository(convertOCIRepository(o)),
  validate: validateOCIRepository,
});

/** `buckets.source.toolkit.fluxcd.io` */
export const BucketKind: FluxKind = defineKind({
  group: 'source.toolkit.fluxcd.io',
  kind: 'Bucket',
  plural: 'buckets',
  singular: 'bucket',
  shortNames: [],
  categories: ['flux', 'all'],
  storageVersion: 'v1',
  versions: ['v1', 'v1beta2'],
  printerColumns: [{ name: 'Endpoint', type: 'string', jsonPath: '.spec.endpoint' }, ...ready],
  convert: (o) => defaultBucket(convertBucket(o)),
  validate: validateBucket,
});

/** `helmrepositories.source.toolkit.fluxcd.io` */
export const HelmRepositoryKind: FluxKind = defineKind({
  group: 'source.toolkit.fluxcd.io',
  kind: 'HelmRepository',
  plural: 'helmrepositories',
  singular: 'helmrepository',
  shortNames: ['helmrepo'],
  categories: ['flux', 'all'],
  storageVersion: 'v1',
  versions: ['v1', 'v1beta2', 'v1beta1'],
  printerColumns: [{ name: 'URL', type: 'string', jsonPath: '.spec.url' }, ...ready],
  convert: (o) => defaultHelmRepository(convertHelmRepository(o)),
  validate: validateHelmRepository,
});

/** `helmcharts.source.toolkit.fluxcd.io` */
export const HelmChartKind: FluxKind = defineKind({
  group: 'source.toolkit.fluxcd.io',
  kind: 'HelmChart',
  plural: 'helmcharts',
  singular: 'helmchart',
  shortNames: ['hc'],
  categories: ['flux', 'all'],
  storageVersion: 'v1',
  versions: ['v1', 'v1beta2', 'v1beta1'],
  printerColumns: [
    { name: 'Chart', type: 'string', jsonPath: '.spec.chart' },
    { name: 'Version', type: 'string', jsonPath: '.spec.version' },
    { name: 'Source Kind', type: 'string', jsonPath: '.spec.sourceRef.kind' },
    { name: 'Source Name', type: 'string', jsonPath: '.spec.sourceRef.name' },
    ...ready,
  ],
  convert: (o) => defaultHelmChart(convertHelmChart(o)),
  validate: validateHelmChart,
});

/** `kustomizations.kustomize.toolkit.fluxcd.io` */
export const KustomizationKind: FluxKind = defineKind({
  group: 'kustomize.toolkit.fluxcd.io',
  kind: 'Kustomization',
  plural: 'kustomizations',
  singular: 'kustomization',
  shortNames: ['ks'],
  categories: ['flux', 'all'],
  storageVersion: 'v1',
  versions: ['v1', 'v1beta2', 'v1beta1'],
  printerColumns: ready,
  convert: (o) => defaultKustomization(convertKustomization(o)),
  validate: validateKustomization,
});

/** `helmreleases.helm.toolkit.fluxcd.io` */
export const HelmReleaseKind: FluxKind = defineKind({
  group: 'helm.toolkit.fluxcd.io',
  kind: 'HelmRelease',
  plural: 'helmreleases',
  singular: 'helmrelease',
  shortNames: ['hr'],
  categories: ['flux', 'all'],
  storageVersion: 'v2',
  versions: ['v2', 'v2beta2', 'v2beta1'],
  printerColumns: ready,
  convert: (o) => defaultHelmRelease(convertHelmRelease(o)),
  validate: validateHelmRelease,
});

/** `externalartifacts.source.toolkit.fluxcd.io`: written by its producer (an ArtifactGenerator), reconciled by nobody. */
export const ExternalArtifactKind: FluxKind = defineKind({
  group: 'source.toolkit.fluxcd.io',
  kind: 'ExternalArtifact',
  plural: 'externalartifacts',
  singular: 'externalartifact',
  shortNames: ['ea'],
  categories: ['flux', 'all'],
  storageVersion: 'v1',
  versions: ['v1'],
  printerColumns: [...ready, { name: 'Source', type: 'string', jsonPath: '.spec.sourceRef.name' }],
  convert: (o) => defaultExternalArtifact(convertExternalArtifact(o)),
  validate: validateExternalArtifact,
});

/** `artifactgenerators.source.extensions.fluxcd.io` (Flux's source-watcher). */
export const ArtifactGeneratorKind: FluxKind = defineKind({
  group: 'source.extensions.fluxcd.io',
  kind: 'ArtifactGenerator',
  plural: 'artifactgenerators',
  singular: 'artifactgenerator',
  shortNames: ['ag'],
  categories: ['flux', 'all'],
  storageVersion: 'v1beta1',
  versions: ['v1beta1'],
  printerColumns: ready,
  convert: (o) => defaultArtifactGenerator(convertArtifactGenerator(o)),
  validate: validateArtifactGenerator,
});

/** `providers.notification.toolkit.fluxcd.io`: static, no status (Flux dropped its reconciler in v1beta3). */
export const ProviderKind: FluxKind = defineKind({
  group: 'notification.toolkit.fluxcd.io',
  kind: 'Provider',
  plural: 'providers',
  singular: 'provider',
  shortNames: [],
  categories: ['all', 'fluxcd', 'fluxcd-notifications'],
  storageVersion: 'v1beta3',
  versions: ['v1beta3', 'v1beta2'],
  printerColumns: [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }],
  convert: (o) => defaultProvider(convertProvider(o)),
  validate: validateProvider,
});

/** `alerts.notification.toolkit.fluxcd.io`: static, no status (Flux dropped its reconciler in v1beta3). */
export const AlertKind: FluxKind = defineKind({
  group: 'notification.toolkit.fluxcd.io',
  kind: 'Alert',
  plural: 'alerts',
  singular: 'alert',
  shortNames: [],
  categories: ['all', 'fluxcd', 'fluxcd-notifications'],
  storageVersion: 'v1beta3',
  versions: ['v1beta3', 'v1beta2'],
  printerColumns: [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }],
  convert: (o) => defaultAlert(convertAlert(o)),
  validate: validateAlert,
});

/** `receivers.notification.toolkit.fluxcd.io`: status has `webhookPath` and Ready. */
export const ReceiverKind: FluxKind = defineKind({
  group: 'notification.toolkit.fluxcd.io',
  kind: 'Receiver',
  plural: 'receivers',
  singular: 'receiver',
  shortNames: [],
  categories: ['all', 'fluxcd', 'fluxcd-notifications'],
  storageVersion: 'v1',
  versions: ['v1', 'v1beta2'],
  printerColumns: ready,
  convert: (o) => defaultReceiver(convertReceiver(o)),
  validate: validateReceiver,
});

/** `imagerepositories.image.toolkit.fluxcd.io`: scans a registry's tags (image-reflector-controller). */
export const ImageRepositoryKind: FluxKind = defineKind({
  group: 'image.toolkit.fluxcd.io',
  kind: 'ImageRepository',
  plural: 'imagerepositories',
  singular: 'imagerepository',
  shortNames: [],
  categories: ['flux', 'all'],
  storageVersion: 'v1',
  versions: ['v1', 'v1beta2'],
  printerColumns: [
    { name: 'Image', type: 'string', jsonPath: '.spec.image' },
    { name: 'Tags', type: 'integer', jsonPath: '.status.lastScanResult.tagCount' },
    { name: 'Last scan', type: 'date', jsonPath: '.status.lastScanResult.scanTime' },
    ...ready,
  ],
  convert: (o) => defaultImageRepository(convertImageRepository(o)),
  validate: validateImageRepository,
});

/** `imagepolicies.image.toolkit.fluxcd.io`: picks the latest tag of an ImageRepository (image-reflector-controller). */
export const ImagePolicyKind: FluxKind = defineKind({
  group: 'image.toolkit.fluxcd.io',
  kind: 'ImagePolicy',
  plural: 'imagepolicies',
  singular: 'imagepolicy',
  shortNames: [],
  categories: ['flux', 'all'],
  storageVersion: 'v1',
  versions: ['v1', 'v1beta2'],
  printerColumns: [
    { name: 'Image', type: 'string', jsonPath: '.status.latestRef.name' },
    { name: 'Tag', type: 'string', jsonPath: '.status.latestRef.tag' },
    { name: 'Digest', type: 'string', jsonPath: '.status.latestRef.digest' },
    ...ready,
  ],
  convert: (o) => defaultImagePolicy(convertImagePolicy(o)),
  validate: validateImagePolicy,
});

/** The Flux kinds fluxion serves, in the order their CRDs are installed. */
export const fluxKinds: readonly FluxKind[] = [GitRepositoryKind, OCIRepositoryKind, BucketKind, HelmRepositoryKind, HelmChartKind, ExternalArtifactKind, ArtifactGeneratorKind, KustomizationKind, HelmReleaseKind, ProviderKind, AlertKind, ReceiverKind, ImageRepositoryKind, ImagePolicyKind];

/** The registry entry serving `apiVersion`/`kind`, or undefined (unknown kind or unserved version). */
export function fluxKindOf(apiVersion: string, kind: string): FluxKind | undefined {
  const { group, version } = splitApiVersion(apiVersion);
  return fluxKinds.find((k) => k.group === group && k.kind === kind && k.versions.includes(version));
}

/** True for an object of a Flux kind in a version fluxion serves. */
export function isFluxObject(obj: { apiVersion: string; kind: string }): boolean {
  return fluxKindOf(obj.apiVersion, obj.kind) !== undefined;
}

/** Any accepted version → the storage version with defaults, or the field errors. */
export function tryNormalize(obj: KubeObject): NormalizeResult {
  const kind = fluxKindOf(obj.apiVersion, obj.kind);
  if (!kind) return { ok: false, errors: [{ field: 'apiVersion', message: `${obj.apiVersion} ${obj.kind} is not a Flux kind fluxion serves` }] };
  return kind.normalize(obj);
}

/** Like `tryNormalize`, throwing `InvalidObjectError` (naming every bad field). */
export function normalize<T extends KubeObject = KubeObject>(obj: KubeObject): T {
  const r = tryNormalize(obj);
  if (!r.ok) throw new InvalidObjectError(`${obj.kind}/${obj.metadata?.namespace ?? ''}${obj.metadata?.namespace ? '/' : ''}${obj.metadata?.name ?? ''}`, r.errors);
  return r.object as T;
}

const SOURCE_API: Record<string, string> = {
  GitRepository: 'source.toolkit.fluxcd.io/v1',
  OCIRepository: 'source.toolkit.fluxcd.io/v1',
  Bucket: 'source.toolkit.fluxcd.io/v1',
  HelmRepository: 'source.toolkit.fluxcd.io/v1',
  HelmChart: 'source.toolkit.fluxcd.io/v1',
  ExternalArtifact: 'source.toolkit.fluxcd.io/v1',
  ImageRepository: 'image.toolkit.fluxcd.io/v1',
};

function specOf(obj: KubeObject): Record<string, unknown> {
  const s = obj.spec;
  return s && typeof s === 'object' ? (s as Record<string, unknown>) : {};
}

/**
 * The sources an object reads from, with namespaces defaulted to the object's own:
 * Kustomization `sourceRef`, HelmChart `sourceRef`, HelmRelease `chartRef` or the HelmChart its
 * `chart.spec` produces, GitRepository `include`s, ArtifactGenerator `sources`, ImagePolicy
 * `imageRepositoryRef`.
 */
export function sourceRefsOf(obj: KubeObject): ObjectRef[] {
  const ns = obj.metadata.namespace ?? 'default';
  const spec = specOf(obj);
  const refs: ObjectRef[] = [];
  const add = (kind: unknown, name: unknown, namespace: unknown): void => {
    if (typeof kind !== 'string' || typeof name !== 'string') return;
    refs.push({ apiVersion: SOURCE_API[kind] ?? 'source.toolkit.fluxcd.io/v1', kind, name, namespace: typeof namespace === 'string' && namespace ? namespace : ns });
  };
  switch (obj.kind) {
    case 'Kustomization':
    case 'HelmChart': {
      const r = (spec.sourceRef ?? {}) as Record<string, unknown>;
      add(r.kind, r.name, obj.kind === 'HelmChart' ? ns : r.namespace);
      break;
    }
    case 'HelmRelease': {
      const hr = spec as unknown as HelmReleaseSpec;
      if (hr.chartRef) add(hr.chartRef.kind, hr.chartRef.name, hr.chartRef.namespace);
      else if (hr.chart) add('HelmChart', `${ns}-${obj.metadata.name}`, hr.chart.spec.sourceRef.namespace);
      break;
    }
    case 'GitRepository': {
      const inc = Array.isArray(spec.include) ? (spec.include as { repository?: { name?: string } }[]) : [];
      for (const i of inc) add('GitRepository', i.repository?.name, ns);
      break;
    }
    case 'ImagePolicy': {
      const r = (spec as unknown as Partial<ImagePolicySpec>).imageRepositoryRef;
      add('ImageRepository', r?.name, r?.namespace);
      break;
    }
    case 'ArtifactGenerator': {
      const sources = Array.isArray(spec.sources) ? (spec.sources as Partial<ArtifactGeneratorSpec['sources'][number]>[]) : [];
      for (const s of sources) add(s?.kind, s?.name, s?.namespace);
      break;
    }
  }
  return refs;
}

/** `spec.dependsOn` as refs, namespace defaulted; kind defaults to the object's own kind. */
export function dependsOnOf(obj: KubeObject): ObjectRef[] {
  const ns = obj.metadata.namespace ?? 'default';
  const deps = specOf(obj).dependsOn;
  if (!Array.isArray(deps)) return [];
  return (deps as DependencyReference[])
    .filter((d) => typeof d?.name === 'string')
    .map((d) => {
      const kind = d.kind ?? obj.kind;
      const target = fluxKinds.find((k) => k.kind === kind);
      return {
        apiVersion: target ? `${target.group}/${target.storageVersion}` : obj.apiVersion,
        kind,
        name: d.name,
        namespace: d.namespace || ns,
      };
    });
}

/** An object's schedule in milliseconds, with Flux's defaults applied. */
export interface Timing {
  intervalMs: number;
  retryIntervalMs: number;
  timeoutMs: number;
}

/** The effective interval, retry interval and timeout of a (normalized) Flux object. */
export function timingOf(obj: KubeObject): Timing {
  const spec = specOf(obj);
  const interval = typeof spec.interval === 'string' ? parseDuration(spec.interval) : 10 * 60_000;
  switch (obj.kind) {
    case 'Kustomization': {
      const ks = spec as unknown as KustomizationSpec;
      return { intervalMs: interval, retryIntervalMs: kustomizationRetryIntervalMs(ks), timeoutMs: kustomizationTimeoutMs(ks) };
    }
    case 'HelmRelease':
      return { intervalMs: interval, retryIntervalMs: interval, timeoutMs: helmReleaseTimeoutMs(spec as unknown as HelmReleaseSpec) };
    case 'ArtifactGenerator':
      // No spec.interval: source-watcher checks every hour and otherwise follows its sources.
      return { intervalMs: 60 * 60_000, retryIntervalMs: 60_000, timeoutMs: 60_000 };
    default: {
      const timeout = typeof spec.timeout === 'string' ? parseDuration(spec.timeout) : 60_000;
      return { intervalMs: interval, retryIntervalMs: interval, timeoutMs: timeout };
    }
  }
}

/** `spec.suspend: true` */
export function isSuspended(obj: KubeObject): boolean {
  return specOf(obj).suspend === true;
}
