/** BurntSushi/toml's encoder for map values (Helm's `toToml`), and a small decoder for `fromToml`. */
import type { GoMap, GoValue } from '../template/values.js';
import { isGoMap } from '../template/values.js';
import { compareBytes } from './strings.js';

function quoteKey(k: string): string {
  return /^[A-Za-z0-9_-]+$/.test(k) ? k : tomlString(k);
}

function tomlString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || c === 0x7f) out += `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function tomlFloat(f: number): string {
  if (Number.isNaN(f)) return 'nan';
  if (!Number.isFinite(f)) return f > 0 ? 'inf' : '-inf';
  if (Number.isInteger(f) && Math.abs(f) < 1e21) return `${f.toFixed(0)}.0`;
  const s = String(f);
  return s.replace(/e\+?/, 'e');
}

function isTable(v: GoValue): v is GoMap {
  return isGoMap(v);
}

function isTableArray(v: GoValue): v is GoMap[] {
  return Array.isArray(v) && v.length > 0 && v.every(isGoMap);
}

function inline(v: GoValue): string {
  if (v === null || v === undefined) throw new Error('toml: cannot encode a nil value');
  switch (typeof v) {
    case 'string':
      return tomlString(v);
    case 'boolean':
      return String(v);
    case 'bigint':
      return v.toString();
    case 'number':
      return tomlFloat(v);
    default:
      break;
  }
  if (Array.isArray(v)) return `[${v.map(inline).join(', ')}]`;
  if (isGoMap(v)) {
    const keys = Object.keys(v).sort(compareBytes);
    return `{${keys.map((k) => `${quoteKey(k)} = ${inline(v[k])}`).join(', ')}}`;
  }
  return tomlString(String(v));
}

/** toml.NewEncoder(w).Encode(map): plain keys first, then tables, nested tables indented. */
export function encodeTOML(v: GoValue): string {
  if (!isGoMap(v)) throw new Error('toml: top-level values must be Go maps or structs');
  let out = '';
  const table = (m: GoMap, path: string[], indent: string): void => {
    const keys = Object.keys(m).sort(compareBytes);
    for (const k of keys) {
      const x = m[k];
      if (x === null || x === undefined || isTable(x) || isTableArray(x)) continue;
      out += `${indent}${quoteKey(k)} = ${inline(x)}\n`;
    }
    for (const k of keys) {
      const x = m[k];
      const sub = [...path, quoteKey(k)];
      const subIndent = path.length === 0 ? '' : `${indent}  `;
      if (isTable(x)) {
        out += `${out === '' ? '' : '\n'}${subIndent}[${sub.join('.')}]\n`;
        table(x, sub, path.length === 0 ? '  ' : `${subIndent}  `);
      } else if (isTableArray(x)) {
        for (const item of x) {
          out += `${out === '' ? '' : '\n'}${subIndent}[[${sub.join('.')}]]\n`;
          table(item, sub, path.length === 0 ? '  ' : `${subIndent}  `);
        }
      }
    }
  };
  table(v, [], '');
  return out;
}
