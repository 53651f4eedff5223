/**
 * A Helm chart in memory, shaped like Helm's `chart.Chart`: metadata from Chart.yaml (v2, or v1
 * plus requirements.yaml), default values, templates, other files, and subcharts.
 */
import type { GoMap } from '../template/values.js';

/** One file of a chart, with its path relative to the chart root (`/`-separated). */
export interface ChartFile {
  name: string;
  data: Uint8Array;
}

export interface ChartMaintainer {
  name?: string;
  email?: string;
  url?: string;
}

/** An entry of `dependencies:` in Chart.yaml (or requirements.yaml). */
export interface ChartDependency {
  name: string;
  version?: string;
  repository?: string;
  condition?: string;
  tags?: string[];
  enabled?: boolean;
  /** `import-values`: strings (exports) or `{ child, parent }` maps. */
  importValues?: unknown[];
  alias?: string;
}

/** Chart.yaml, with Helm's field names. */
export interface ChartMetadata {
  name: string;
  version: string;
  apiVersion: string;
  home?: string;
  sources?: string[];
  description?: string;
  keywords?: string[];
  maintainers?: ChartMaintainer[];
  icon?: string;
  condition?: string;
  tags?: string;
  appVersion?: string;
  deprecated?: boolean;
  annotations?: Record<string, string>;
  kubeVersion?: string;
  dependencies?: ChartDependency[];
  type?: string;
}

export interface Chart {
  metadata: ChartMetadata;
  /** Every file as loaded (after .helmignore), including Chart.yaml and values.yaml. */
  raw: ChartFile[];
  /** `templates/**`. */
  templates: ChartFile[];
  /** values.yaml, read as Helm reads it (numbers are float64). */
  values: GoMap;
  /** values.schema.json, when present. */
  schema?: Uint8Array;
  /** Files other than templates, Chart.yaml, values.yaml, values.schema.json, charts/ and lock files. */
  files: ChartFile[];
  /** Subcharts (from `charts/`), in load order. */
  dependencies: Chart[];
  parent?: Chart;
}

/** `CHART` for the root, `PARENT/charts/CHART` for a subchart: the prefix of `# Source:` paths. */
export function chartFullPath(c: Chart): string {
  return c.parent ? `${chartFullPath(c.parent)}/charts/${c.metadata.name}` : c.metadata.name;
}

/**
 * A copy of the chart tree whose metadata, dependency lists and values can be changed (as
 * dependency processing does) without touching the original; file contents are shared.
 */
export function cloneChart(c: Chart, parent?: Chart): Chart {
  const copy: Chart = {
    ...c,
    metadata: {
      ...c.metadata,
      dependencies: c.metadata.dependencies?.map((d) => ({ ...d, tags: d.tags ? [...d.tags] : undefined })),
    },
    values: structuredClone(c.values),
    dependencies: [],
    parent,
  };
  copy.dependencies = c.dependencies.map((d) => cloneChart(d, copy));
  return copy;
}
