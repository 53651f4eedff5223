/**
 * Loading a chart as Helm's `loader` does: from a directory (honouring `.helmignore`), from a
 * `.tgz` archive, or from an in-memory map of files (a chart inside a Git artifact). Subcharts
 * come from `charts/` as directories or archives.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { GoMap } from '../template/values.js';
import { HelmError } from './errors.js';
import { HelmIgnore } from './ignore.js';
import { parseVersion } from './semver.js';
import { readChartArchive, stripBom } from './tar.js';
import type { Chart, ChartDependency, ChartFile, ChartMetadata } from './types.js';
import { readValues } from './yaml.js';

const decoder = new TextDecoder();
const text = (data: Uint8Array): string => decoder.decode(data);

/** Loads a chart directory or `.tgz` archive from disk. */
export function loadChart(pathOrTgz: string): Chart {
  let st;
  try {
    st = statSync(pathOrTgz);
  } catch {
    throw new HelmError(`path "${pathOrTgz}" not found`);
  }
  if (st.isDirectory()) return loadChartDir(pathOrTgz);
  const data = readFileSync(pathOrTgz);
  if (!(data[0] === 0x1f && data[1] === 0x8b)) {
    if (/\.ya?ml$/.test(pathOrTgz)) throw new HelmError(`file '${pathOrTgz}' seems to be a YAML file, but expected a gzipped archive`);
    throw new HelmError(`file '${pathOrTgz}' does not appear to be a gzipped archive`);
  }
  return loadChartArchive(data, pathOrTgz);
}

/** Loads a chart from the bytes of a `.tgz` archive. */
export function loadChartArchive(archive: Uint8Array, what?: string): Chart {
  return loadFiles(readChartArchive(archive, what));
}

