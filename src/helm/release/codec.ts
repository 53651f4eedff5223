/**
 * Helm 3's storage encoding of a release: Go's `encoding/json` of `release.Release`, gzipped at
 * best compression, base64 — the `release` key of a `helm.sh/release.v1` Secret. Field names,
 * order and omitempty rules are Go's, so the bytes match what Helm itself would write.
 */
import { gunzipSync, gzipSync, constants } from 'node:zlib';
import type { ChartDependency, ChartMetadata } from '../chart/types.js';
import { isGoMap } from '../template/values.js';
import type { GoMap } from '../template/values.js';
import type { HookExecution, Release, ReleaseChart, ReleaseHook, ReleaseInfo, ReleaseStatus } from './types.js';

/** A Go struct: fields in declaration order; `omit` drops a field (omitempty). */
class Struct {
  constructor(readonly fields: [string, unknown][]) {}
}

const struct = (fields: [string, unknown, boolean?][]): Struct => new Struct(fields.filter(([, v, omitEmpty]) => !omitEmpty || !isEmpty(v)).map(([k, v]) => [k, v]));

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === 0 || v === false) return true;
  if (Array.isArray(v) || v instanceof Uint8Array) return v.length === 0;
  if (isGoMap(v)) return Object.keys(v).length === 0;
  return false;
}

