/**
 * `helm template` in-process: process dependencies, coalesce and validate values, parse every
 * template of the chart tree into one template set, execute each non-partial file with its
 * chart's scope, then split, classify and order the output as Helm does. Pure except for the
 * optional `lookup` against a Cluster.
 *
 * The engine-level functions (`include`, `tpl`, `required`, `fail`, `lookup`) are wired here,
 * closing over the template set, as Helm's pkg/engine does.
 */
import type { Cluster } from '../cluster/types.js';
import { funcMap, unwrapWarning } from './funcs/index.js';
import type { HelmFuncContext } from './funcs/index.js';
import { Templates } from './template/index.js';
import type { GoMap, GoValue } from './template/values.js';
import { isGoMap } from './template/values.js';
import { coalesceValues } from './chart/coalesce.js';
import { checkDependencies, processDependencies, valuesTable } from './chart/dependencies.js';
import { HelmError } from './chart/errors.js';
import { chartFiles } from './chart/files.js';
import type { ToYaml } from './chart/files.js';
import {
  BuildInfo,
  Capabilities,
  ChartInfo,
  DEFAULT_API_VERSIONS,
  DEFAULT_KUBE_VERSION,
  parseKubeVersion,
  VersionSet,
} from './chart/objects.js';
import { validateValues } from './chart/schema.js';
import { isCompatibleRange } from './chart/semver.js';
import { sortManifests, splitManifests } from './chart/sort.js';
import { goMatch } from './chart/glob.js';
import type { Hook, Manifest } from './chart/sort.js';
import { chartFullPath, cloneChart } from './chart/types.js';
import type { Chart } from './chart/types.js';
import { readYamlDocuments } from './chart/yaml.js';

/** Synchronous lookup: `lookup apiVersion kind namespace name` → object, list or `{}`. */
export type LookupFunction = (apiVersion: string, kind: string, namespace: string, name: string) => GoMap;

export interface RenderOptions {
  /** User-supplied values (already merged from -f files and --set), as `parseValueFlags` returns. */
  values?: GoMap;
  releaseName?: string;
  namespace?: string;
  revision?: number;
  isUpgrade?: boolean;
  /** `--kube-version`: `.Capabilities.KubeVersion` (default v1.32.0, as helm template). */
  kubeVersion?: string;
  /** `--api-versions`: added to Helm's default API versions. */
  apiVersions?: string[];
  /** Answer `lookup` from this cluster (`renderChart` only); without it `lookup` returns `{}` as `helm template` does. */
  cluster?: Cluster;
  /** A synchronous lookup (takes precedence over `cluster`). */
  lookup?: LookupFunction;
  skipSchemaValidation?: boolean;
}

export interface RenderedManifest extends Manifest {
  /** The document's objects (one, none for a comment-only document). */
  objects: Record<string, unknown>[];
}

export interface RenderedHook extends Hook {
  objects: Record<string, unknown>[];
}

export interface RenderedCrd {
  /** e.g. `mychart/crds/foo.yaml`. */
  source: string;
  content: string;
  objects: Record<string, unknown>[];
}

export interface RenderResult {
  /** Non-hook documents, in Helm's install order. */
  manifests: RenderedManifest[];
  /** Hook documents, ordered by kind as Helm keeps them. */
  hooks: RenderedHook[];
  /** The root chart's rendered NOTES.txt ('' when none). */
  notes: string;
  /** Files under `crds/` of the chart and its enabled subcharts (never templated). */
  crds: RenderedCrd[];
  /** The final values the templates saw. */
  values: GoMap;
  /** The processed chart tree (disabled subcharts removed, aliases applied). */
  chart: Chart;
}

const RECURSION_MAX = 1000;
const decoder = new TextDecoder();

interface Renderable {
  text: string;
  vals: GoMap;
  basePath: string;
}

function isLibrary(c: Chart): boolean {
  return (c.metadata.type ?? '').toLowerCase() === 'library';
}

