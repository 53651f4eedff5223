/** source.toolkit.fluxcd.io HelmChart (storage v1; accepts v1beta2 and v1beta1). */
import type { KubeObject } from '../meta.js';
import { Checker, asRecord, isSemverRange } from '../validation.js';
import type { Artifact, FluxObject, FluxStatus, LocalObjectReference } from './common.js';
import { checkMetadata, clone } from './common.js';

export interface HelmChartSpec {
  chart: string;
  version?: string;
  sourceRef: { apiVersion?: string; kind: 'HelmRepository' | 'GitRepository' | 'Bucket'; name: string };
  interval: string;
  reconcileStrategy?: 'ChartVersion' | 'Revision';
  valuesFiles?: string[];
  ignoreMissingValuesFiles?: boolean;
  suspend?: boolean;
  verify?: { provider: string; secretRef?: LocalObjectReference };
}

export interface HelmChartStatus extends FluxStatus {
  observedSourceArtifactRevision?: string;
  observedChartName?: string;
  observedValuesFiles?: string[];
  url?: string;
  artifact?: Artifact;
}

export type HelmChart = FluxObject<HelmChartSpec, HelmChartStatus>;

export const HELM_CHART_SOURCE_KINDS = ['HelmRepository', 'GitRepository', 'Bucket'] as const;

/** v1beta2/v1beta1 → v1: the single `valuesFile` joins `valuesFiles`. */
export function convertHelmChart(obj: KubeObject): HelmChart {
  const out = clone(obj) as HelmChart;
  out.apiVersion = 'source.toolkit.fluxcd.io/v1';
  const spec = asRecord(out.spec) as Record<string, unknown>;
  if (typeof spec.valuesFile === 'string') {
    const files = Array.isArray(spec.valuesFiles) ? (spec.valuesFiles as string[]) : [];
    if (!files.includes(spec.valuesFile)) files.unshift(spec.valuesFile);
    spec.valuesFiles = files;
  }
  delete spec.valuesFile;
  delete spec.accessFrom;
  out.spec = spec as unknown as HelmChartSpec;
  return out;
}

/** The CRD's schema defaults: `version: '*'`, `reconcileStrategy: ChartVersion`. */
export function defaultHelmChart(obj: HelmChart): HelmChart {
  obj.spec.version ??= '*';
  obj.spec.reconcileStrategy ??= 'ChartVersion';
  return obj;
}

/** Field errors of a HelmChart in any accepted version. */
export function validateHelmChart(obj: KubeObject): Checker {
  const c = new Checker();
  checkMetadata(c, obj);
  if (!c.object('spec', obj.spec, true)) return c;
  const s = obj.spec as Record<string, unknown>;
  checkChartTemplate(c, 'spec', s);
  c.duration('spec.interval', s.interval, true);
  return c;
}

/** Shared by HelmChart and HelmRelease `spec.chart.spec`. */
export function checkChartTemplate(c: Checker, at: string, s: Record<string, unknown>): void {
  c.string(`${at}.chart`, s.chart, { required: true });
  if (s.version !== undefined && !isSemverRange(s.version)) {
    c.fail(`${at}.version`, `${JSON.stringify(s.version)} is not a valid semver version or range`);
  }
  if (c.object(`${at}.sourceRef`, s.sourceRef, true)) {
    const ref = s.sourceRef as Record<string, unknown>;
    c.oneOf(`${at}.sourceRef.kind`, ref.kind, HELM_CHART_SOURCE_KINDS, true);
    c.string(`${at}.sourceRef.name`, ref.name, { required: true });
  }
  c.string(`${at}.valuesFile`, s.valuesFile);
  c.oneOf(`${at}.reconcileStrategy`, s.reconcileStrategy, ['ChartVersion', 'Revision']);
  c.duration(`${at}.interval`, s.interval);
  if (c.array(`${at}.valuesFiles`, s.valuesFiles)) {
    s.valuesFiles.forEach((f, i) => c.string(`${at}.valuesFiles[${i}]`, f, { required: true }));
  }
}
