/**
 * YAML output as Helm produces it: `toYaml` is sigs.k8s.io/yaml (value → JSON → go-yaml v2, keys
 * in go-yaml's natural order, 80-column folding, block sequences not indented inside mappings);
 * `toYamlPretty` is go-yaml v3 with indent 2 on the values themselves (no folding, sequences
 * indented). Only the emitter paths these values reach are implemented.
 */
import type { GoValue } from '../template/values.js';
import { isGoMap } from '../template/values.js';
import { formatFloat } from './go.js';
import { marshalJSON } from './json.js';
import { isLetter, isDigit } from './unicode.js';

type Node = { t: 'map'; entries: [string, Node][] } | { t: 'seq'; items: Node[] } | { t: 'plain'; text: string } | { t: 'str'; text: string };

/** go-yaml's keyList.Less for string keys: letters before non-letters, digit runs numerically. */
export function yamlKeyLess(a: string, b: string, v3 = false): boolean {
  return keyLessCps(codePoints(a), codePoints(b), v3);
}

function codePoints(s: string): number[] {
  return Array.from(s, (c) => c.codePointAt(0)!);
}

function keyLessCps(ar: number[], br: number[], v3: boolean): boolean {
  let digits = false;
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) {
      digits = isDigit(ar[i]!);
      continue;
    }
    const al = isLetter(ar[i]!);
    const bl = isLetter(br[i]!);
    if (al && bl) return ar[i]! < br[i]!;
    // go-yaml v3: after a digit, letters sort first ("1a" < "1!").
    if (al || bl) return v3 && digits ? al : bl;
    let an = 0;
    let bn = 0;
    if (ar[i] === 0x30 || br[i] === 0x30) {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]!); j--) {
        if (ar[j] !== 0x30) {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && isDigit(ar[ai]!); ai++) an = an * 10 + (ar[ai]! - 0x30);
    for (; bi < br.length && isDigit(br[bi]!); bi++) bn = bn * 10 + (br[bi]! - 0x30);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i]! < br[i]!;
  }
  return ar.length < br.length;
}

function sortKeys(keys: string[], v3 = false): string[] {
  return keys
    .map((k) => ({ k, cps: codePoints(k) }))
    .sort((x, y) => (keyLessCps(x.cps, y.cps, v3) ? -1 : keyLessCps(y.cps, x.cps, v3) ? 1 : 0))
    .map((e) => e.k);
}

// ---- JSON text → nodes (sigs.k8s.io/yaml path) ----

function jsonToNode(text: string): Node {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const value = (): Node => {
    ws();
    const c = text[i]!;
    if (c === '{') {
      i++;
      const entries: [string, Node][] = [];
      ws();
      if (text[i] === '}') {
        i++;
        return { t: 'map', entries };
      }
      for (;;) {
        ws();
        const k = str();
        ws();
        i++; // :
        entries.push([k, value()]);
        ws();
        if (text[i++] === '}') break;
      }
      const seen = new Map(entries);
      return { t: 'map', entries: sortKeys([...seen.keys()]).map((k) => [k, seen.get(k)!]) };
    }
    if (c === '[') {
      i++;
      const items: Node[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return { t: 'seq', items };
      }
      for (;;) {
        items.push(value());
        ws();
        if (text[i++] === ']') break;
      }
      return { t: 'seq', items };
    }
    if (c === '"') return { t: 'str', text: str() };
    const m = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i))!;
    i += m[0].length;
    return { t: 'plain', text: yamlNumber(m[0]) };
  };
  const str = (): string => {
    const start = i;
    i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  return value();
}

/** How go-yaml v2 re-prints a JSON number after reading it (int, uint64, else float64 %g). */
function yamlNumber(t: string): string {
  if (!/^-?\d+$/.test(t)) return t === 'true' || t === 'false' || t === 'null' ? t : formatFloat(Number(t), 6);
  const n = BigInt(t);
  if (n >= -(1n << 63n) && n < 1n << 64n) return n.toString();
  return formatFloat(Number(t), 6);
}

// ---- Go values → nodes (go-yaml v3 path) ----

