/** Go's encoding/json for the template value model: sorted map keys, HTML escaping, Go floats. */
import type { GoMap, GoValue } from '../template/values.js';
import { isGoMap } from '../template/values.js';
import { isNilSlice } from '../template/fmt.js';
import { compareBytes } from './strings.js';
import { typeOf } from './go.js';

/** A value with its own JSON form (Go's json.Marshaler), e.g. time.Time or *semver.Version. */
export interface JsonMarshaler {
  MarshalJSON(): string;
}

function isMarshaler(v: object): v is JsonMarshaler {
  return typeof (v as { MarshalJSON?: unknown }).MarshalJSON === 'function';
}

/** Go's JSON encoding of a float64 (errors on NaN/Inf). */
export function jsonFloat(f: number): string {
  if (!Number.isFinite(f)) throw new Error(`json: unsupported value: ${Number.isNaN(f) ? 'NaN' : f > 0 ? '+Inf' : '-Inf'}`);
  if (Object.is(f, -0)) return '-0';
  return String(f);
}

/** Go's JSON string encoding. */
export function jsonString(s: string, escapeHTML: boolean): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out += s[i]! + s[i + 1]!;
        i++;
        continue;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      out += '\\ufffd';
      continue;
    }
    switch (c) {
      case 0x22:
        out += '\\"';
        continue;
      case 0x5c:
        out += '\\\\';
        continue;
      case 0x0a:
        out += '\\n';
        continue;
      case 0x0d:
        out += '\\r';
        continue;
      case 0x09:
        out += '\\t';
        continue;
      case 0x08:
        out += '\\b';
        continue;
      case 0x0c:
        out += '\\f';
        continue;
      case 0x2028:
      case 0x2029:
        out += `\\u${c.toString(16)}`;
        continue;
      default:
        break;
    }
    if (c < 0x20 || (escapeHTML && (c === 0x3c || c === 0x3e || c === 0x26))) out += `\\u00${c.toString(16).padStart(2, '0')}`;
    else out += s[i];
  }
  return `${out}"`;
}

/** json.Marshal (indent "" = compact; otherwise json.MarshalIndent with prefix ""). */
export function marshalJSON(v: GoValue, opts: { indent?: string; escapeHTML?: boolean } = {}): string {
  const indent = opts.indent ?? '';
  const esc = opts.escapeHTML ?? true;
  const enc = (x: GoValue, depth: number): string => {
    if (x === null || x === undefined) return 'null';
    switch (typeof x) {
      case 'string':
        return jsonString(x, esc);
      case 'boolean':
        return x ? 'true' : 'false';
      case 'number':
        return jsonFloat(x);
      case 'bigint':
        return x.toString();
      case 'function':
        throw new Error('json: unsupported type: func()');
      default:
        break;
    }
    const nl = indent ? `\n${indent.repeat(depth + 1)}` : '';
    const close = indent ? `\n${indent.repeat(depth)}` : '';
    const colon = indent ? ': ' : ':';
    if (x instanceof Uint8Array) return `"${Buffer.from(x).toString('base64')}"`;
    if (Array.isArray(x)) {
      if (isNilSlice(x)) return 'null';
      if (x.length === 0) return '[]';
      return `[${x.map((e) => nl + enc(e, depth + 1)).join(',')}${close}]`;
    }
    if (isGoMap(x)) {
      const keys = Object.keys(x).sort(compareBytes);
      if (keys.length === 0) return '{}';
      return `{${keys.map((k) => `${nl}${jsonString(k, esc)}${colon}${enc(x[k], depth + 1)}`).join(',')}${close}}`;
    }
    if (typeof x === 'object') {
      if (isMarshaler(x)) {
        const raw = x.MarshalJSON();
        return indent ? reindent(raw, indent, depth) : raw;
      }
      const fields: GoMap = {};
      for (const [k, e] of Object.entries(x as Record<string, unknown>)) if (typeof e !== 'function' && /^[A-Z]/.test(k)) fields[k] = e;
      // Struct fields keep declaration order in Go.
      const keys = Object.keys(fields);
      if (keys.length === 0) return '{}';
      return `{${keys.map((k) => `${nl}${jsonString(k, esc)}${colon}${enc(fields[k], depth + 1)}`).join(',')}${close}}`;
    }
    throw new Error(`json: unsupported type: ${typeOf(x)}`);
  };
  return enc(v, 0);
}

function reindent(raw: string, indent: string, depth: number): string {
  if (!raw.startsWith('{') && !raw.startsWith('[')) return raw;
  return marshalJSON(parseJSON(raw), { indent }).replaceAll('\n', `\n${indent.repeat(depth)}`);
}

/** json.Unmarshal into interface{}: numbers become float64. Throws with a Go-like message. */
export function parseJSON(text: string): GoValue {
  if (text.trim() === '') throw new Error('unexpected end of JSON input');
  try {
    return JSON.parse(text) as GoValue;
  } catch (e) {
    throw new Error(goJsonError(text, e as Error));
  }
}

function goJsonError(text: string, e: Error): string {
  const m = /position (\d+)/.exec(e.message);
  if (/Unexpected end|unterminated|Unterminated/i.test(e.message)) return 'unexpected end of JSON input';
  if (m) {
    const pos = Number(m[1]);
    const ch = text[pos] ?? '';
    const before = text.slice(0, pos).trimEnd();
    const last = before[before.length - 1];
    const ctx =
      last === undefined || last === '[' || last === ':' || last === ','
        ? 'looking for beginning of value'
        : last === '{'
          ? 'looking for beginning of object key string'
          : 'after top-level value';
    return `invalid character '${ch === "'" ? "\\'" : ch}' ${ctx}`;
  }
  return e.message;
}

/** Go type name of a JSON value for "cannot unmarshal X into Go value of type Y" errors. */
export function jsonKind(v: GoValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v === 'boolean' ? 'bool' : typeof v;
}
