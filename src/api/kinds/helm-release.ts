/** helm.toolkit.fluxcd.io HelmRelease (storage v2; accepts v2beta2 and v2beta1). */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../meta.js';
import { parseDuration } from '../duration.js';
import { Checker, DNS1123_LABEL, asRecord } from '../validation.js';
import type { DependencyReference, FluxObject, FluxStatus } from './common.js';
import { checkDependsOn, checkMetadata, clone, convertLegacyPatches } from './common.js';
import { checkChartTemplate } from './helm-chart.js';

export interface Remediation {
  retries?: number;
  ignoreTestFailures?: boolean;
  remediateLastFailure?: boolean;
  strategy?: 'rollback' | 'uninstall';
}

/** Flux 2.7+ `install.strategy` / `upgrade.strategy`. */
export interface ActionStrategy {
  name: 'RemediateOnFailure' | 'RetryOnFailure';
  retryInterval?: string;
}

export interface HelmReleaseSpec {
  chart?: {
    spec: {
      chart: string;
      version?: string;
      sourceRef: { apiVersion?: string; kind: 'HelmRepository' | 'GitRepository' | 'Bucket'; name: string; namespace?: string };
      interval?: string;
      reconcileStrategy?: 'ChartVersion' | 'Revision';
      valuesFiles?: string[];
      ignoreMissingValuesFiles?: boolean;
    };
    metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  };
  chartRef?: { apiVersion?: string; kind: 'OCIRepository' | 'HelmChart' | 'ExternalArtifact'; name: string; namespace?: string };
  interval: string;
  suspend?: boolean;
  releaseName?: string;
  targetNamespace?: string;
  storageNamespace?: string;
  dependsOn?: DependencyReference[];
  timeout?: string;
  maxHistory?: number;
  serviceAccountName?: string;
  persistentClient?: boolean;
  driftDetection?: { mode?: 'enabled' | 'warn' | 'disabled'; ignore?: { paths: string[]; target?: Record<string, string> }[] };
  install?: { timeout?: string; remediation?: Remediation; strategy?: ActionStrategy; disableWait?: boolean; disableWaitForJobs?: boolean; disableHooks?: boolean; disableOpenAPIValidation?: boolean; replace?: boolean; skipCRDs?: boolean; crds?: 'Skip' | 'Create' | 'CreateReplace'; createNamespace?: boolean };
  upgrade?: { timeout?: string; remediation?: Remediation; strategy?: ActionStrategy; disableWait?: boolean; disableWaitForJobs?: boolean; disableHooks?: boolean; force?: boolean; preserveValues?: boolean; cleanupOnFail?: boolean; crds?: 'Skip' | 'Create' | 'CreateReplace' };
  test?: { enable?: boolean; timeout?: string; ignoreFailures?: boolean; filters?: { name: string; exclude?: boolean }[] };
  rollback?: { timeout?: string; disableWait?: boolean; disableHooks?: boolean; recreate?: boolean; force?: boolean; cleanupOnFail?: boolean };
  uninstall?: { timeout?: string; disableHooks?: boolean; keepHistory?: boolean; disableWait?: boolean; deletionPropagation?: 'background' | 'foreground' | 'orphan' };
  valuesFrom?: { kind: 'ConfigMap' | 'Secret'; name: string; valuesKey?: string; targetPath?: string; optional?: boolean }[];
  values?: Record<string, unknown>;
  postRenderers?: { kustomize?: { patches?: { patch: string; target?: Record<string, string> }[]; images?: { name: string; newName?: string; newTag?: string; digest?: string }[] } }[];
}

export interface HelmReleaseStatus extends FluxStatus {
  helmChart?: string;
  storageNamespace?: string;
  history?: Record<string, unknown>[];
  lastAttemptedGeneration?: number;
  lastAttemptedConfigDigest?: string;
  lastAttemptedReleaseAction?: 'install' | 'upgrade';
  lastAttemptedRevision?: string;
  lastAttemptedValuesChecksum?: string;
  failures?: number;
  installFailures?: number;
  upgradeFailures?: number;
}