function valueToNode(v: GoValue): Node {
  if (v === null || v === undefined) return { t: 'plain', text: 'null' };
  switch (typeof v) {
    case 'string':
      return { t: 'str', text: v };
    case 'boolean':
      return { t: 'plain', text: String(v) };
    case 'bigint':
      return { t: 'plain', text: v.toString() };
    case 'number':
      return { t: 'plain', text: Number.isNaN(v) ? '.nan' : v === Infinity ? '.inf' : v === -Infinity ? '-.inf' : formatFloat(v, 6) };
    default:
      break;
  }
  if (v instanceof Uint8Array) return { t: 'str', text: Buffer.from(v).toString('utf8') };
  if (Array.isArray(v)) return { t: 'seq', items: v.map(valueToNode) };
  if (isGoMap(v)) return { t: 'map', entries: sortKeys(Object.keys(v), true).map((k) => [k, valueToNode(v[k])]) };
  return jsonToNode(marshalJSON(v));
}

// ---- scalar analysis (libyaml yaml_emitter_analyze_scalar) ----

const RESOLVE_MAP = new Set(
  'y Y yes Yes YES on On ON n N no No NO off Off OFF true True TRUE false False FALSE null Null NULL ~ .nan .NaN .NAN .inf .Inf .INF +.inf +.Inf +.INF -.inf -.Inf -.INF'.split(' '),
);

function isTimestamp(s: string): boolean {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]|[ \t]+)(\d{1,2}):(\d{2}):(\d{2})(?:\.\d*)?(?:[ \t]*(?:Z|[+-]\d{1,2}(?::\d{2})?))?)?$/.exec(s);
  if (!m) return false;
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > new Date(Date.UTC(Number(m[1]), mo, 0)).getUTCDate()) return false;
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59)) return false;
  return true;
}

/** Whether go-yaml would read the plain scalar as something other than a string. */
function resolvesToNonString(s: string): boolean {
  if (s === '') return true;
  const c = s[0]!;
  const hint = c === '+' || c === '-' ? 'S' : c >= '0' && c <= '9' ? 'D' : 'yYnNtTfFoO~'.includes(c) ? 'M' : c === '.' ? '.' : '';
  if (!hint) return false;
  if (RESOLVE_MAP.has(s)) return true;
  if (hint === '.') return /^\.\d+([eE][+-]?\d+)?$/.test(s) || /^\.(inf|nan)$/i.test(s);
  if (hint === 'M') return false;
  if (isTimestamp(s)) return true;
  const plain = s.replaceAll('_', '');
  if (/^[+-]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[1-9]\d*|0)$/.test(plain)) return true;
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(plain)) return true;
  return false;
}

const isBase60Float = (s: string): boolean => /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.test(s);
const isBreak = (c: number): boolean => c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029;
const isPrintable = (c: number): boolean =>
  c === 0x0a || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff);

interface Analysis {
  multiline: boolean;
  blockPlain: boolean;
  flowPlain: boolean;
  single: boolean;
  block: boolean;
}

/** `tabsInBlock`: go-yaml v3 lets tabs into block scalars (but not plain or single-quoted ones). */
function analyze(value: string, tabsInBlock: boolean): Analysis {
  if (value === '') return { multiline: false, flowPlain: false, blockPlain: true, single: true, block: false };
  const cps = [...value].map((c) => c.codePointAt(0)!);
  let blockInd = false;
  let flowInd = false;
  if (value.startsWith('---') || value.startsWith('...')) {
    blockInd = true;
    flowInd = true;
  }
  let precededByWs = true;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let prevSpace = false;
  let prevBreak = false;
  let tabs = false;
  const isBlankZ = (i: number): boolean => i >= cps.length || cps[i] === 0x20 || cps[i] === 0x09 || isBreak(cps[i]!);
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i]!;
    const ch = String.fromCodePoint(c);
    const followedByWs = i + 1 >= cps.length || cps[i + 1] === 0x20 || cps[i + 1] === 0x09 || isBreak(cps[i + 1]!);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) {
        flowInd = true;
        blockInd = true;
      } else if (ch === '?' || ch === ':') {
        flowInd = true;
        if (followedByWs) blockInd = true;
      } else if (ch === '-' && followedByWs) {
        flowInd = true;
        blockInd = true;
      }
    } else if (',?[]{}'.includes(ch)) flowInd = true;
    else if (ch === ':') {
      flowInd = true;
      if (followedByWs) blockInd = true;
    } else if (ch === '#' && precededByWs) {
      flowInd = true;
      blockInd = true;
    }
    if (tabsInBlock && c === 0x09) tabs = true;
    else if (!isPrintable(c)) special = true;
    if (c === 0x20) {
      if (i === 0) leadingSpace = true;
      if (i === cps.length - 1) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === cps.length - 1) trailingBreak = true;
      if (prevSpace) spaceBreak = true;
      prevSpace = false;
      prevBreak = true;
    } else {
      prevSpace = false;
      prevBreak = false;
    }
    precededByWs = isBlankZ(i);
  }
  const a: Analysis = { multiline: lineBreaks, flowPlain: true, blockPlain: true, single: true, block: true };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) a.flowPlain = a.blockPlain = false;
  if (trailingSpace) a.block = false;
  if (breakSpace) a.flowPlain = a.blockPlain = a.single = false;
  if (tabs) a.flowPlain = a.blockPlain = a.single = false;
  if (spaceBreak || special) a.flowPlain = a.blockPlain = a.single = a.block = false;
  if (lineBreaks) a.flowPlain = a.blockPlain = false;
  if (flowInd) a.flowPlain = false;
  if (blockInd) a.blockPlain = false;
  return a;
}

