/**
 * Building a HelmChart's artifact as source-controller does: a chart version pulled from a
 * repository index, or a chart directory in a source artifact packaged as Helm packages it; with
 * `valuesFiles` merged into `values.yaml`, and the version given build metadata when the
 * strategy or the values ask for it. The result is a `.tgz` that `helm` itself can install.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { parseDocument, stringify } from 'yaml';
import { TransientError, StalledError } from '../api/errors.js';
import { SourceReasons } from '../api/reasons.js';
import { HelmError } from '../helm/chart/errors.js';
import { loadFiles } from '../helm/chart/load.js';
import { mergeMaps } from '../helm/chart/coalesce.js';
import { readChartArchive } from '../helm/chart/tar.js';
import { readValues } from '../helm/chart/yaml.js';
import type { Chart, ChartFile } from '../helm/chart/types.js';
import { parseVersion } from '../helm/chart/semver.js';
import { tarGz } from '../sources/artifact/tarball.js';

export interface BuiltChart {
  name: string;
  /** The version the artifact carries (its revision), e.g. `6.0.3`, `6.0.3+2`, `6.0.3+a1b2c3d4e5f6`. */
  version: string;
  bytes: Buffer;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Loads chart files, turning Helm's complaints into a Stalled ChartPackageFailed naming the chart. */
function load(files: ChartFile[], what: string): Chart {
  try {
    return loadFiles(files);
  } catch (err) {
    if (err instanceof HelmError) throw new StalledError(SourceReasons.ChartPackageFailed, `${what} is not a valid Helm chart: ${err.message}`, { cause: err });
    throw err;
  }
}

/** The files of a packaged chart (`.tgz`), relative to the chart root. */
export function unpackChart(bytes: Uint8Array, what: string): ChartFile[] {
  try {
    return readChartArchive(bytes, what);
  } catch (err) {
    if (err instanceof HelmError) throw new TransientError(SourceReasons.ChartPullFailed, `${what}: ${err.message}`, { cause: err });
    throw err;
  }
}

/** The chart directory `dir` of a source artifact's files (path → content), `.helmignore` applied by the loader. */
export function chartDirFiles(artifact: Map<string, Uint8Array>, dir: string): ChartFile[] {
  const root = path.posix.normalize(dir.replace(/^\.?\/+/, '')).replace(/\/$/, '');
  if (root === '..' || root.startsWith('../')) throw new StalledError(SourceReasons.InvalidPath, `chart path '${dir}' points outside the source`);
  const prefix = root === '.' ? '' : `${root}/`;
  const files: ChartFile[] = [];
  for (const [p, data] of artifact) if (p.startsWith(prefix)) files.push({ name: p.slice(prefix.length), data });
  if (!files.some((f) => f.name === 'Chart.yaml')) throw new StalledError(SourceReasons.ChartPackageFailed, `no chart found at '${dir}': Chart.yaml is missing`);
  return files;
}

/**
 * Merges `valuesFiles` (chart-relative paths, in order, later wins) into `values.yaml`, as
 * source-controller does. A missing file fails unless `ignoreMissing`.
 */
export function mergeValuesFiles(files: ChartFile[], valuesFiles: readonly string[], ignoreMissing: boolean, what: string): ChartFile[] {
  if (!valuesFiles.length) return files;
  const byName = new Map(files.map((f) => [f.name, f]));
  let merged = {};
  for (const vf of valuesFiles) {
    const name = path.posix.normalize(vf.replace(/^\.?\/+/, ''));
    const f = byName.get(name);
    if (!f) {
      if (ignoreMissing) continue;
      throw new StalledError(SourceReasons.ChartPackageFailed, `${what}: no values file found at path '${vf}'`);
    }
    try {
      merged = mergeMaps(merged, readValues(decoder.decode(f.data), vf));
    } catch (err) {
      throw new StalledError(SourceReasons.ChartPackageFailed, `${what}: failed to merge values file '${vf}': ${(err as Error).message}`, { cause: err });
    }
  }
  const values: ChartFile = { name: 'values.yaml', data: encoder.encode(stringify(merged, { lineWidth: 0 })) };
  return [...files.filter((f) => f.name !== 'values.yaml'), values];
}

/** Sets `version` in Chart.yaml, keeping everything else as written. */
export function withVersion(files: ChartFile[], version: string): ChartFile[] {
  return files.map((f) => {
    if (f.name !== 'Chart.yaml') return f;
    const doc = parseDocument(decoder.decode(f.data));
    doc.set('version', version);
    return { name: f.name, data: encoder.encode(doc.toString({ lineWidth: 0 })) };
  });
}

/** `helm package`: the chart's files under `<name>/` in a gzipped tarball. */
export function packageChart(name: string, files: ChartFile[]): Buffer {
  return tarGz(files.map((f) => ({ path: `${name}/${f.name}`, content: f.data }))).bytes;
}

/** Appends build metadata to a version (`1.2.3` + `abc` → `1.2.3+abc`; existing metadata is replaced, as Flux does). */
export function withBuildMetadata(version: string, metadata: string): string {
  const base = version.replace(/\+.*$/, '');
  return `${base}+${metadata}`;
}

/** The chart, validated (it must load as Helm loads it), with valuesFiles merged and the version set. */
export function buildChart(
  files: ChartFile[],
  options: { what: string; valuesFiles?: readonly string[]; ignoreMissingValuesFiles?: boolean; versionMetadata?: string; original?: Buffer },
): BuiltChart {
  const chart = load(files, options.what);
  if (!parseVersion(chart.metadata.version)) throw new StalledError(SourceReasons.ChartPackageFailed, `${options.what}: invalid chart version '${chart.metadata.version}'`);
  let out = mergeValuesFiles(files, options.valuesFiles ?? [], options.ignoreMissingValuesFiles ?? false, options.what);
  const version = options.versionMetadata ? withBuildMetadata(chart.metadata.version, options.versionMetadata) : chart.metadata.version;
  if (version !== chart.metadata.version) out = withVersion(out, version);
  // Nothing changed: keep the package as pulled, so the index's digest still describes it.
  if (options.original && out === files) return { name: chart.metadata.name, version, bytes: options.original };
  return { name: chart.metadata.name, version, bytes: packageChart(chart.metadata.name, out) };
}

/** The first 12 hex characters of a source revision's digest part (`main@sha1:abc…` → `abc…`[:12]). */
export function shortRevision(revision: string): string {
  const hex = revision.includes(':') ? revision.slice(revision.lastIndexOf(':') + 1) : revision;
  return /^[0-9a-f]+$/.test(hex) ? hex.slice(0, 12) : createHash('sha256').update(revision).digest('hex').slice(0, 12);
}