export type HelmRelease = FluxObject<HelmReleaseSpec, HelmReleaseStatus>;

/**
 * v2beta2/v2beta1 → v2: `chart.spec.valuesFile` joins `valuesFiles`; post-renderer
 * `patchesStrategicMerge`/`patchesJson6902` become `patches`.
 */
export function convertHelmRelease(obj: KubeObject): HelmRelease {
  const out = clone(obj) as HelmRelease;
  out.apiVersion = 'helm.toolkit.fluxcd.io/v2';
  const spec = asRecord(out.spec) as Record<string, unknown>;
  const chartSpec = asRecord(asRecord(spec.chart).spec);
  if (typeof chartSpec.valuesFile === 'string') {
    const files = Array.isArray(chartSpec.valuesFiles) ? (chartSpec.valuesFiles as string[]) : [];
    if (!files.includes(chartSpec.valuesFile)) files.unshift(chartSpec.valuesFile);
    chartSpec.valuesFiles = files;
    delete chartSpec.valuesFile;
  }
  if (Array.isArray(spec.postRenderers)) {
    for (const pr of spec.postRenderers as Record<string, unknown>[]) {
      if (pr.kustomize && typeof pr.kustomize === 'object') convertLegacyPatches(pr.kustomize as Record<string, unknown>);
    }
  }
  out.spec = spec as unknown as HelmReleaseSpec;
  return out;
}

/** The CRD's schema defaults (those of the `chart.spec` template). */
export function defaultHelmRelease(obj: HelmRelease): HelmRelease {
  const cs = obj.spec.chart?.spec;
  if (cs) {
    cs.version ??= '*';
    cs.reconcileStrategy ??= 'ChartVersion';
  }
  return obj;
}

/** Field errors of a HelmRelease in any accepted version. */
export function validateHelmRelease(obj: KubeObject): Checker {
  const c = new Checker();
  checkMetadata(c, obj);
  if (!c.object('spec', obj.spec, true)) return c;
  const s = obj.spec as Record<string, unknown>;
  const hasChart = s.chart !== undefined && s.chart !== null;
  const hasChartRef = s.chartRef !== undefined && s.chartRef !== null;
  if (hasChart === hasChartRef) c.fail('spec.chart', 'exactly one of spec.chart or spec.chartRef must be set');
  if (hasChart && c.object('spec.chart', s.chart)) {
    const chart = s.chart as Record<string, unknown>;
    if (c.object('spec.chart.spec', chart.spec, true)) checkChartTemplate(c, 'spec.chart.spec', chart.spec as Record<string, unknown>);
  }
  if (hasChartRef && c.object('spec.chartRef', s.chartRef)) {
    const ref = s.chartRef as Record<string, unknown>;
    c.oneOf('spec.chartRef.kind', ref.kind, ['OCIRepository', 'HelmChart', 'ExternalArtifact'], true);
    c.string('spec.chartRef.name', ref.name, { required: true });
  }
  c.duration('spec.interval', s.interval, true);
  c.duration('spec.timeout', s.timeout);
  c.string('spec.releaseName', s.releaseName, { max: 53 });
  c.string('spec.targetNamespace', s.targetNamespace, { pattern: DNS1123_LABEL, patternText: 'a lowercase RFC 1123 label', max: 63 });
  c.string('spec.storageNamespace', s.storageNamespace, { pattern: DNS1123_LABEL, patternText: 'a lowercase RFC 1123 label', max: 63 });
  c.integer('spec.maxHistory', s.maxHistory, 0);
  c.boolean('spec.suspend', s.suspend);
  checkDependsOn(c, 'spec.dependsOn', s.dependsOn, ['HelmRelease', 'Kustomization']);
  if (c.array('spec.valuesFrom', s.valuesFrom)) {
    s.valuesFrom.forEach((v, i) => {
      if (!c.object(`spec.valuesFrom[${i}]`, v, true)) return;
      const ref = v as Record<string, unknown>;
      c.oneOf(`spec.valuesFrom[${i}].kind`, ref.kind, ['ConfigMap', 'Secret'], true);
      c.string(`spec.valuesFrom[${i}].name`, ref.name, { required: true });
    });
  }
  if (s.values !== undefined) c.object('spec.values', s.values);
  for (const action of ['install', 'upgrade', 'test', 'rollback', 'uninstall'] as const) {
    if (!c.object(`spec.${action}`, s[action])) continue;
    const a = s[action] as Record<string, unknown>;
    c.duration(`spec.${action}.timeout`, a.timeout);
    if (action === 'install' || action === 'upgrade') {
      c.oneOf(`spec.${action}.crds`, a.crds, ['Skip', 'Create', 'CreateReplace']);
      if (c.object(`spec.${action}.strategy`, a.strategy)) {
        const st = a.strategy as Record<string, unknown>;
        c.oneOf(`spec.${action}.strategy.name`, st.name, ['RemediateOnFailure', 'RetryOnFailure'], true);
        c.duration(`spec.${action}.strategy.retryInterval`, st.retryInterval);
      }
      if (c.object(`spec.${action}.remediation`, a.remediation)) {
        const r = a.remediation as Record<string, unknown>;
        c.integer(`spec.${action}.remediation.retries`, r.retries);
        c.oneOf(`spec.${action}.remediation.strategy`, r.strategy, ['rollback', 'uninstall']);
      }
    }
  }
  const test = asRecord(s.test);
  if (c.array('spec.test.filters', test.filters)) {
    test.filters.forEach((f, i) => {
      if (!c.object(`spec.test.filters[${i}]`, f, true)) return;
      c.string(`spec.test.filters[${i}].name`, (f as Record<string, unknown>).name, { required: true });
    });
  }
  c.oneOf('spec.uninstall.deletionPropagation', asRecord(s.uninstall).deletionPropagation, ['background', 'foreground', 'orphan']);
  const dd = asRecord(s.driftDetection);
  c.oneOf('spec.driftDetection.mode', dd.mode, ['enabled', 'warn', 'disabled']);
  return c;
}