// ---- emitter ----

const BEST_WIDTH = 80;

const SURROGATE = /[\uD800-\uDFFF]/;
function cpLength(s: string): number {
  return SURROGATE.test(s) ? [...s].length : s.length;
}

class Writer {
  out = '';
  col = 0;
  write(s: string): void {
    this.out += s;
    const nl = s.lastIndexOf('\n');
    if (nl < 0) this.col += cpLength(s);
    else this.col = cpLength(s.slice(nl + 1));
  }
  /** libyaml write_indent: a line break unless at the start of an empty line, then spaces. */
  indent(n: number): void {
    const atLineStart = this.col === 0 && (this.out === '' || this.out.endsWith('\n'));
    if (!atLineStart) this.write('\n');
    this.write(' '.repeat(n));
  }
}

type Style = 'plain' | 'single' | 'double' | 'literal';

function chooseStyle(s: string, simpleKey: boolean, tabsInBlock: boolean): Style {
  let style: Style = s.includes('\n') ? 'literal' : !resolvesToNonString(s) && !isBase60Float(s) ? 'plain' : 'double';
  const a = analyze(s, tabsInBlock);
  if (style === 'plain') {
    if (!a.blockPlain) style = 'single';
    if (s === '' && simpleKey) style = 'single';
  }
  if (style === 'single' && !a.single) style = 'double';
  if (style === 'literal' && (!a.block || simpleKey)) style = 'double';
  return style;
}

function writeScalar(w: Writer, s: string, indent: number, simpleKey: boolean, f: Flavour): void {
  const style = chooseStyle(s, simpleKey, f.tabsInBlock);
  const allowBreaks = f.fold && !simpleKey;
  const cps = [...s];
  const over = (): boolean => w.col > BEST_WIDTH;
  if (style === 'plain') {
    if (!allowBreaks || w.col + cpLength(s) <= BEST_WIDTH + 1) {
      w.write(s);
      return;
    }
    let spaces = false;
    for (let i = 0; i < cps.length; i++) {
      const ch = cps[i]!;
      if (ch === ' ') {
        if (allowBreaks && !spaces && over() && cps[i + 1] !== ' ') w.indent(indent);
        else w.write(ch);
        spaces = true;
      } else {
        w.write(ch);
        spaces = false;
      }
    }
    return;
  }
  if (style === 'single') {
    w.write("'");
    let spaces = false;
    for (let i = 0; i < cps.length; i++) {
      const ch = cps[i]!;
      if (ch === ' ') {
        if (allowBreaks && !spaces && over() && i !== 0 && i !== cps.length - 1 && cps[i + 1] !== ' ') w.indent(indent);
        else w.write(ch);
        spaces = true;
      } else {
        w.write(ch === "'" ? "''" : ch);
        spaces = false;
      }
    }
    w.write("'");
    return;
  }
  if (style === 'double') {
    w.write('"');
    let spaces = false;
    for (let i = 0; i < cps.length; i++) {
      const ch = cps[i]!;
      const c = ch.codePointAt(0)!;
      if (!isPrintable(c) || c === 0xfeff || isBreak(c) || ch === '"' || ch === '\\') {
        const named: Record<number, string> = { 0: '0', 7: 'a', 8: 'b', 9: 't', 10: 'n', 11: 'v', 12: 'f', 13: 'r', 0x1b: 'e', 0x22: '"', 0x5c: '\\', 0x85: 'N', 0xa0: '_', 0x2028: 'L', 0x2029: 'P' };
        const hex = c.toString(16).toUpperCase();
        w.write(`\\${named[c] ?? (c <= 0xff ? `x${hex.padStart(2, '0')}` : c <= 0xffff ? `u${hex.padStart(4, '0')}` : `U${hex.padStart(8, '0')}`)}`);
        spaces = false;
      } else if (ch === ' ') {
        if (allowBreaks && !spaces && over() && i !== 0 && i !== cps.length - 1) {
          w.indent(indent);
          if (cps[i + 1] === ' ') w.write('\\');
        } else w.write(ch);
        spaces = true;
      } else {
        w.write(ch);
        spaces = false;
      }
    }
    w.write('"');
    return;
  }
  // literal block
  let hint = '|';
  if (cps[0] === ' ' || isBreak(cps[0]!.codePointAt(0)!)) hint += '2';
  const last = cps[cps.length - 1]!;
  if (!isBreak(last.codePointAt(0)!)) hint += '-';
  else if (cps.length === 1 || isBreak(cps[cps.length - 2]!.codePointAt(0)!)) hint += '+';
  w.write(hint);
  w.write('\n');
  let breaks = true;
  for (const ch of cps) {
    if (isBreak(ch.codePointAt(0)!)) {
      w.write(ch === '\r' ? '\n' : ch);
      if (ch !== '\n') w.col = 0;
      breaks = true;
    } else {
      if (breaks) {
        w.write(' '.repeat(indent));
        breaks = false;
      }
      w.write(ch);
    }
  }
}

