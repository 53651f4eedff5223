/**
 * YAML emitter matching what kustomize prints (sigs.k8s.io/yaml over go-yaml v2): keys sorted
 * with go-yaml's natural order, block style, sequences not indented, go-yaml's scalar quoting
 * and 80-column folding of long scalars. Written by hand because the `yaml` package's styling
 * differs and because a single pass over plain objects is fast.
 */

const BEST_WIDTH = 80;

/** go-yaml v2 key order: runs of digits compare numerically, letters sort before other runes. */
export function goKeyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  let digits = false;
  const isDigit = (c: string): boolean => c >= '0' && c <= '9';
  const isLetter = (c: string): boolean => /\p{L}/u.test(c);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const x = ar[i]!;
    const y = br[i]!;
    if (x === y) {
      digits = isDigit(x);
      continue;
    }
    const al = isLetter(x);
    const bl = isLetter(y);
    if (al && bl) return x < y;
    if (al || bl) return digits ? al : bl;
    let an = 0;
    let bn = 0;
    if (x === '0' || y === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]!); j--) {
        if (ar[j] !== '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && isDigit(ar[ai]!); ai++) an = an * 10 + (ar[ai]!.charCodeAt(0) - 48);
    for (; bi < br.length && isDigit(br[bi]!); bi++) bn = bn * 10 + (br[bi]!.charCodeAt(0) - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return x < y;
  }
  return ar.length < br.length;
}

const lettersOnly = /^[a-zA-Z]+$/;
function sortKeys(keys: string[]): string[] {
  // Fast path: for keys made only of ASCII letters, go-yaml's order is plain code-unit order.
  if (keys.every((k) => lettersOnly.test(k))) return keys.sort();
  return keys.sort((a, b) => (goKeyLess(a, b) ? -1 : goKeyLess(b, a) ? 1 : 0));
}

const BOOLS = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON',
  'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF',
]);
const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const FLOAT_SPECIAL = new Set([
  '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF', '.nan', '.NaN', '.NAN',
]);
const yamlFloat = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const base60 = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const goInt = /^[-+]?(0[xX][0-9a-fA-F_]+|0[oO]?[0-7_]+|0[bB][01_]+|[0-9][0-9_]*)$/;
const timestamp = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(([Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(\.[0-9]*)?([ \t]*(Z|[-+][0-9]{1,2}(:[0-9]{2})?))?)?$/;

/** Whether go-yaml v2 would read this plain text as something other than a string. */
function resolvesToNonString(s: string): boolean {
  if (BOOLS.has(s) || NULLS.has(s) || FLOAT_SPECIAL.has(s) || s === '<<') return true;
  const c = s.charCodeAt(0);
  const hint = (c >= 48 && c <= 57) || s[0] === '-' || s[0] === '+' || s[0] === '.';
  if (!hint) return false;
  const noUnderscore = s.replace(/_/g, '');
  if (goInt.test(s) && /[0-9]/.test(noUnderscore)) return true;
  if (yamlFloat.test(noUnderscore)) return true;
  if (base60.test(s)) return true;
  return timestamp.test(s);
}

function isPrintable(c: number): boolean {
  return (
    c === 0x0a ||
    (c >= 0x20 && c <= 0x7e) ||
    c === 0x85 ||
    (c >= 0xa0 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff) ||
    c >= 0x10000
  );
}

interface Analysis {
  blockPlain: boolean;
  singleQuoted: boolean;
  block: boolean;
  multiline: boolean;
}

/** Port of the scalar analysis go-yaml's emitter runs before choosing a style. */
function analyze(s: string): Analysis {
  const a: Analysis = { blockPlain: true, singleQuoted: true, block: true, multiline: false };
  if (s.length === 0) return { blockPlain: false, singleQuoted: true, block: false, multiline: false };
  if (s.startsWith('---') || s.startsWith('...')) a.blockPlain = false;
  let blockIndicators = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  let special = false;
  let lineBreaks = false;
  let precededByWhitespace = true;
  const cps = [...s];
  for (let i = 0; i < cps.length; i++) {
    const ch = cps[i]!;
    const code = ch.codePointAt(0)!;
    const next = cps[i + 1];
    const followedByWhitespace = next === undefined || next === ' ' || next === '\t' || next === '\n' || next === '\r';
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) blockIndicators = true;
      if ((ch === '?' || ch === ':') && followedByWhitespace) blockIndicators = true;
      if (ch === '-' && followedByWhitespace) blockIndicators = true;
    } else {
      if (ch === ':' && followedByWhitespace) blockIndicators = true;
      if (ch === '#' && precededByWhitespace) blockIndicators = true;
    }
    if (!isPrintable(code)) special = true;
    const isBreak = ch === '\n' || ch === '\r' || code === 0x85 || code === 0x2028 || code === 0x2029;
    if (isBreak) lineBreaks = true;
    if (ch === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === cps.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak) {
      if (i === 0) leadingBreak = true;
      if (i === cps.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = ch === ' ' || ch === '\t' || isBreak;
  }
  a.multiline = lineBreaks;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) a.blockPlain = false;
  if (trailingSpace) a.block = false;
  if (breakSpace) {
    a.blockPlain = false;
    a.singleQuoted = false;
  }
  if (spaceBreak || special) {
    a.blockPlain = false;
    a.singleQuoted = false;
    a.block = false;
  }
  if (lineBreaks) a.blockPlain = false;
  if (blockIndicators) a.blockPlain = false;
  return a;
}

class Out {
  parts: string[] = [];
  column = 0;
  write(s: string): void {
    this.parts.push(s);
    this.column += s.length;
  }
  newline(indent: number): void {
    this.parts.push('\n' + ' '.repeat(indent));
    this.column = indent;
  }
}

function writePlain(o: Out, s: string, indent: number, allowBreaks: boolean): void {
  if (!allowBreaks || s.indexOf(' ') < 0 || o.column + s.length <= BEST_WIDTH) {
    o.write(s);
    return;
  }
  let spaces = false;
  let buf = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === ' ') {
      if (allowBreaks && !spaces && o.column + buf.length > BEST_WIDTH && s[i + 1] !== ' ') {
        o.write(buf);
        buf = '';
        o.newline(indent);
      } else buf += ch;
      spaces = true;
    } else {
      buf += ch;
      spaces = false;
    }
  }
  o.write(buf);
}

