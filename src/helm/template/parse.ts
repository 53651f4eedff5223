/**
 * The parser of Go's text/template (`text/template/parse/parse.go`): text → trees, one per
 * template name (the top-level text plus each `{{define}}` / `{{block}}`).
 */
import { ItemType, itemString, lex } from './lex.js';
import type { Item } from './lex.js';
import { isEmptyTree } from './nodes.js';
import { underscoreOK } from './strconv.js';
import type {
  ArgNode,
  BranchNode,
  CommandNode,
  ListNode,
  Node,
  NumberNode,
  PipeNode,
  TemplateNode,
  TreeSource,
  VariableNode,
} from './nodes.js';

/** A parsed template: its name and root list (null for an empty {{define}} placeholder). */
export interface Tree {
  name: string;
  parseName: string;
  root: ListNode;
}

/** Thrown for parse failures; message is Go's `template: NAME:LINE: ...`. */
export class ParseError extends Error {
  override name = 'ParseError';
}

const MAX_STACK_DEPTH = 10000;

/**
 * Parses `text` as template `name`. `hasFunction` answers Go's "function %q not defined" check.
 * Returns every tree defined by the text, in definition order, the top-level one included.
 */
export function parseTemplates(name: string, text: string, hasFunction: (name: string) => boolean): Map<string, Tree> {
  const items = lex(text, { breakOK: !hasFunction('break'), continueOK: !hasFunction('continue') });
  const treeSet = new Map<string, Tree>();
  const shared = { items, index: 0, lastLine: 1 };
  const top = new Parser(name, name, text, shared, treeSet, hasFunction);
  top.parseTop();
  top.add();
  return treeSet;
}

interface LexCursor {
  items: Item[];
  index: number;
  lastLine: number;
}

class Parser {
  root!: ListNode;
  private readonly src: TreeSource;
  private token: Item[] = [];
  private peekCount = 0;
  private vars: string[] = ['$'];
  private actionLine = 0;
  private rangeDepth = 0;
  private stackDepth = 0;

  constructor(
    public name: string,
    readonly parseName: string,
    readonly text: string,
    private readonly lexer: LexCursor,
    private readonly treeSet: Map<string, Tree>,
    private readonly hasFunction: (name: string) => boolean,
  ) {
    this.src = { parseName, text };
  }

  // Token plumbing: three-token lookahead as in Go.
  private nextItem(): Item {
    const items = this.lexer.items;
    const item = items[Math.min(this.lexer.index, items.length - 1)]!;
    if (this.lexer.index < items.length) this.lexer.index++;
    this.lexer.lastLine = item.line;
    return item;
  }
  private next(): Item {
    if (this.peekCount > 0) this.peekCount--;
    else this.token[0] = this.nextItem();
    return this.token[this.peekCount]!;
  }
  private backup(): void {
    this.peekCount++;
  }
  private backup2(t1: Item): void {
    this.token[1] = t1;
    this.peekCount = 2;
  }
  private backup3(t2: Item, t1: Item): void {
    this.token[1] = t1;
    this.token[2] = t2;
    this.peekCount = 3;
  }
  private peek(): Item {
    if (this.peekCount > 0) return this.token[this.peekCount - 1]!;
    this.peekCount = 1;
    this.token[0] = this.nextItem();
    return this.token[0];
  }
  private nextNonSpace(): Item {
    let token: Item;
    do token = this.next();
    while (token.type === ItemType.Space);
    return token;
  }
  private peekNonSpace(): Item {
    const token = this.nextNonSpace();
    this.backup();
    return token;
  }