/** Loads a chart directory, skipping what its `.helmignore` (and Helm's defaults) exclude. */
export function loadChartDir(dir: string): Chart {
  const top = path.resolve(dir);
  let rules = new HelmIgnore();
  const ignoreFile = path.join(top, '.helmignore');
  try {
    rules = HelmIgnore.parse(readFileSync(ignoreFile, 'utf8'));
  } catch (e) {
    if (e instanceof HelmError) throw e;
  }
  rules.withDefaults();
  const files: ChartFile[] = [];
  const walk = (abs: string, rel: string): void => {
    for (const name of readdirSync(abs).sort()) {
      const a = path.join(abs, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = statSync(a);
      if (st.isDirectory()) {
        if (!rules.ignores(r, true)) walk(a, r);
        continue;
      }
      if (rules.ignores(r, false)) continue;
      if (!st.isFile()) throw new HelmError(`cannot load irregular file ${a} as it has file mode type bits set`);
      files.push({ name: r, data: stripBom(readFileSync(a)) });
    }
  };
  walk(top, '');
  return loadFiles(files);
}

/**
 * Loads a chart from files keyed by path relative to the chart root (`/`-separated), applying
 * its `.helmignore` as a directory load would.
 */
export function loadChartFromFiles(input: Map<string, Uint8Array | string> | Record<string, Uint8Array | string>): Chart {
  const entries = input instanceof Map ? [...input.entries()] : Object.entries(input);
  const enc = new TextEncoder();
  const all = entries
    .map(([name, d]) => ({ name: name.replace(/^\.\//, ''), data: typeof d === 'string' ? enc.encode(d) : d }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const f of all) {
    const n = path.posix.normalize(f.name);
    if (f.name.startsWith('/') || n.startsWith('..')) throw new HelmError(`chart illegally references parent directory: ${f.name}`);
  }
  const ig = all.find((f) => f.name === '.helmignore');
  const rules = (ig ? HelmIgnore.parse(text(ig.data)) : new HelmIgnore()).withDefaults();
  const kept = all.filter((f) => {
    const parts = f.name.split('/');
    for (let i = 1; i < parts.length; i++) if (rules.ignores(parts.slice(0, i).join('/'), true)) return false;
    return !rules.ignores(f.name, false);
  });
  return loadFiles(kept.map((f) => ({ name: f.name, data: stripBom(f.data) })));
}

function asString(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v;
  return undefined;
}

function asBool(v: unknown): boolean | undefined {
  if (typeof v !== 'string') return undefined;
  return /^(y|Y|yes|Yes|YES|true|True|TRUE|on|On|ON)$/.test(v) ? true : /^(n|N|no|No|NO|false|False|FALSE|off|Off|OFF)$/.test(v) ? false : undefined;
}

function asStrings(v: unknown): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
}

/** Chart.yaml / requirements.yaml: scalars are read as strings (their target fields are). */
function readMetaYaml(data: Uint8Array, what: string): Record<string, unknown> {
  const doc = parseDocument(text(data), { schema: 'failsafe', uniqueKeys: true });
  const e = doc.errors[0];
  if (e) throw new HelmError(`cannot load ${what}: error converting YAML to JSON: yaml: line ${e.linePos?.[0]?.line ?? 0}: ${e.message.split('\n')[0]}`);
  const v = doc.toJS() as unknown;
  if (v === null || v === undefined || v === '') return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new HelmError(`cannot load ${what}: error unmarshaling JSON: cannot unmarshal into Go value of type chart.Metadata`);
  return v as Record<string, unknown>;
}

function readDependencies(v: unknown): ChartDependency[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v
    .filter((d): d is Record<string, unknown> => d !== null && typeof d === 'object')
    .map((d) => {
      const dep: ChartDependency = { name: asString(d.name) ?? '' };
      const set = <K extends keyof ChartDependency>(k: K, x: ChartDependency[K] | undefined): void => {
        if (x !== undefined) dep[k] = x;
      };
      set('version', asString(d.version));
      set('repository', asString(d.repository));
      set('condition', asString(d.condition));
      set('tags', asStrings(d.tags));
      set('enabled', asBool(d.enabled));
      set('alias', asString(d.alias));
      if (Array.isArray(d['import-values'])) dep.importValues = d['import-values'] as unknown[];
      return dep;
    });
}

function applyMeta(md: ChartMetadata, y: Record<string, unknown>): void {
  const s = (k: keyof ChartMetadata & string): void => {
    const x = asString(y[k]);
    if (x !== undefined) (md as unknown as Record<string, unknown>)[k] = x;
  };
  for (const k of ['name', 'home', 'version', 'description', 'icon', 'apiVersion', 'condition', 'tags', 'appVersion', 'kubeVersion', 'type'] as const) s(k);
  if (y.sources !== undefined) md.sources = asStrings(y.sources);
  if (y.keywords !== undefined) md.keywords = asStrings(y.keywords);
  if (Array.isArray(y.maintainers)) {
    md.maintainers = (y.maintainers as unknown[]).map((m) => {
      const r = (m ?? {}) as Record<string, unknown>;
      const out: { name?: string; email?: string; url?: string } = {};
      if (asString(r.name)) out.name = asString(r.name);
      if (asString(r.email)) out.email = asString(r.email);
      if (asString(r.url)) out.url = asString(r.url);
      return out;
    });
  }
  if (y.deprecated !== undefined) md.deprecated = asBool(y.deprecated) ?? false;
  if (y.annotations && typeof y.annotations === 'object') md.annotations = { ...(y.annotations as Record<string, string>) };
  if (y.dependencies !== undefined) md.dependencies = readDependencies(y.dependencies);
}

function sanitize(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  return s.replace(/\s/gu, ' ').replace(/[\p{C}]/gu, '');
}

function validate(md: ChartMetadata): void {
  md.name = sanitize(md.name) ?? '';
  for (const k of ['description', 'home', 'icon', 'condition', 'tags', 'appVersion', 'kubeVersion'] as const) {
    if (md[k] !== undefined) md[k] = sanitize(md[k]);
  }
  if (!md.apiVersion) throw new HelmError('validation: chart.metadata.apiVersion is required');
  if (!md.name) throw new HelmError('validation: chart.metadata.name is required');
  if (md.name !== path.posix.basename(md.name) || md.name.includes('\\')) throw new HelmError(`validation: chart.metadata.name ${JSON.stringify(md.name)} is invalid`);
  if (!md.version) throw new HelmError('validation: chart.metadata.version is required');
  if (!parseVersion(md.version)) throw new HelmError(`validation: chart.metadata.version ${JSON.stringify(md.version)} is invalid`);
  if (md.type !== undefined && md.type !== '' && md.type !== 'application' && md.type !== 'library') {
    throw new HelmError('validation: chart.metadata.type must be application or library');
  }
  const seen = new Set<string>();
  for (const d of md.dependencies ?? []) {
    if (d.alias !== undefined && d.alias !== '' && !/^[a-zA-Z0-9-_]+$/.test(d.alias)) {
      throw new HelmError(`validation: dependency ${JSON.stringify(d.name)} has disallowed characters in the alias`);
    }
    const key = d.alias || d.name;
    if (seen.has(key)) throw new HelmError(`validation: more than one dependency with name or alias ${JSON.stringify(key)}`);
    seen.add(key);
  }
}

/** Helm's `loader.LoadFiles`: sorts files into metadata, values, templates, files and subcharts. */
export function loadFiles(files: ChartFile[]): Chart {
  let metadata: ChartMetadata | undefined;
  const c: Chart = { metadata: undefined as unknown as ChartMetadata, raw: [], templates: [], values: {}, files: [], dependencies: [] };
  for (const f of files) {
    c.raw.push(f);
    if (f.name === 'Chart.yaml') {
      metadata ??= { name: '', version: '', apiVersion: '' };
      applyMeta(metadata, readMetaYaml(f.data, 'Chart.yaml'));
      if (!metadata.apiVersion) metadata.apiVersion = 'v1';
    }
  }
  const subcharts = new Map<string, ChartFile[]>();
  for (const f of files) {
    const n = f.name;
    if (n === 'Chart.yaml') continue;
    if (n === 'Chart.lock' || n === 'requirements.lock') {
      if (n === 'requirements.lock' && metadata?.apiVersion === 'v1') c.files.push(f);
      continue;
    }
    if (n === 'values.yaml') {
      try {
        c.values = readValues(text(f.data), 'values.yaml');
      } catch (e) {
        throw new HelmError(`cannot load values.yaml: ${(e as Error).message.replace(/^values\.yaml: /, '')}`, { cause: e });
      }
    } else if (n === 'values.schema.json') c.schema = f.data;
    else if (n === 'requirements.yaml') {
      metadata ??= { name: '', version: '', apiVersion: '' };
      const y = readMetaYaml(f.data, 'requirements.yaml');
      if (y.dependencies !== undefined) metadata.dependencies = readDependencies(y.dependencies);
      if (metadata.apiVersion === 'v1') c.files.push(f);
    } else if (n.startsWith('templates/')) c.templates.push(f);
    else if (n.startsWith('charts/')) {
      if (n.endsWith('.prov')) {
        c.files.push(f);
        continue;
      }
      const rest = n.slice('charts/'.length);
      const cname = rest.split('/')[0]!;
      const list = subcharts.get(cname) ?? [];
      list.push({ name: rest, data: f.data });
      subcharts.set(cname, list);
    } else c.files.push(f);
  }
  if (!metadata) throw new HelmError('Chart.yaml file is missing');
  validate(metadata);
  c.metadata = metadata;
  // Helm walks a Go map here (random order); sorting by name makes ours deterministic.
  for (const [n, list] of [...subcharts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (n.startsWith('_') || n.startsWith('.')) continue;
    let sc: Chart;
    try {
      if (n.endsWith('.tgz')) {
        const file = list[0]!;
        if (file.name !== n) throw new HelmError(`error unpacking subchart tar in ${metadata.name}: expected ${n}, got ${file.name}`);
        sc = loadChartArchive(file.data, n);
      } else {
        const buff = list.filter((f) => f.name.includes('/')).map((f) => ({ name: f.name.slice(f.name.indexOf('/') + 1), data: f.data }));
        sc = loadFiles(buff);
      }
    } catch (e) {
      if (e instanceof HelmError && e.message.startsWith('error unpacking')) throw e;
      throw new HelmError(`error unpacking subchart ${n} in ${metadata.name}: ${(e as Error).message}`, { cause: e });
    }
    sc.parent = c;
    c.dependencies.push(sc);
  }
  return c;
}

/** Values of a chart as a mutable copy. */
export function chartValues(c: Chart): GoMap {
  return structuredClone(c.values);
}