function writeSingle(o: Out, s: string, indent: number, allowBreaks: boolean): void {
  o.write("'");
  let spaces = false;
  let buf = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === ' ') {
      if (allowBreaks && !spaces && o.column + buf.length > BEST_WIDTH && i !== 0 && i !== s.length - 1 && s[i + 1] !== ' ') {
        o.write(buf);
        buf = '';
        o.newline(indent);
      } else buf += ch;
      spaces = true;
    } else {
      buf += ch === "'" ? "''" : ch;
      spaces = false;
    }
  }
  o.write(buf + "'");
}

function escapeChar(ch: string): string | undefined {
  switch (ch) {
    case '\0': return '\\0';
    case '\x07': return '\\a';
    case '\b': return '\\b';
    case '\t': return '\\t';
    case '\n': return '\\n';
    case '\x0b': return '\\v';
    case '\f': return '\\f';
    case '\r': return '\\r';
    case '\x1b': return '\\e';
    case '"': return '\\"';
    case '\\': return '\\\\';
    case '\u0085': return '\\N';
    case '\u00a0': return '\\_';
    case '\u2028': return '\\L';
    case '\u2029': return '\\P';
  }
  return undefined;
}

function writeDouble(o: Out, s: string, indent: number, allowBreaks: boolean): void {
  o.write('"');
  let spaces = false;
  let buf = '';
  const cps = [...s];
  for (let i = 0; i < cps.length; i++) {
    const ch = cps[i]!;
    const code = ch.codePointAt(0)!;
    const esc = escapeChar(ch);
    if (!isPrintable(code) || code === 0xfeff || esc !== undefined) {
      if (esc !== undefined) buf += esc;
      else if (code <= 0xff) buf += '\\x' + code.toString(16).toUpperCase().padStart(2, '0');
      else if (code <= 0xffff) buf += '\\u' + code.toString(16).toUpperCase().padStart(4, '0');
      else buf += '\\U' + code.toString(16).toUpperCase().padStart(8, '0');
      spaces = false;
    } else if (ch === ' ') {
      if (allowBreaks && !spaces && o.column + buf.length > BEST_WIDTH && i !== 0 && i !== cps.length - 1) {
        o.write(buf);
        buf = '';
        o.newline(indent);
        if (cps[i + 1] === ' ') buf += '\\';
      } else buf += ch;
      spaces = true;
    } else {
      buf += ch;
      spaces = false;
    }
  }
  o.write(buf + '"');
}