/** Go's JSON string escaping (HTML-safe: <, >, & and U+2028/U+2029 escaped). */
function quote(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Go `encoding/json.Marshal` of the value model: structs in order, maps sorted by key. */
export function goJson(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  if (v instanceof Struct) return `{${v.fields.map(([k, x]) => `${quote(k)}:${goJson(x)}`).join(',')}}`;
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`json: unsupported value: ${v}`);
    // JavaScript and Go agree on the shortest representation and on when to use exponents
    // (below 1e-6, from 1e21); Go writes the exponent without a leading zero, as JS does.
    return JSON.stringify(v);
  }
  if (v instanceof Uint8Array) return quote(Buffer.from(v).toString('base64'));
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  if (typeof v === 'object') {
    const keys = Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${keys.map((k) => `${quote(k)}:${goJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  throw new Error(`json: unsupported type: ${typeof v}`);
}

/** Go's time.Time JSON form (RFC 3339 with trailing zeros of the fraction dropped); Helm writes "" for the zero time. */
export function goTime(ms: number | undefined): string {
  if (ms === undefined) return '';
  return new Date(ms).toISOString().replace(/\.(\d*?)0*Z$/, (_m, frac: string) => (frac ? `.${frac}Z` : 'Z'));
}

const parseTime = (s: unknown): number | undefined => {
  if (typeof s !== 'string' || s === '' || s.startsWith('0001-01-01')) return undefined;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : ms;
};

function dependencyStruct(d: ChartDependency): Struct {
  return struct([
    ['name', d.name],
    ['version', d.version, true],
    ['repository', d.repository ?? ''],
    ['condition', d.condition, true],
    ['tags', d.tags, true],
    ['enabled', d.enabled, true],
    ['import-values', d.importValues, true],
    ['alias', d.alias, true],
  ]);
}

function metadataStruct(m: ChartMetadata): Struct {
  return struct([
    ['name', m.name, true],
    ['home', m.home, true],
    ['sources', m.sources, true],
    ['version', m.version, true],
    ['description', m.description, true],
    ['keywords', m.keywords, true],
    ['maintainers', m.maintainers?.map((x) => struct([['name', x.name, true], ['email', x.email, true], ['url', x.url, true]])), true],
    ['icon', m.icon, true],
    ['apiVersion', m.apiVersion, true],
    ['condition', m.condition, true],
    ['tags', m.tags, true],
    ['appVersion', m.appVersion, true],
    ['deprecated', m.deprecated, true],
    ['annotations', m.annotations, true],
    ['kubeVersion', m.kubeVersion, true],
    ['dependencies', m.dependencies?.map(dependencyStruct), true],
    ['type', m.type, true],
  ]);
}

const fileStruct = (f: { name: string; data: Uint8Array }): Struct => struct([['name', f.name], ['data', f.data]]);

function chartStruct(c: ReleaseChart): Struct {
  return struct([
    ['metadata', metadataStruct(c.metadata)],
    ['lock', c.lock ? struct([['generated', goTime(c.lock.generated)], ['digest', c.lock.digest], ['dependencies', c.lock.dependencies.map(dependencyStruct)]]) : null],
    ['templates', c.templates.map(fileStruct)],
    ['values', c.values],
    ['schema', c.schema ?? null],
    ['files', c.files.map(fileStruct)],
  ]);
}

const executionStruct = (e: HookExecution): Struct => struct([['started_at', goTime(e.startedAt)], ['completed_at', goTime(e.completedAt)], ['phase', e.phase]]);

function hookStruct(h: ReleaseHook): Struct {
  return struct([
    ['name', h.name, true],
    ['kind', h.kind, true],
    ['path', h.path, true],
    ['manifest', h.manifest, true],
    ['events', h.events, true],
    ['last_run', executionStruct(h.lastRun)],
    ['weight', BigInt(h.weight), true],
    ['delete_policies', h.deletePolicies, true],
  ]);
}

function infoStruct(i: ReleaseInfo): Struct {
  return struct([
    // omitempty never omits a struct (time.Time): the zero time is written as "".
    ['first_deployed', goTime(i.firstDeployed)],
    ['last_deployed', goTime(i.lastDeployed)],
    ['deleted', goTime(i.deleted)],
    ['description', i.description, true],
    ['status', i.status, true],
    ['notes', i.notes, true],
  ]);
}

/** The release as Go's json.Marshal writes it (labels are not part of it: they live on the Secret). */
export function releaseJson(r: Release): string {
  return goJson(
    struct([
      ['name', r.name, true],
      ['info', infoStruct(r.info)],
      ['chart', chartStruct(r.chart)],
      ['config', r.config, true],
      ['manifest', r.manifest, true],
      ['hooks', r.hooks.map(hookStruct), true],
      ['version', BigInt(r.version), true],
      ['namespace', r.namespace, true],
    ]),
  );
}

/** Helm's `encodeRelease`: JSON, gzip (best compression), base64. */
export function encodeRelease(r: Release): string {
  return gzipSync(Buffer.from(releaseJson(r)), { level: constants.Z_BEST_COMPRESSION }).toString('base64');
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const bytes = (v: unknown): Uint8Array => new Uint8Array(Buffer.from(str(v), 'base64'));
const opt = <K extends string, V>(key: K, v: V | undefined | ''): { [P in K]?: V } => (v === undefined || v === '' ? {} : ({ [key]: v } as { [P in K]?: V }));

function parseDependency(d: Json): ChartDependency {
  return {
    name: str(d.name),
    ...opt('version', str(d.version)),
    ...opt('repository', str(d.repository)),
    ...opt('condition', str(d.condition)),
    ...(Array.isArray(d.tags) ? { tags: d.tags.map(str) } : {}),
    ...(d.enabled === true ? { enabled: true } : {}),
    ...(Array.isArray(d['import-values']) ? { importValues: d['import-values'] } : {}),
    ...opt('alias', str(d.alias)),
  };
}

function parseMetadata(m: Json): ChartMetadata {
  return {
    name: str(m.name),
    version: str(m.version),
    apiVersion: str(m.apiVersion),
    ...opt('home', str(m.home)),
    ...(Array.isArray(m.sources) ? { sources: m.sources.map(str) } : {}),
    ...opt('description', str(m.description)),
    ...(Array.isArray(m.keywords) ? { keywords: m.keywords.map(str) } : {}),
    ...(Array.isArray(m.maintainers) ? { maintainers: m.maintainers.map((x) => ({ ...opt('name', str(obj(x).name)), ...opt('email', str(obj(x).email)), ...opt('url', str(obj(x).url)) })) } : {}),
    ...opt('icon', str(m.icon)),
    ...opt('condition', str(m.condition)),
    ...opt('tags', str(m.tags)),
    ...opt('appVersion', str(m.appVersion)),
    ...(m.deprecated === true ? { deprecated: true } : {}),
    ...(isGoMap(m.annotations) ? { annotations: m.annotations as Record<string, string> } : {}),
    ...opt('kubeVersion', str(m.kubeVersion)),
    ...(Array.isArray(m.dependencies) ? { dependencies: m.dependencies.map((d) => parseDependency(obj(d))) } : {}),
    ...opt('type', str(m.type)),
  };
}

function parseHook(h: Json): ReleaseHook {
  const run = obj(h.last_run);
  return {
    name: str(h.name),
    kind: str(h.kind),
    path: str(h.path),
    manifest: str(h.manifest),
    events: arr(h.events).map(str) as ReleaseHook['events'],
    lastRun: { ...opt('startedAt', parseTime(run.started_at)), ...opt('completedAt', parseTime(run.completed_at)), phase: str(run.phase) as HookExecution['phase'] },
    weight: typeof h.weight === 'number' ? h.weight : 0,
    deletePolicies: arr(h.delete_policies).map(str) as ReleaseHook['deletePolicies'],
  };
}

/** The release from its JSON (as `json.Unmarshal` into release.Release reads it). */
export function parseReleaseJson(text: string): Release {
  const r = obj(JSON.parse(text));
  const info = obj(r.info);
  const chart = obj(r.chart);
  const lock = chart.lock && typeof chart.lock === 'object' ? obj(chart.lock) : undefined;
  return {
    name: str(r.name),
    namespace: str(r.namespace),
    version: typeof r.version === 'number' ? r.version : 0,
    info: {
      ...opt('firstDeployed', parseTime(info.first_deployed)),
      ...opt('lastDeployed', parseTime(info.last_deployed)),
      ...opt('deleted', parseTime(info.deleted)),
      description: str(info.description),
      status: (str(info.status) || 'unknown') as ReleaseStatus,
      ...opt('notes', str(info.notes)),
    },
    chart: {
      metadata: parseMetadata(obj(chart.metadata)),
      ...(lock ? { lock: { ...opt('generated', parseTime(lock.generated)), digest: str(lock.digest), dependencies: arr(lock.dependencies).map((d) => parseDependency(obj(d))) } } : {}),
      templates: arr(chart.templates).map((f) => ({ name: str(obj(f).name), data: bytes(obj(f).data) })),
      values: isGoMap(chart.values) ? (chart.values as GoMap) : {},
      ...(typeof chart.schema === 'string' && chart.schema !== '' ? { schema: bytes(chart.schema) } : {}),
      files: arr(chart.files).map((f) => ({ name: str(obj(f).name), data: bytes(obj(f).data) })),
    },
    config: isGoMap(r.config) ? (r.config as GoMap) : {},
    manifest: str(r.manifest),
    hooks: arr(r.hooks).map((h) => parseHook(obj(h))),
  };
}

const GZIP_MAGIC = [0x1f, 0x8b, 0x08];

/** Helm's `decodeRelease`: base64, gunzip when gzipped (older releases were not), JSON. */
export function decodeRelease(data: string): Release {
  let b = Buffer.from(data, 'base64');
  if (b.length > 3 && GZIP_MAGIC.every((m, i) => b[i] === m)) b = gunzipSync(b);
  return parseReleaseJson(b.toString('utf8'));
}