/** Helm's recAllTpls: every template of the tree with the scope (`.`) it renders in. */
function allTemplates(c: Chart, top: GoMap, toYaml: ToYaml, out: Map<string, Renderable>): GoMap {
  const subcharts: GoMap = {};
  const next: GoMap = {
    Chart: new ChartInfo(c.metadata, !c.parent),
    Files: chartFiles(c.files, toYaml),
    Release: top.Release,
    Capabilities: top.Capabilities,
    Values: {},
    Subcharts: subcharts,
  };
  if (!c.parent) next.Values = top.Values;
  else {
    const t = isGoMap(top.Values) ? valuesTable(top.Values, c.metadata.name) : undefined;
    if (t) next.Values = t;
  }
  for (const child of c.dependencies) subcharts[child.metadata.name] = allTemplates(child, next, toYaml, out);
  const full = chartFullPath(c);
  for (const t of c.templates) {
    const base = t.name.slice(t.name.lastIndexOf('/') + 1);
    if (isLibrary(c) && !base.startsWith('_')) continue;
    out.set(`${full}/${t.name}`, { text: decoder.decode(t.data), vals: next, basePath: `${full}/templates` });
  }
  return next;
}

function slashes(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 47) n++;
  return n;
}

/** Helm parses deeper paths first (so a parent's `define` wins over a subchart's), ties reverse-sorted. */
function sortTemplates(names: string[]): string[] {
  return names.sort((a, b) => slashes(b) - slashes(a) || (a < b ? 1 : a > b ? -1 : 0));
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Helm's cleanupParseError. */
function parseError(filename: string, e: unknown): HelmError {
  const msg = messageOf(e);
  const tokens = msg.split(': ');
  if (tokens.length === 1) return new HelmError(`parse error in (${filename}): ${msg}`, { cause: e });
  return new HelmError(`parse error at (${tokens[1]}): ${tokens[tokens.length - 1]}`, { cause: e });
}

/** Helm's cleanupExecError: `required`/`fail` messages are lifted out with their location. */
function execError(filename: string, e: unknown): HelmError {
  const msg = messageOf(e);
  const first = msg.indexOf(': ');
  const second = first >= 0 ? msg.indexOf(': ', first + 2) : -1;
  if (first < 0 || second < 0) return new HelmError(`execution error in (${filename}): ${msg}`, { cause: e });
  const location = msg.slice(first + 2, second);
  const rest = msg.slice(second + 2);
  const warning = unwrapWarning(rest);
  if (warning !== undefined) return new HelmError(`execution error at (${location}): ${warning}`, { cause: e });
  return new HelmError(msg, { cause: e });
}

/** Makes integers in API objects int64 (bigint), as client-go's unstructured decoding does. */
function fromApi(v: unknown): GoValue {
  if (Array.isArray(v)) return v.map(fromApi);
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v;
  if (v !== null && typeof v === 'object') {
    const out: GoMap = {};
    for (const [k, x] of Object.entries(v)) out[k] = fromApi(x);
    return out;
  }
  return v as GoValue;
}

/** Renders the templates of a processed chart; returns file → output (Helm's `engine.Render`). */
function renderTemplates(chart: Chart, top: GoMap, lookup: LookupFunction | undefined): Map<string, string> {
  const included = new Map<string, number>();
  // Helm's include and tpl close over the template set they run in; tpl runs in a clone of it.
  const context = (t: Templates): HelmFuncContext => ({
    include: (name, data) => {
      const depth = included.get(name) ?? 0;
      if (depth > RECURSION_MAX) throw new Error(`rendering template has a nested reference name: ${name}: unable to execute template`);
      included.set(name, depth + 1);
      try {
        if (!t.has(name)) throw new Error(`template: no template ${JSON.stringify(name)} associated with template "gotpl"`);
        return t.execute(name, data);
      } finally {
        included.set(name, (included.get(name) ?? 1) - 1);
      }
    },
    tpl: (text, vals) => {
      // As Helm: parsed as "gotpl" in a clone of the set, whose include and tpl close over the clone.
      const clone = t.clone();
      clone.addFuncs(funcMap(context(clone)));
      try {
        clone.parse('gotpl', text);
      } catch (e) {
        throw new Error(`cannot parse template ${JSON.stringify(text)}: ${messageOf(e)}`, { cause: e });
      }
      let out: string;
      try {
        out = clone.execute('gotpl', vals);
      } catch (e) {
        if (e instanceof RangeError) throw e;
        throw new Error(`error during tpl function execution for ${JSON.stringify(text)}: ${messageOf(e)}`, { cause: e });
      }
      return out.replaceAll('<no value>', '');
    },
    lookup: (apiVersion, kind, namespace, name) => (lookup ? lookup(apiVersion, kind, namespace, name) : {}),
  });
  // helm 3.17 is built with Go 1.23: no range over an int.
  const set = new Templates({ missingKey: 'zero', rangeOverInt: false });
  const funcs = funcMap(context(set));
  set.addFuncs(funcs);
  const toYaml = funcs.toYaml as unknown as ToYaml;
  const tpls = new Map<string, Renderable>();
  allTemplates(chart, top, (v) => toYaml(v), tpls);

  const keys = sortTemplates([...tpls.keys()]);
  for (const filename of keys) {
    try {
      set.parse(filename, tpls.get(filename)!.text);
    } catch (e) {
      throw parseError(filename, e);
    }
  }
  const rendered = new Map<string, string>();
  for (const filename of keys) {
    if (filename.slice(filename.lastIndexOf('/') + 1).startsWith('_')) continue;
    const r = tpls.get(filename)!;
    r.vals.Template = { Name: filename, BasePath: r.basePath };
    let out: string;
    try {
      out = set.execute(filename, r.vals);
    } catch (e) {
      throw execError(filename, e);
    }
    rendered.set(filename, out.replaceAll('<no value>', ''));
  }
  return rendered;
}

function isManifestFile(name: string): boolean {
  return /\.(ya?ml|json)$/i.test(name);
}

function collectCrds(c: Chart, out: RenderedCrd[]): void {
  for (const f of c.files) {
    if (f.name.startsWith('crds/') && isManifestFile(f.name)) {
      const source = `${chartFullPath(c)}/${f.name}`;
      const content = decoder.decode(f.data);
      out.push({ source, content, objects: readYamlDocuments(content, source).filter(isGoMap) as Record<string, unknown>[] });
    }
  }
  for (const d of c.dependencies) collectCrds(d, out);
}

function withObjects<T extends Manifest>(m: T): T & { objects: Record<string, unknown>[] } {
  return { ...m, objects: m.object ? [m.object] : [] };
}

/** Renders a chart synchronously (`lookup` from `options.lookup`, else `{}`). */
export function renderChartSync(chart: Chart, options: RenderOptions = {}): RenderResult {
  const type = chart.metadata.type ?? '';
  if (type !== '' && type !== 'application') throw new HelmError(`${type} charts are not installable`);
  checkDependencies(chart);
  const c = cloneChart(chart);
  const userValues = options.values ?? {};
  processDependencies(c, userValues);

  const kube = parseKubeVersion(options.kubeVersion ?? DEFAULT_KUBE_VERSION);
  const caps = new Capabilities(kube, VersionSet.from2([...DEFAULT_API_VERSIONS, ...(options.apiVersions ?? [])]), new BuildInfo());
  const isUpgrade = options.isUpgrade ?? false;
  const values = coalesceValues(c, userValues);
  if (!options.skipSchemaValidation) validateValues(c, values);
  const top: GoMap = {
    Capabilities: caps,
    Release: {
      Name: options.releaseName ?? 'release-name',
      Namespace: options.namespace ?? 'default',
      IsUpgrade: isUpgrade,
      IsInstall: !isUpgrade,
      Revision: BigInt(options.revision ?? 1),
      Service: 'Helm',
    },
    Values: values,
  };
  if (c.metadata.kubeVersion && !isCompatibleRange(c.metadata.kubeVersion, kube.Version)) {
    throw new HelmError(`chart requires kubeVersion: ${c.metadata.kubeVersion} which is incompatible with Kubernetes ${kube.Version}`, { phase: 'render' });
  }
  let files: Map<string, string>;
  try {
    files = renderTemplates(c, top, options.lookup);
  } catch (e) {
    if (e instanceof HelmError) e.phase = 'render';
    throw e;
  }
  let notes = '';
  const notesName = `${c.metadata.name}/templates/NOTES.txt`;
  for (const k of [...files.keys()]) {
    if (k.endsWith('NOTES.txt')) {
      if (k === notesName) notes = files.get(k)!;
      files.delete(k);
    }
  }
  let sorted: ReturnType<typeof sortManifests>;
  try {
    sorted = sortManifests(files);
  } catch (e) {
    if (e instanceof HelmError) e.phase = 'render';
    throw e;
  }
  const crds: RenderedCrd[] = [];
  collectCrds(c, crds);
  return {
    manifests: sorted.manifests.map(withObjects),
    hooks: sorted.hooks.map(withObjects),
    notes,
    crds,
    values,
    chart: c,
  };
}

/**
 * Renders a chart; with `options.cluster`, `lookup` answers from the cluster. Templates run
 * synchronously, so lookups are answered from a cache: a pass that asked for something not yet
 * fetched is re-run after fetching it (until no new lookups, at most 8 passes).
 */
export async function renderChart(chart: Chart, options: RenderOptions = {}): Promise<RenderResult> {
  const cluster = options.cluster;
  if (!cluster || options.lookup) return renderChartSync(chart, options);
  const cache = new Map<string, GoMap>();
  for (let pass = 0; ; pass++) {
    const missing = new Map<string, [string, string, string, string]>();
    const lookup: LookupFunction = (apiVersion, kind, namespace, name) => {
      const key = JSON.stringify([apiVersion, kind, namespace, name]);
      const hit = cache.get(key);
      if (hit) return structuredClone(hit);
      missing.set(key, [apiVersion, kind, namespace, name]);
      return {};
    };
    let result: RenderResult | undefined;
    let error: unknown;
    try {
      result = renderChartSync(chart, { ...options, lookup });
    } catch (e) {
      error = e;
    }
    if (missing.size === 0 || pass >= 8) {
      if (error) throw error;
      return result!;
    }
    for (const [key, [apiVersion, kind, namespace, name]] of missing) {
      cache.set(key, await clusterLookup(cluster, apiVersion, kind, namespace, name));
    }
  }
}

async function clusterLookup(cluster: Cluster, apiVersion: string, kind: string, namespace: string, name: string): Promise<GoMap> {
  const info = await cluster.resourceFor(apiVersion, kind);
  if (!info) throw new HelmError(`unable to get apiresource from unstructured: ${apiVersion}, Kind=${kind}: no matches for kind "${kind}" in version "${apiVersion}"`);
  const ns = info.namespaced && namespace !== '' ? namespace : undefined;
  if (name !== '') {
    const obj = await cluster.get({ apiVersion, kind, name, ...(ns ? { namespace: ns } : {}) });
    return obj ? (fromApi(obj) as GoMap) : {};
  }
  const list = await cluster.list({ apiVersion, kind, ...(ns ? { namespace: ns } : {}) });
  return fromApi({ apiVersion, kind: `${kind}List`, metadata: { resourceVersion: list.resourceVersion }, items: list.items }) as GoMap;
}

export interface OutputOptions {
  includeCrds?: boolean;
  /** `--show-only` patterns (Go filepath.Match against the path after the chart name). */
  showOnly?: string[];
  skipTests?: boolean;
}

/** The text `helm template` prints for a render result. */
export function formatTemplateOutput(result: RenderResult, options: OutputOptions = {}): string {
  let manifest = '';
  if (options.includeCrds) for (const crd of result.crds) manifest += `---\n# Source: ${crd.source}\n${crd.content}\n`;
  for (const m of result.manifests) manifest += `---\n# Source: ${m.source}\n${m.content}\n`;
  let out = `${manifest.trim()}\n`;
  for (const h of result.hooks) {
    if (options.skipTests && h.events.includes('test')) continue;
    out += `---\n# Source: ${h.source}\n${h.content}\n`;
  }
  if (!options.showOnly || options.showOnly.length === 0) return out;
  return showOnly(out, options.showOnly);
}

function showOnly(all: string, patterns: string[]): string {
  const docs = splitManifests(all);
  const chosen: string[] = [];
  for (const raw of patterns) {
    const f = raw.replace(/\\/g, '/');
    let missing = true;
    for (const doc of docs) {
      const m = /# Source: [^/]+\/(.+)/.exec(doc);
      if (!m) continue;
      if (!goMatch(f, m[1]!)) continue;
      chosen.push(doc);
      missing = false;
    }
    if (missing) throw new HelmError(`could not find template ${f} in chart`);
  }
  return chosen.map((d) => `---\n${d}\n`).join('');
}