function writeLiteral(o: Out, s: string, indent: number): void {
  let hints = '';
  if (s[0] === ' ' || s[0] === '\n') hints += '2';
  if (!s.endsWith('\n')) hints += '-';
  else if (s.length === 1 || s.endsWith('\n\n')) hints += '+';
  o.write('|' + hints);
  const body = s.endsWith('\n') ? s.slice(0, -1) : s;
  for (const line of body.split('\n')) {
    if (line === '') {
      o.parts.push('\n');
      o.column = 0;
    } else {
      o.newline(indent);
      o.write(line);
    }
  }
}

/** Writes a string scalar in the style go-yaml v2 picks for it. */
function writeString(o: Out, s: string, indent: number, isKey: boolean): void {
  const canPlain = !resolvesToNonString(s);
  const a = analyze(s);
  if (canPlain && s.includes('\n') && !isKey) {
    if (a.block) return writeLiteral(o, s, indent);
    return writeDouble(o, s, indent, true);
  }
  if (canPlain && a.blockPlain && !(isKey && a.multiline)) return writePlain(o, s, indent, !isKey);
  if (canPlain && a.singleQuoted && !isKey) return writeSingle(o, s, indent, true);
  if (canPlain && a.singleQuoted && isKey && !a.multiline) return writeSingle(o, s, indent, false);
  return writeDouble(o, s, indent, !isKey);
}

function formatNumber(n: number): string {
  if (Number.isNaN(n)) return '.nan';
  if (n === Infinity) return '.inf';
  if (n === -Infinity) return '-.inf';
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  // Go's strconv 'g' with shortest precision switches to exponent form at 1e21 and below 1e-4.
  const s = String(n);
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

function writeScalar(o: Out, v: unknown, indent: number): void {
  if (v === null || v === undefined) o.write('null');
  else if (typeof v === 'string') writeString(o, v, indent, false);
  else if (typeof v === 'number') o.write(formatNumber(v));
  else if (typeof v === 'bigint') o.write(v.toString());
  else if (typeof v === 'boolean') o.write(v ? 'true' : 'false');
  else writeString(o, String(v), indent, false);
}

function isCollection(v: unknown): v is object {
  return typeof v === 'object' && v !== null && (Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0);
}

function writeValue(o: Out, v: unknown, indent: number): void {
  if (Array.isArray(v)) {
    if (v.length === 0) return o.write('[]');
    writeSeq(o, v, indent);
  } else if (typeof v === 'object' && v !== null) {
    const keys = Object.keys(v);
    if (keys.length === 0) return o.write('{}');
    writeMap(o, v as Record<string, unknown>, indent);
  } else writeScalar(o, v, indent);
}

/** Writes a mapping whose first key goes at the current position. */
function writeMap(o: Out, m: Record<string, unknown>, indent: number): void {
  const keys = sortKeys(Object.keys(m));
  let first = true;
  for (const k of keys) {
    if (!first) o.newline(indent);
    first = false;
    writeString(o, k, indent, true);
    o.write(':');
    const v = m[k];
    if (isCollection(v)) {
      if (Array.isArray(v)) {
        o.newline(indent);
        writeSeq(o, v, indent);
      } else {
        o.newline(indent + 2);
        writeMap(o, v as Record<string, unknown>, indent + 2);
      }
    } else {
      o.write(' ');
      writeValue(o, v, indent + 2);
    }
  }
}

function writeSeq(o: Out, s: unknown[], indent: number): void {
  let first = true;
  for (const item of s) {
    if (!first) o.newline(indent);
    first = false;
    o.write('- ');
    writeValue(o, item, indent + 2);
  }
}

/** One object as a YAML document body (ends with a newline). */
export function emitYaml(value: unknown): string {
  const o = new Out();
  writeValue(o, value, 0);
  o.parts.push('\n');
  return o.parts.join('');
}

/** Objects as a multi-document stream, the way `kustomize build` prints them. */
export function emitDocuments(objects: unknown[]): string {
  return objects.map(emitYaml).join('---\n');
}