/** Helm's release name limit. */
const MAX_RELEASE_NAME = 53;

/** `spec.releaseName`, else `[<targetNamespace>-]<name>`, shortened with a hash past 53 characters. */
export function helmReleaseName(obj: HelmRelease): string {
  const base = obj.spec.releaseName || (obj.spec.targetNamespace ? `${obj.spec.targetNamespace}-${obj.metadata.name}` : obj.metadata.name);
  if (base.length <= MAX_RELEASE_NAME) return base;
  const hash = createHash('sha256').update(base).digest('hex').slice(0, 12);
  return `${base.slice(0, 40)}-${hash}`;
}

/** The HelmChart a `spec.chart` template produces: `<ns>-<name>` in the source's namespace. */
export function helmChartNameFor(obj: HelmRelease): { name: string; namespace: string } {
  const ns = obj.metadata.namespace ?? 'default';
  return { name: `${ns}-${obj.metadata.name}`, namespace: obj.spec.chart?.spec.sourceRef.namespace ?? ns };
}

/** Where the release's objects go: `spec.targetNamespace`, else the HelmRelease's own namespace. */
export function helmReleaseTargetNamespace(obj: HelmRelease): string {
  return obj.spec.targetNamespace || obj.metadata.namespace || 'default';
}

/** Where Helm keeps the release Secrets: `spec.storageNamespace`, else the HelmRelease's own namespace. */
export function helmReleaseStorageNamespace(obj: HelmRelease): string {
  return obj.spec.storageNamespace || obj.metadata.namespace || 'default';
}

/** `spec.timeout` in ms; helm-controller's default is 5m. */
export function helmReleaseTimeoutMs(spec: HelmReleaseSpec): number {
  return parseDuration(spec.timeout ?? '5m');
}

/** `spec.maxHistory`; helm-controller keeps 5 releases by default (0 = unlimited). */
export function helmReleaseMaxHistory(spec: HelmReleaseSpec): number {
  return spec.maxHistory ?? 5;
}
