/**
 * Reading YAML as Helm does (sigs.k8s.io/yaml over go-yaml v2, then JSON): YAML 1.1 booleans
 * (`yes`, `on`…), numbers as float64, timestamps kept as strings, keys as strings.
 */
import { parseAllDocuments, parseDocument, visit } from 'yaml';
import type { Document, Tags } from 'yaml';
import type { GoMap } from '../template/values.js';
import { isGoMap } from '../template/values.js';
import { HelmError } from './errors.js';

/** go-yaml v2 also reads 0o-prefixed octals (strconv.ParseInt base 0). */
const OCTAL_0O = {
  identify: (v: unknown) => typeof v === 'number',
  default: true,
  tag: 'tag:yaml.org,2002:int',
  test: /^[-+]?0o[0-7_]+$/,
  resolve: (s: string) => (s.startsWith('-') ? -1 : 1) * parseInt(s.replace(/^[-+]?0o/, '').replace(/_/g, ''), 8),
};

/** go-yaml v2's float: what ParseFloat reads in `yamlStyleFloat` shape once `_` are removed. */
const GO_FLOAT_STYLE = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const GO_FLOAT = {
  identify: (v: unknown) => typeof v === 'number',
  default: true,
  tag: 'tag:yaml.org,2002:float',
  test: /^[-+]?[0-9_.]+(?:[eE][-+]?[0-9_]+)?$/,
  // anything else of this shape ("." "-." "._" ".e3"), or out of range ("1e400"), stays a string
  resolve: (s: string) => {
    const f = GO_FLOAT_STYLE.test(s.replaceAll('_', '')) ? parseFloat(s.replaceAll('_', '')) : NaN;
    return Number.isFinite(f) ? f : s;
  },
};

/**
 * The YAML 1.1 tags as go-yaml v2 resolves plain scalars: no timestamps or sexagesimal numbers
 * ("1:20" is a string), floats only in Go's shape (".inf"/".nan" kept), plus `0o` octals.
 */
export function goTags(tags: Tags): Tags {
  const kept = tags.filter((t) => {
    const tag = t as { tag?: string; format?: string; test?: RegExp };
    if (tag.tag?.endsWith(':timestamp') || tag.format === 'TIME') return false;
    return !(tag.tag?.endsWith(':float') && !String(tag.test).includes('inf'));
  });
  return [OCTAL_0O, ...kept, GO_FLOAT];
}

/**
 * A block scalar whose last line ends the input without a line break has no final newline in
 * go-yaml ("a: |\n  x" → "x"); the `yaml` package adds one.
 */
export function goBlockScalarAtEof(doc: Document.Parsed, text: string): void {
  if (text.endsWith('\n') || text.endsWith('\r')) return;
  if (/^[ \t]*$/.test(text.slice(text.lastIndexOf('\n') + 1))) return;
  visit(doc, {
    Scalar(_key, node) {
      if ((node.type !== 'BLOCK_LITERAL' && node.type !== 'BLOCK_FOLDED') || !node.range || node.range[1] < text.length) return;
      if (typeof node.value === 'string' && node.value.endsWith('\n')) node.value = node.value.slice(0, -1);
    },
  });
}

const options = { version: '1.1', merge: true, customTags: goTags, uniqueKeys: false, strict: false } as const;

function firstError(doc: { errors: { message: string; linePos?: [{ line: number; col: number }] | [{ line: number; col: number }, { line: number; col: number }] }[] }): string | undefined {
  const e = doc.errors[0];
  if (!e) return undefined;
  const line = e.linePos?.[0]?.line;
  return `${line ? `line ${line}: ` : ''}${e.message.split('\n')[0]}`;
}

/** Makes the value JSON-shaped as Helm's YAML→JSON conversion leaves it. */
function jsonShape(v: unknown): unknown {
  if (v === undefined) return null;
  if (Array.isArray(v)) return v.map(jsonShape);
  if (v instanceof Map) {
    const out: GoMap = {};
    for (const [k, x] of v) out[String(k)] = jsonShape(x);
    return out;
  }
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' && !Number.isFinite(v)) {
    throw new HelmError(`error converting YAML to JSON: json: unsupported value: ${Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf'}`);
  }
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (v !== null && typeof v === 'object') {
    const out: GoMap = {};
    for (const [k, x] of Object.entries(v)) out[k] = jsonShape(x);
    return out;
  }
  return v;
}

/** Parses one YAML document into a plain value (null when empty). */
export function readYaml(text: string, what: string): unknown {
  const source = text.replace(/^\uFEFF/, '');
  const doc = parseDocument(source, options);
  const err = firstError(doc as never);
  goBlockScalarAtEof(doc, source);
  if (err) throw new HelmError(`${what}: error converting YAML to JSON: yaml: ${err}`);
  try {
    return jsonShape(doc.toJS({ maxAliasCount: -1, mapAsMap: false }));
  } catch (e) {
    if (e instanceof HelmError) throw new HelmError(`${what}: ${e.message}`);
    throw e;
  }
}

/** A values file: a mapping or nothing. Helm's `chartutil.ReadValues`. */
export function readValues(text: string, what: string): GoMap {
  const v = readYaml(text, what);
  if (v === null) return {};
  if (!isGoMap(v)) {
    throw new HelmError(`${what}: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${Array.isArray(v) ? 'array' : typeof v === 'string' ? 'string' : typeof v === 'number' ? 'number' : 'bool'} into Go value of type map[string]interface {}`);
  }
  return v;
}

/** Every document of a YAML stream, as plain values (used for manifest objects). */
export function readYamlDocuments(text: string, what: string): unknown[] {
  const out: unknown[] = [];
  for (const doc of parseAllDocuments(text, options)) {
    const err = firstError(doc as never);
    if (err) throw new HelmError(`${what}: error converting YAML to JSON: yaml: ${err}`);
    const v = jsonShape(doc.toJS({ maxAliasCount: -1, mapAsMap: false }));
    if (v !== null) out.push(v);
  }
  return out;
}