  errorf(msg: string): never {
    throw new ParseError(`template: ${this.parseName}:${this.lexer.lastLine}: ${msg}`);
  }
  private expect(expected: ItemType, context: string): Item {
    const token = this.nextNonSpace();
    if (token.type !== expected) this.unexpected(token, context);
    return token;
  }
  private unexpected(token: Item, context: string): never {
    if (token.type === ItemType.Error) {
      let extra = '';
      if (this.actionLine !== 0 && this.actionLine !== token.line) {
        extra = ` in action started at ${this.parseName}:${this.actionLine}`;
        if (token.val.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      this.errorf(`${itemString(token)}${extra}`);
    }
    this.errorf(`unexpected ${itemString(token)} in ${context}`);
  }

  add(): void {
    const tree = this.treeSet.get(this.name);
    if (tree === undefined || isEmptyTree(tree.root)) {
      this.treeSet.set(this.name, { name: this.name, parseName: this.parseName, root: this.root });
      return;
    }
    if (!isEmptyTree(this.root)) this.errorf(`template: multiple definition of template ${JSON.stringify(this.name)}`);
  }

  private child(name: string): Parser {
    return new Parser(name, this.parseName, this.text, this.lexer, this.treeSet, this.hasFunction);
  }

  private newList(pos: number): ListNode {
    return { type: 'list', pos, src: this.src, nodes: [] };
  }

  parseTop(): void {
    this.root = this.newList(this.peek().pos);
    while (this.peek().type !== ItemType.EOF) {
      if (this.peek().type === ItemType.LeftDelim) {
        const delim = this.next();
        if (this.nextNonSpace().type === ItemType.Define) {
          const def = this.child('definition');
          def.parseDefinition();
          continue;
        }
        this.backup2(delim);
      }
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') this.errorf(`unexpected ${n.type === 'end' ? '{{end}}' : '{{else}}'}`);
      this.root.nodes.push(n);
    }
  }

  // The shared lexer position means the child consumes tokens directly from it; hand over any
  // pushed-back tokens isn't needed because `define` is read right after the delimiter.
  private parseDefinition(): void {
    const context = 'define clause';
    const token = this.nextNonSpace();
    if (token.type !== ItemType.String && token.type !== ItemType.RawString) this.unexpected(token, context);
    this.name = this.unquote(token.val);
    this.expect(ItemType.RightDelim, context);
    const [list, end] = this.itemList();
    this.root = list;
    if (end.type !== 'end') this.errorf(`unexpected ${end.type === 'else' ? '{{else}}' : end.type} in ${context}`);
    this.add();
  }

  private itemList(): [ListNode, Node] {
    const list = this.newList(this.peekNonSpace().pos);
    while (this.peekNonSpace().type !== ItemType.EOF) {
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') return [list, n];
      list.nodes.push(n);
    }
    this.errorf('unexpected EOF');
  }

  private textOrAction(): Node {
    const token = this.nextNonSpace();
    switch (token.type) {
      case ItemType.Text:
        return { type: 'text', pos: token.pos, src: this.src, text: token.val };
      case ItemType.LeftDelim: {
        this.actionLine = token.line;
        try {
          return this.action();
        } finally {
          this.actionLine = 0;
        }
      }
      default:
        this.unexpected(token, 'input');
    }
  }

  private action(): Node {
    const token = this.nextNonSpace();
    switch (token.type) {
      case ItemType.Block:
        return this.blockControl();
      case ItemType.Break:
        return this.breakControl(token);
      case ItemType.Continue:
        return this.continueControl(token);
      case ItemType.Else:
        return this.elseControl();
      case ItemType.End:
        return { type: 'end', pos: this.expect(ItemType.RightDelim, 'end').pos, src: this.src };
      case ItemType.If:
        return this.branch('if');
      case ItemType.Range:
        return this.branch('range');
      case ItemType.Template:
        return this.templateControl();
      case ItemType.With:
        return this.branch('with');
    }
    this.backup();
    const t = this.peek();
    return { type: 'action', pos: t.pos, src: this.src, line: t.line, pipe: this.pipeline('command', ItemType.RightDelim) };
  }

  private breakControl(tok: Item): Node {
    const token = this.nextNonSpace();
    if (token.type !== ItemType.RightDelim) this.unexpected(token, '{{break}}');
    if (this.rangeDepth === 0) this.errorf('{{break}} outside {{range}}');
    return { type: 'break', pos: tok.pos, src: this.src, line: tok.line };
  }

  private continueControl(tok: Item): Node {
    const token = this.nextNonSpace();
    if (token.type !== ItemType.RightDelim) this.unexpected(token, '{{continue}}');
    if (this.rangeDepth === 0) this.errorf('{{continue}} outside {{range}}');
    return { type: 'continue', pos: tok.pos, src: this.src, line: tok.line };
  }

  private pipeline(context: string, end: ItemType): PipeNode {
    const token = this.peekNonSpace();
    const pipe: PipeNode = { type: 'pipe', pos: token.pos, src: this.src, line: token.line, isAssign: false, decl: [], cmds: [] };
    decls: for (;;) {
      const v = this.peekNonSpace();
      if (v.type !== ItemType.Variable) break;
      this.next();
      const tokenAfterVariable = this.peek();
      const next = this.peekNonSpace();
      if (next.type === ItemType.Assign || next.type === ItemType.Declare) {
        pipe.isAssign = next.type === ItemType.Assign;
        this.nextNonSpace();
        pipe.decl.push(this.newVariable(v.pos, v.val));
        this.vars.push(v.val);
      } else if (next.type === ItemType.Char && next.val === ',') {
        this.nextNonSpace();
        pipe.decl.push(this.newVariable(v.pos, v.val));
        this.vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const p = this.peekNonSpace().type;
          if (p === ItemType.Variable || p === ItemType.RightDelim || p === ItemType.RightParen) continue decls;
          this.errorf('range can only initialize variables');
        }
        this.errorf(`too many declarations in ${context}`);
      } else if (tokenAfterVariable.type === ItemType.Space) {
        this.backup3(v, tokenAfterVariable);
      } else {
        this.backup2(v);
      }
      break;
    }
    for (;;) {
      const token = this.nextNonSpace();
      if (token.type === end) {
        this.checkPipeline(pipe, context);
        return pipe;
      }
      switch (token.type) {
        case ItemType.Bool:
        case ItemType.CharConstant:
        case ItemType.Complex:
        case ItemType.Dot:
        case ItemType.Field:
        case ItemType.Identifier:
        case ItemType.Number:
        case ItemType.Nil:
        case ItemType.RawString:
        case ItemType.String:
        case ItemType.Variable:
        case ItemType.LeftParen:
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(token, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    pipe.cmds.slice(1).forEach((c, i) => {
      const t = c.args[0]!.type;
      if (t === 'bool' || t === 'dot' || t === 'nil' || t === 'number' || t === 'string') {
        this.errorf(`non executable command in pipeline stage ${i + 2}`);
      }
    });
  }

  private parseControl(context: 'if' | 'range' | 'with'): Omit<BranchNode, 'type'> {
    const nvars = this.vars.length;
    try {
      const pipe = this.pipeline(context, ItemType.RightDelim);
      if (context === 'range') this.rangeDepth++;
      let [list, next] = this.itemList();
      if (context === 'range') this.rangeDepth--;
      let elseList: ListNode | null = null;
      if (next.type === 'else') {
        if (context === 'if' && this.peek().type === ItemType.If) {
          this.next();
          elseList = this.newList(next.pos);
          elseList.nodes.push(this.branch('if'));
        } else if (context === 'with' && this.peek().type === ItemType.With) {
          this.next();
          elseList = this.newList(next.pos);
          elseList.nodes.push(this.branch('with'));
        } else {
          [elseList, next] = this.itemList();
          if (next.type !== 'end') this.errorf(`expected end; found ${next.type === 'else' ? '{{else}}' : next.type}`);
        }
      }
      void list;
      return { pos: pipe.pos, src: this.src, line: pipe.line, pipe, list, elseList };
    } finally {
      this.vars.length = nvars;
    }
  }

  private branch(context: 'if' | 'range' | 'with'): BranchNode {
    return { type: context, ...this.parseControl(context) };
  }

  private elseControl(): Node {
    const peek = this.peekNonSpace();
    if (peek.type === ItemType.If || peek.type === ItemType.With) {
      return { type: 'else', pos: peek.pos, src: this.src, line: peek.line };
    }
    const token = this.expect(ItemType.RightDelim, 'else');
    return { type: 'else', pos: token.pos, src: this.src, line: token.line };
  }

  private blockControl(): Node {
    const context = 'block clause';
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    const pipe = this.pipeline(context, ItemType.RightDelim);
    const block = this.child(name);
    // The block body is parsed from the shared token stream; pending lookahead must be empty here.
    const [list, end] = block.itemList();
    block.root = list;
    if (end.type !== 'end') this.errorf(`unexpected ${end.type === 'else' ? '{{else}}' : end.type} in ${context}`);
    block.add();
    return this.newTemplate(token, name, pipe);
  }

  private templateControl(): Node {
    const context = 'template clause';
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    let pipe: PipeNode | null = null;
    if (this.nextNonSpace().type !== ItemType.RightDelim) {
      this.backup();
      pipe = this.pipeline(context, ItemType.RightDelim);
    }
    return this.newTemplate(token, name, pipe);
  }

  private newTemplate(token: Item, name: string, pipe: PipeNode | null): TemplateNode {
    return { type: 'template', pos: token.pos, src: this.src, line: token.line, name, pipe };
  }

  private parseTemplateName(token: Item, context: string): string {
    if (token.type === ItemType.String || token.type === ItemType.RawString) return this.unquote(token.val);
    this.unexpected(token, context);
  }

  private command(): CommandNode {
    const cmd: CommandNode = { type: 'command', pos: this.peekNonSpace().pos, src: this.src, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand !== null) cmd.args.push(operand);
      const token = this.next();
      if (token.type === ItemType.Space) continue;
      if (token.type === ItemType.RightDelim || token.type === ItemType.RightParen) this.backup();
      else if (token.type !== ItemType.Pipe) this.unexpected(token, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command');
    return cmd;
  }

  private operand(): ArgNode | null {
    let node = this.term();
    if (node === null) return null;
    if (this.peek().type === ItemType.Field) {
      const pos = this.peek().pos;
      const fields: string[] = [];
      while (this.peek().type === ItemType.Field) fields.push(this.next().val.slice(1));
      switch (node.type) {
        case 'field':
          node = { type: 'field', pos, src: this.src, ident: [...node.ident, ...fields] };
          break;
        case 'variable':
          node = { type: 'variable', pos, src: this.src, ident: [...node.ident, ...fields] };
          break;
        case 'bool':
        case 'string':
        case 'number':
        case 'nil':
        case 'dot': {
          const s = node.type === 'bool' ? String(node.value) : node.type === 'string' ? node.quoted : node.type === 'number' ? node.text : node.type === 'nil' ? 'nil' : '.';
          this.errorf(`unexpected . after term ${JSON.stringify(s)}`);
        }
        // falls through (unreachable)
        default:
          node = { type: 'chain', pos, src: this.src, node, field: fields };
      }
    }
    return node;
  }

  private term(): ArgNode | null {
    const token = this.nextNonSpace();
    switch (token.type) {
      case ItemType.Identifier:
        if (!this.hasFunction(token.val)) this.errorf(`function ${JSON.stringify(token.val)} not defined`);
        return { type: 'identifier', pos: token.pos, src: this.src, ident: token.val };
      case ItemType.Dot:
        return { type: 'dot', pos: token.pos, src: this.src };
      case ItemType.Nil:
        return { type: 'nil', pos: token.pos, src: this.src };
      case ItemType.Variable:
        return this.useVar(token.pos, token.val);
      case ItemType.Field:
        return { type: 'field', pos: token.pos, src: this.src, ident: token.val.slice(1).split('.') };
      case ItemType.Bool:
        return { type: 'bool', pos: token.pos, src: this.src, value: token.val === 'true' };
      case ItemType.CharConstant:
      case ItemType.Complex:
      case ItemType.Number:
        return this.newNumber(token);
      case ItemType.LeftParen: {
        if (this.stackDepth >= MAX_STACK_DEPTH) this.errorf('max expression depth exceeded');
        this.stackDepth++;
        try {
          return this.pipeline('parenthesized pipeline', ItemType.RightParen);
        } finally {
          this.stackDepth--;
        }
      }
      case ItemType.String:
      case ItemType.RawString:
        return { type: 'string', pos: token.pos, src: this.src, quoted: token.val, text: this.unquote(token.val) };
    }
    this.backup();
    return null;
  }

  private newVariable(pos: number, name: string): VariableNode {
    return { type: 'variable', pos, src: this.src, ident: name.split('.') };
  }

  private useVar(pos: number, name: string): VariableNode {
    const v = this.newVariable(pos, name);
    if (!this.vars.includes(v.ident[0]!)) this.errorf(`undefined variable ${JSON.stringify(v.ident[0])}`);
    return v;
  }

  private unquote(s: string): string {
    try {
      return unquote(s);
    } catch (e) {
      this.errorf((e as Error).message);
    }
  }

  private newNumber(token: Item): NumberNode {
    try {
      return newNumber(token.pos, token.val, token.type, this.src);
    } catch (e) {
      this.errorf((e as Error).message);
    }
  }
}

// ---- literals ----

/** strconv.Unquote for "..." and `...` (and '...' for char constants). */
export function unquote(s: string): string {
  const q = s[0];
  if (s.length < 2 || s[s.length - 1] !== q) throw new Error('invalid syntax');
  const body = s.slice(1, -1);
  if (q === '`') {
    if (body.includes('`')) throw new Error('invalid syntax');
    return body.replace(/\r/g, '');
  }
  if (q !== '"' && q !== "'") throw new Error('invalid syntax');
  let out = '';
  let i = 0;
  while (i < body.length) {
    const [ch, next] = unquoteChar(body, i, q);
    out += ch;
    i = next;
  }
  if (q === "'" && [...out].length !== 1) throw new Error('invalid syntax');
  return out;
}

/** strconv.UnquoteChar: decodes one (possibly escaped) character at `i`. */
export function unquoteChar(s: string, i: number, quote: string): [string, number] {
  const c = s[i]!;
  if (c === quote && (quote === "'" || quote === '"')) throw new Error('invalid syntax');
  if (c === '\n') throw new Error('invalid syntax');
  if (c !== '\\') {
    const cp = s.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    return [ch, i + ch.length];
  }
  const e = s[i + 1];
  const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };
  if (e === undefined) throw new Error('invalid syntax');
  if (simple[e] !== undefined) return [simple[e], i + 2];
  if (e === "'" || e === '"') {
    if (e !== quote) throw new Error('invalid syntax');
    return [e, i + 2];
  }
  const hex = (n: number): [string, number] => {
    const h = s.slice(i + 2, i + 2 + n);
    if (h.length !== n || !/^[0-9a-fA-F]+$/.test(h)) throw new Error('invalid syntax');
    const v = parseInt(h, 16);
    if (n > 2 && (v > 0x10ffff || (v >= 0xd800 && v < 0xe000))) throw new Error('invalid syntax');
    return [String.fromCodePoint(v), i + 2 + n];
  };
  if (e === 'x') return hex(2);
  if (e === 'u') return hex(4);
  if (e === 'U') return hex(8);
  if (e >= '0' && e <= '7') {
    const o = s.slice(i + 1, i + 4);
    if (!/^[0-7]{3}$/.test(o)) throw new Error('invalid syntax');
    const v = parseInt(o, 8);
    if (v > 255) throw new Error('invalid syntax');
    return [String.fromCodePoint(v), i + 4];
  }
  throw new Error('invalid syntax');
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

/** strconv.ParseInt(text, 0, 64) as a bigint, or null on failure (syntax or range). */
function parseGoInt(text: string): bigint | null {
  let s = text;
  let neg = false;
  if (s[0] === '+' || s[0] === '-') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  let base = 10;
  let digits = s;
  if (/^0[xX]/.test(s)) [base, digits] = [16, s.slice(2)];
  else if (/^0[oO]/.test(s)) [base, digits] = [8, s.slice(2)];
  else if (/^0[bB]/.test(s)) [base, digits] = [2, s.slice(2)];
  else if (/^0./.test(s)) [base, digits] = [8, s.slice(1)];
  if (digits.includes('_')) {
    if (!underscoreOK(text)) return null;
    digits = digits.replace(/_/g, '');
  }
  if (digits === '') return s === '0' ? 0n : null;
  const valid = base === 16 ? /^[0-9a-fA-F]+$/ : base === 8 ? /^[0-7]+$/ : base === 2 ? /^[01]+$/ : /^[0-9]+$/;
  if (!valid.test(digits)) return null;
  let v = 0n;
  const b = BigInt(base);
  for (const d of digits) v = v * b + BigInt(parseInt(d, base));
  return neg ? -v : v;
}


function parseGoFloat(text: string): number | null {
  let s = text.replace(/^[+-]/, '');
  const neg = text.startsWith('-');
  if (s.includes('_')) {
    if (!underscoreOK(text)) return null;
    s = s.replace(/_/g, '');
  }
  let v: number;
  if (/^0[xX]/.test(s)) {
    const m = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?[0-9]+)$/.exec(s);
    if (!m || (m[1] === '' && (m[2] ?? '') === '')) return null;
    const mant = (m[1] ?? '') + (m[2] ?? '');
    v = parseInt(mant || '0', 16) * Math.pow(2, Number(m[3]) - 4 * (m[2] ?? '').length);
  } else {
    if (!/^(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(s)) return null;
    v = Number(s);
  }
  if (!Number.isFinite(v)) return null; // out of range
  return neg ? -v : v;
}

/** Go's `Tree.newNumber`: classifies a number literal (exported for tests). */
export function newNumber(pos: number, text: string, type: ItemType, src: TreeSource): NumberNode {
  const n: NumberNode = {
    type: 'number',
    pos,
    src,
    text,
    isInt: false,
    isUint: false,
    isFloat: false,
    isComplex: false,
    int: 0n,
    float: 0,
  };
  if (type === ItemType.CharConstant) {
    const [ch, next] = unquoteChar(text.slice(1), 0, "'");
    if (text.slice(1).slice(next) !== "'") throw new Error(`malformed character constant: ${text}`);
    const cp = ch.codePointAt(0)!;
    Object.assign(n, { isInt: true, isUint: true, isFloat: true, int: BigInt(cp), float: cp });
    return n;
  }
  if (type === ItemType.Complex || (text.endsWith('i') && parseGoFloat(text.slice(0, -1)) !== null)) {
    // Complex numbers have no representation here.
    n.isComplex = true;
    throw new Error(`complex numbers are not supported: ${JSON.stringify(text)}`);
  }
  const i = parseGoInt(text);
  if (i !== null && i >= INT64_MIN && i <= INT64_MAX) {
    n.isInt = true;
    n.int = i;
    // strconv.ParseUint rejects a sign; Go's parser still marks zero as unsigned.
    if ((i > 0n && !/^[+-]/.test(text)) || i === 0n) n.isUint = true;
  } else if (i !== null && i > 0n && i <= UINT64_MAX) {
    n.isUint = true;
    n.int = i;
  }
  if (n.isInt || n.isUint) {
    n.isFloat = true;
    n.float = Number(n.int);
  } else {
    const f = parseGoFloat(text);
    if (f !== null) {
      if (!/[.eEpP]/.test(text) || (/^[+-]?0[xX]/.test(text) && !/[pP]/.test(text))) {
        throw new Error(`integer overflow: ${JSON.stringify(text)}`);
      }
      n.isFloat = true;
      n.float = f;
      if (Number.isInteger(f) && Math.abs(f) < 2 ** 63) {
        n.isInt = true;
        n.int = BigInt(f);
        if (f >= 0) n.isUint = true;
      } else if (Number.isInteger(f) && f >= 0 && f < 2 ** 64) {
        n.isUint = true;
        n.int = BigInt(f);
      }
    }
  }
  if (!n.isInt && !n.isUint && !n.isFloat) throw new Error(`illegal number syntax: ${JSON.stringify(text)}`);
  return n;
}
