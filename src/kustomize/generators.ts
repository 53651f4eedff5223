/** configMapGenerator / secretGenerator and the content-hash name suffix. */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { KustomizeError } from './errors.js';
import type { KFileSystem } from './fs.js';
import type { Obj } from './resource.js';

export interface GeneratorArgs {
  name?: string;
  namespace?: string;
  behavior?: string;
  literals?: string[];
  files?: string[];
  envs?: string[];
  env?: string;
  type?: string;
  options?: GeneratorOptions;
}

export interface GeneratorOptions {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  disableNameSuffixHash?: boolean;
  immutable?: boolean;
}

/** Go's json.Marshal string escaping (HTML-safe), so hashes match kustomize's. */
function goJson(v: unknown): string {
  if (typeof v === 'string') {
    return JSON.stringify(v)
      .replace(/</g, '\\u003c')
      .replace(/>/g, '\\u003e')
      .replace(/&/g, '\\u0026')
      .replace(/\u2028/g, '\\u2028')
      .replace(/\u2029/g, '\\u2029');
  }
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${goJson(k)}:${goJson((v as Obj)[k])}`).join(',')}}`;
  }
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  return JSON.stringify(v ?? null);
}

function encodeHash(hex: string): string {
  const map: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };
  return [...hex.slice(0, 10)].map((c) => map[c] ?? c).join('');
}

/** The suffix kustomize appends to a generated ConfigMap or Secret name. */
export function contentHash(obj: Obj): string {
  let m: Obj;
  // kustomize reads an absent field as the empty string.
  const data = obj.data === undefined || obj.data === null ? '' : obj.data;
  if (obj.kind === 'ConfigMap') {
    // kustomize hashes with an empty name (the name field it reads is not set at that point).
    m = { kind: 'ConfigMap', name: '', data };
    if (obj.binaryData && Object.keys(obj.binaryData).length > 0) m.binaryData = obj.binaryData;
  } else if (obj.kind === 'Secret') {
    m = { kind: 'Secret', type: obj.type ?? '', name: '', data };
  } else {
    m = obj;
  }
  const hex = createHash('sha256').update(goJson(m)).digest('hex');
  return encodeHash(hex);
}

function parseKv(spec: string, file: string): [string, string] {
  const i = spec.indexOf('=');
  if (i < 0) throw new KustomizeError(`invalid literal source ${spec}, expected key=value`, file);
  const k = spec.slice(0, i);
  let v = spec.slice(i + 1);
  if (v.length >= 2 && ((v[0] === '"' && v.endsWith('"')) || (v[0] === "'" && v.endsWith("'")))) v = v.slice(1, -1);
  return [k, v];
}

function parseEnvFile(text: string, file: string): [string, string][] {
  const out: [string, string][] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, n) => {
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) return;
    const i = line.indexOf('=');
    if (i < 0) {
      const v = process.env[line.trim()];
      if (v !== undefined) out.push([line.trim(), v]);
      return;
    }
    const k = line.slice(0, i);
    if (/\s/.test(k) || k === '') throw new KustomizeError(`invalid env key ${JSON.stringify(k)}`, file, n + 1);
    // Unlike literals, env-file values keep their quotes.
    out.push([k, line.slice(i + 1)]);
  });
  return out;
}

function isUtf8Text(b: Buffer): boolean {
  const s = b.toString('utf8');
  return Buffer.from(s, 'utf8').equals(b);
}

export interface GeneratedData {
  data: [string, string][];
  binary: [string, string][];
}

/** Collects the key/value pairs of one generator from literals, files and env files. */
export function collectData(
  fs: KFileSystem,
  dir: string,
  args: GeneratorArgs,
  kfile: string,
  guard: (abs: string) => void = () => {},
): GeneratedData {
  const data: [string, string][] = [];
  const binary: [string, string][] = [];
  const seen = new Set<string>();
  const add = (k: string, v: string, bin = false): void => {
    if (seen.has(k)) throw new KustomizeError(`configmap ${args.name}: key ${JSON.stringify(k)} is duplicated`, kfile);
    seen.add(k);
    (bin ? binary : data).push([k, v]);
  };
  const envs = [...(args.envs ?? []), ...(args.env ? [args.env] : [])];
  for (const e of envs) {
    const p = path.posix.resolve(dir, e);
    if (fs.stat(p) !== 'file') throw new KustomizeError(`env file ${e} not found`, kfile);
    guard(p);
    for (const [k, v] of parseEnvFile(fs.readFile(p).toString('utf8'), e)) add(k, v);
  }
  for (const l of args.literals ?? []) {
    const [k, v] = parseKv(l, kfile);
    add(k, v);
  }
  for (const f of args.files ?? []) {
    let key: string;
    let rel: string;
    const i = f.indexOf('=');
    if (i >= 0) {
      key = f.slice(0, i);
      rel = f.slice(i + 1);
      if (!key) throw new KustomizeError(`key in file source ${f} is empty`, kfile);
    } else {
      rel = f;
      key = path.posix.basename(f);
    }
    const p = path.posix.resolve(dir, rel);
    const st = fs.stat(p);
    if (st !== 'file') throw new KustomizeError(`file ${rel} not found (generator ${args.name})`, kfile);
    guard(p);
    const buf = fs.readFile(p);
    if (isUtf8Text(buf)) add(key, buf.toString('utf8'));
    else add(key, buf.toString('base64'), true);
  }
  return { data, binary };
}

/** kustomize breaks long base64 secret values into 70-character lines. */
function wrap70(b64: string): string {
  if (b64.length <= 70) return b64;
  let out = '';
  for (let i = 0; i < b64.length; i += 70) out += b64.slice(i, i + 70) + '\n';
  return out;
}

/** Builds the ConfigMap or Secret object for a generator (without the hash suffix). */
export function generate(kind: 'ConfigMap' | 'Secret', d: GeneratedData, args: GeneratorArgs, opts: GeneratorOptions): Obj {
  const meta: Obj = { name: args.name ?? '' };
  if (args.namespace) meta.namespace = args.namespace;
  const labels = { ...(opts.labels ?? {}), ...(args.options?.labels ?? {}) };
  const annotations = { ...(opts.annotations ?? {}), ...(args.options?.annotations ?? {}) };
  if (Object.keys(labels).length) meta.labels = labels;
  if (Object.keys(annotations).length) meta.annotations = annotations;
  const obj: Obj = { apiVersion: 'v1', kind, metadata: meta };
  if (kind === 'ConfigMap') {
    if (d.data.length) obj.data = Object.fromEntries(d.data);
    if (d.binary.length) obj.binaryData = Object.fromEntries(d.binary);
  } else {
    obj.type = args.type ?? 'Opaque';
    const all = [...d.data.map(([k, v]) => [k, wrap70(Buffer.from(v, 'utf8').toString('base64'))]), ...d.binary.map(([k, v]) => [k, wrap70(v)])];
    if (all.length) obj.data = Object.fromEntries(all);
  }
  if (args.options?.immutable ?? opts.immutable) obj.immutable = true;
  return obj;
}