interface Flavour {
  /** Sequences inside mappings are indented (v3) or not (v2). */
  indentSeqInMap: boolean;
  fold: boolean;
  tabsInBlock: boolean;
}

function emit(w: Writer, n: Node, containerIndent: number, ctx: 'root' | 'map' | 'seq', f: Flavour): void {
  const contIndent = containerIndent + 2;
  if (n.t === 'map' && n.entries.length > 0) {
    let ind = 0;
    if (ctx === 'map') ind = containerIndent + 2;
    else if (ctx === 'seq') ind = containerIndent + 2;
    n.entries.forEach(([k, v], idx) => {
      if (!(ctx === 'seq' && idx === 0)) w.indent(ind);
      // libyaml's check_simple_key: long or multi-line keys use the explicit "? key\n: value" form.
      if (Buffer.byteLength(k) > 128 || /[\n\r\u0085\u2028\u2029]/.test(k)) {
        w.write('? ');
        writeScalar(w, k, ind + 2, false, f);
        w.indent(ind);
        // After an explicit key's ':' a block collection starts on the same line, like a "- " item.
        w.write(':');
        emitValue(w, v, ind, 'seq', f);
        return;
      }
      writeScalar(w, k, ind + 2, true, f);
      w.write(':');
      emitValue(w, v, ind, 'map', f);
    });
    return;
  }
  if (n.t === 'seq' && n.items.length > 0) {
    let ind = 0;
    if (ctx === 'map') ind = f.indentSeqInMap ? containerIndent + 2 : containerIndent;
    else if (ctx === 'seq') ind = containerIndent + 2;
    n.items.forEach((v, idx) => {
      if (!(ctx === 'seq' && idx === 0)) w.indent(ind);
      w.write('-');
      emitValue(w, v, ind, 'seq', f);
    });
    return;
  }
  if (n.t === 'map') w.write('{}');
  else if (n.t === 'seq') w.write('[]');
  else if (n.t === 'plain') w.write(n.text);
  else writeScalar(w, n.text, contIndent, false, f);
}

function emitValue(w: Writer, v: Node, ind: number, ctx: 'map' | 'seq', f: Flavour): void {
  const collection = (v.t === 'map' && v.entries.length > 0) || (v.t === 'seq' && v.items.length > 0);
  if (collection && ctx === 'map') {
    emit(w, v, ind, ctx, f);
    return;
  }
  w.write(' ');
  emit(w, v, ind, ctx, f);
}

function render(n: Node, f: Flavour): string {
  const w = new Writer();
  emit(w, n, 0, 'root', f);
  if (!w.out.endsWith('\n')) w.write('\n');
  return w.out;
}

/** sigs.k8s.io/yaml.Marshal (with the trailing newline). Throws when JSON encoding fails. */
export function marshalYAML(v: GoValue): string {
  return render(jsonToNode(marshalJSON(v === undefined ? null : v)), { indentSeqInMap: false, fold: true, tabsInBlock: false });
}

/** go-yaml v3 Encoder with SetIndent(2) (with the trailing newline). */
export function marshalYAMLPretty(v: GoValue): string {
  return render(valueToNode(v), { indentSeqInMap: true, fold: false, tabsInBlock: true });
}
