/**
 * values.schema.json validation of the final values, for the chart and each subchart, with
 * Helm 3.17's error text (gojsonschema's wording: `- field: description`). The draft is taken
 * from `$schema`: draft-04/06/07 (Ajv's draft-07 validator; draft-04's boolean
 * exclusiveMinimum/Maximum and `id` are rewritten), 2019-09 and 2020-12.
 */
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import draft06 from 'ajv/dist/refs/json-schema-draft-06.json' with { type: 'json' };
import type { GoMap } from '../template/values.js';
import { isGoMap } from '../template/values.js';
import { HelmError } from './errors.js';
import type { Chart } from './types.js';

const opts = { allErrors: true, strict: false, validateFormats: false, logger: false } as const;
let ajv07: Ajv | undefined;
let ajv2019: Ajv2019 | undefined;
let ajv2020: Ajv2020 | undefined;
const compiled = new Map<string, ValidateFunction>();

function draft04(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(draft04);
  if (s === null || typeof s !== 'object') return s;
  const o = { ...(s as Record<string, unknown>) };
  if (typeof o.id === 'string' && o.$id === undefined) {
    o.$id = o.id;
    delete o.id;
  }
  for (const [flag, bound] of [['exclusiveMaximum', 'maximum'], ['exclusiveMinimum', 'minimum']] as const) {
    if (typeof o[flag] === 'boolean') {
      if (o[flag] && typeof o[bound] === 'number') {
        o[flag] = o[bound];
        delete o[bound];
      } else delete o[flag];
    }
  }
  for (const k of Object.keys(o)) if (k !== 'enum' && k !== 'const' && k !== 'default' && k !== 'examples') o[k] = draft04(o[k]);
  return o;
}

function validatorFor(text: string): ValidateFunction {
  const hit = compiled.get(text);
  if (hit) return hit;
  let schema = JSON.parse(text) as Record<string, unknown> | boolean;
  const id = typeof schema === 'object' && typeof schema.$schema === 'string' ? schema.$schema : '';
  let fn: ValidateFunction;
  if (typeof schema === 'object') {
    schema = { ...schema };
    delete schema.$schema;
  }
  if (id.includes('2020-12')) fn = (ajv2020 ??= new Ajv2020(opts)).compile(schema);
  else if (id.includes('2019-09')) fn = (ajv2019 ??= new Ajv2019(opts)).compile(schema);
  else {
    if (!ajv07) {
      ajv07 = new Ajv(opts);
      ajv07.addMetaSchema(draft06);
    }
    fn = ajv07.compile(id.includes('draft-04') || id === '' ? (draft04(schema) as object) : schema);
  }
  compiled.set(text, fn);
  return fn;
}

/** Values as JSON sees them (ints become numbers, as Helm's YAML→JSON round trip does). */
function toJsonValue(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x)) ?? 'null');
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

function field(instancePath: string): string {
  if (instancePath === '') return '(root)';
  return instancePath
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

function lookup(root: unknown, instancePath: string): unknown {
  let cur = root;
  if (instancePath === '') return cur;
  for (const p of instancePath.slice(1).split('/')) {
    const k = p.replace(/~1/g, '/').replace(/~0/g, '~');
    cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[k] : undefined;
  }
  return cur;
}

function describe(e: ErrorObject, root: unknown): string {
  const f = field(e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'type':
      return `${f}: Invalid type. Expected: ${Array.isArray(p.type) ? p.type.join(', ') : String(p.type)}, given: ${jsonType(lookup(root, e.instancePath))}`;
    case 'required':
      return `${f}: ${String(p.missingProperty)} is required`;
    case 'additionalProperties':
      return `${f}: Additional property ${String(p.additionalProperty)} is not allowed`;
    case 'enum':
      return `${f}: ${f} must be one of the following: ${(p.allowedValues as unknown[]).map((x) => JSON.stringify(x)).join(', ')}`;
    case 'const':
      return `${f}: ${f} does not match: ${JSON.stringify(p.allowedValue)}`;
    case 'minimum':
      return `${f}: Must be greater than or equal to ${String(p.limit)}`;
    case 'maximum':
      return `${f}: Must be less than or equal to ${String(p.limit)}`;
    case 'exclusiveMinimum':
      return `${f}: Must be greater than ${String(p.limit)}`;
    case 'exclusiveMaximum':
      return `${f}: Must be less than ${String(p.limit)}`;
    case 'pattern':
      return `${f}: Does not match pattern '${String(p.pattern)}'`;
    case 'minLength':
      return `${f}: String length must be greater than or equal to ${String(p.limit)}`;
    case 'maxLength':
      return `${f}: String length must be less than or equal to ${String(p.limit)}`;
    case 'minItems':
      return `${f}: Array must have at least ${String(p.limit)} items`;
    case 'maxItems':
      return `${f}: Array must have at most ${String(p.limit)} items`;
    case 'uniqueItems':
      return `${f}: array items[${String(p.j)},${String(p.i)}] must be unique`;
    case 'multipleOf':
      return `${f}: Must be a multiple of ${String(p.multipleOf)}`;
    default:
      return `${f}: ${e.message ?? e.keyword}`;
  }
}

/** Validates one values map against one schema; returns Helm's `- …` lines, or ''. */
export function validateAgainstSingleSchema(values: GoMap, schemaText: string): string {
  let fn: ValidateFunction;
  try {
    fn = validatorFor(schemaText);
  } catch (e) {
    return `- (root): unable to load schema: ${(e as Error).message}\n`;
  }
  const data = toJsonValue(values) ?? {};
  if (fn(data)) return '';
  const lines: string[] = [];
  for (const e of fn.errors ?? []) {
    // Ajv reports the failing branches of composite keywords too; keep the leaf errors.
    if (e.keyword === 'if' || e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'allOf') {
      if (e.keyword === 'anyOf' || e.keyword === 'oneOf') lines.push(`- ${field(e.instancePath)}: Must validate ${e.keyword === 'anyOf' ? 'at least one' : 'one and only one'} schema (${e.keyword})`);
      continue;
    }
    lines.push(`- ${describe(e, data)}`);
  }
  return lines.map((l) => `${l}\n`).join('');
}

const decoder = new TextDecoder();

/** `chartutil.ValidateAgainstSchema`: the chart's schema, then each subchart's on its values. */
export function schemaErrors(chart: Chart, values: GoMap): string {
  let sb = '';
  if (chart.schema) {
    const err = validateAgainstSingleSchema(values, decoder.decode(chart.schema));
    if (err) sb += `${chart.metadata.name}:\n${err}`;
  }
  for (const sub of chart.dependencies) {
    const sv = values[sub.metadata.name];
    sb += schemaErrors(sub, isGoMap(sv) ? sv : {});
  }
  return sb;
}

/** Throws Helm's error when the values do not meet the schemas. */
export function validateValues(chart: Chart, values: GoMap): void {
  const err = schemaErrors(chart, values);
  if (err) throw new HelmError(`values don't meet the specifications of the schema(s) in the following chart(s):\n${err}`);
}
