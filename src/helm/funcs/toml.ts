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

/** A small TOML decoder for `fromToml` (BurntSushi/toml into map[string]interface{}). */
export function decodeTOML(text: string): GoMap {
  const root: GoMap = {};
  let cur: GoMap = root;
  let i = 0;
  let line = 1;
  const err = (msg: string): never => {
    throw new Error(`toml: line ${line}: ${msg}`);
  };
  const eofErr = (msg: string): never => {
    throw new Error(`toml: line ${line - 1}: unexpected EOF; ${msg}`);
  };
  const ws = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  };
  const wsnl = (): void => {
    for (;;) {
      ws();
      if (text[i] === '#') while (i < text.length && text[i] !== '\n') i++;
      if (text[i] === '\n' || text[i] === '\r') {
        if (text[i] === '\n') line++;
        i++;
        continue;
      }
      break;
    }
  };
  const basicString = (): string => {
    const multi = text.startsWith('"""', i);
    i += multi ? 3 : 1;
    if (multi && text[i] === '\n') i++;
    let out = '';
    for (;;) {
      if (i >= text.length) eofErr('expected \'"\'');
      if (multi ? text.startsWith('"""', i) : text[i] === '"') {
        i += multi ? 3 : 1;
        return out;
      }
      const c = text[i]!;
      if (c === '\\') {
        const n = text[i + 1]!;
        const simple: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\' };
        if (n in simple) {
          out += simple[n];
          i += 2;
        } else if (n === 'u' || n === 'U') {
          const len = n === 'u' ? 4 : 8;
          out += String.fromCodePoint(parseInt(text.slice(i + 2, i + 2 + len), 16));
          i += 2 + len;
        } else if (multi && (n === '\n' || n === ' ' || n === '\r')) {
          i += 1;
          while (i < text.length && /\s/.test(text[i]!)) i++;
        } else err(`invalid escape: '\\${n}'`);
        continue;
      }
      if (c === '\n') {
        if (!multi) err('strings cannot contain newlines');
        line++;
      }
      out += c;
      i++;
    }
  };
  const literalString = (): string => {
    const multi = text.startsWith("'''", i);
    i += multi ? 3 : 1;
    if (multi && text[i] === '\n') i++;
    const end = text.indexOf(multi ? "'''" : "'", i);
    if (end < 0) eofErr("expected \"'\"");
    const s = text.slice(i, end);
    line += s.split('\n').length - 1;
    i = end + (multi ? 3 : 1);
    return s;
  };
  const key = (): string[] => {
    const parts: string[] = [];
    for (;;) {
      ws();
      if (text[i] === '"') parts.push(basicString());
      else if (text[i] === "'") parts.push(literalString());
      else {
        const m = /^[A-Za-z0-9_-]+/.exec(text.slice(i));
        if (!m) {
          if (i >= text.length) eofErr("expected key separator '='");
          err(`bare keys cannot contain ${JSON.stringify(text[i])}`);
        }
        parts.push(m![0]);
        i += m![0].length;
      }
      ws();
      if (text[i] === '.') {
        i++;
        continue;
      }
      return parts;
    }
  };
  const value = (): GoValue => {
    ws();
    const c = text[i];
    if (c === undefined) eofErr('expected value');
    if (c === '"') return basicString();
    if (c === "'") return literalString();
    if (c === '[') {
      i++;
      const arr: GoValue[] = [];
      for (;;) {
        wsnl();
        if (text[i] === ']') {
          i++;
          return arr;
        }
        arr.push(value());
        wsnl();
        if (text[i] === ',') i++;
      }
    }
    if (c === '{') {
      i++;
      const t: GoMap = {};
      for (;;) {
        ws();
        if (text[i] === '}') {
          i++;
          return t;
        }
        const k = key();
        if (text[i] !== '=') err("expected key separator '='");
        i++;
        setPath(t, k, value());
        ws();
        if (text[i] === ',') i++;
      }
    }
    const m = /^[^\s,\]}#]+(?: \d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?/.exec(text.slice(i));
    const tok = m ? m[0] : '';
    i += tok.length;
    if (tok === 'true') return true;
    if (tok === 'false') return false;
    const t = tok.replace(/_/g, '');
    if (/^[+-]?(0|[1-9]\d*)$/.test(t)) return BigInt(t);
    if (/^0x[0-9a-fA-F]+$/.test(t)) return BigInt(t);
    if (/^0o[0-7]+$/.test(t)) return BigInt(t);
    if (/^0b[01]+$/.test(t)) return BigInt(t);
    if (/^[+-]?(inf|nan)$/.test(t)) return t.includes('nan') ? NaN : t.startsWith('-') ? -Infinity : Infinity;
    if (/^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(t)) return Number(t);
    if (/^\d{4}-\d{2}-\d{2}/.test(tok) || /^\d{2}:\d{2}/.test(tok)) return tok;
    return err(`expected value but found ${JSON.stringify(tok)} instead`);
  };
  const setPath = (t: GoMap, path: string[], v: GoValue): void => {
    let m = t;
    for (const p of path.slice(0, -1)) {
      if (!isGoMap(m[p])) m[p] = {};
      m = m[p] as GoMap;
    }
    const last = path[path.length - 1]!;
    if (Object.hasOwn(m, last)) err(`key ${JSON.stringify(path.join('.'))} has already been defined`);
    m[last] = v;
  };
  const tableAt = (path: string[], array: boolean): GoMap => {
    let m = root;
    path.forEach((p, idx) => {
      const lastSeg = idx === path.length - 1;
      if (lastSeg && array) {
        if (!Array.isArray(m[p])) m[p] = [];
        const t: GoMap = {};
        (m[p] as GoValue[]).push(t);
        m = t;
        return;
      }
      let next = m[p];
      if (Array.isArray(next)) next = next[next.length - 1];
      if (!isGoMap(next)) {
        next = {};
        m[p] = next;
      }
      m = next as GoMap;
    });
    return m;
  };
  for (;;) {
    wsnl();
    if (i >= text.length) break;
    if (text[i] === '[') {
      const array = text[i + 1] === '[';
      i += array ? 2 : 1;
      const path = key();
      if (!text.startsWith(array ? ']]' : ']', i)) err(`expected ']' but found ${JSON.stringify(text[i] ?? '')}`);
      i += array ? 2 : 1;
      cur = tableAt(path, array);
      continue;
    }
    const k = key();
    ws();
    if (text[i] !== '=') {
      if (i >= text.length) eofErr("expected key separator '='");
      err(`expected key separator '=', but got ${JSON.stringify(text[i])} instead`);
    }
    i++;
    setPath(cur, k, value());
    ws();
    if (text[i] === '#') while (i < text.length && text[i] !== '\n') i++;
  }
  return root;
}
