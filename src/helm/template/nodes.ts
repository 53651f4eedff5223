import { quote } from './strconv.js';

/**
 * Parse-tree nodes of Go's text/template (`parse/node.go`) as plain data, with `nodeString`
 * reproducing Go's `Node.String()` (it appears in error messages as `at <...>`).
 */

/** The text a node came from, for `NAME:LINE:COL` error locations. */
export interface TreeSource {
  parseName: string;
  text: string;
}

interface Base {
  pos: number;
  src: TreeSource;
}

export interface TextNode extends Base { type: 'text'; text: string }
export interface CommentNode extends Base { type: 'comment'; text: string }
export interface ActionNode extends Base { type: 'action'; line: number; pipe: PipeNode }
export interface PipeNode extends Base {
  type: 'pipe';
  line: number;
  isAssign: boolean;
  decl: VariableNode[];
  cmds: CommandNode[];
}
export interface CommandNode extends Base { type: 'command'; args: ArgNode[] }
export interface IdentifierNode extends Base { type: 'identifier'; ident: string }
export interface VariableNode extends Base { type: 'variable'; ident: string[] }
export interface DotNode extends Base { type: 'dot' }
export interface NilNode extends Base { type: 'nil' }
export interface FieldNode extends Base { type: 'field'; ident: string[] }
export interface ChainNode extends Base { type: 'chain'; node: ArgNode; field: string[] }
export interface BoolNode extends Base { type: 'bool'; value: boolean }
export interface NumberNode extends Base {
  type: 'number';
  text: string;
  isInt: boolean;
  isUint: boolean;
  isFloat: boolean;
  isComplex: boolean;
  int: bigint;
  float: number;
}
export interface StringNode extends Base { type: 'string'; quoted: string; text: string }
export interface ListNode extends Base { type: 'list'; nodes: Node[] }
export interface BranchNode extends Base {
  type: 'if' | 'range' | 'with';
  line: number;
  pipe: PipeNode;
  list: ListNode;
  elseList: ListNode | null;
}
export interface BreakNode extends Base { type: 'break'; line: number }
export interface ContinueNode extends Base { type: 'continue'; line: number }
export interface TemplateNode extends Base { type: 'template'; line: number; name: string; pipe: PipeNode | null }
/** Internal markers returned while parsing lists. */
export interface EndNode extends Base { type: 'end' }
export interface ElseNode extends Base { type: 'else'; line: number }

export type ArgNode =
  | IdentifierNode
  | VariableNode
  | DotNode
  | NilNode
  | FieldNode
  | ChainNode
  | BoolNode
  | NumberNode
  | StringNode
  | PipeNode;

export type Node =
  | ArgNode
  | TextNode
  | CommentNode
  | ActionNode
  | CommandNode
  | ListNode
  | BranchNode
  | BreakNode
  | ContinueNode
  | TemplateNode
  | EndNode
  | ElseNode;

/** Go's `Node.String()`; `quoteText` prints text nodes with %q as Go's parse tests do. */
export function nodeString(n: Node, quoteText = false): string {
  const q = quoteText;
  switch (n.type) {
    case 'text':
      return q ? quote(n.text) : n.text;
    case 'comment':
      return `{{${n.text}}}`;
    case 'action':
      return `{{${nodeString(n.pipe, q)}}}`;
    case 'pipe': {
      let s = '';
      if (n.decl.length > 0) {
        s += n.decl.map((x) => nodeString(x, q)).join(', ');
        s += n.isAssign ? ' = ' : ' := ';
      }
      return s + n.cmds.map((x) => nodeString(x, q)).join(' | ');
    }
    case 'command':
      return n.args.map((a) => (a.type === 'pipe' ? `(${nodeString(a, q)})` : nodeString(a, q))).join(' ');
    case 'identifier':
      return n.ident;
    case 'variable':
      return n.ident.join('.');
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'field':
      return n.ident.map((f) => `.${f}`).join('');
    case 'chain': {
      const base = n.node.type === 'pipe' ? `(${nodeString(n.node, q)})` : nodeString(n.node, q);
      return base + n.field.map((f) => `.${f}`).join('');
    }
    case 'bool':
      return n.value ? 'true' : 'false';
    case 'number':
      return n.text;
    case 'string':
      return n.quoted;
    case 'list':
      return n.nodes.map((x) => nodeString(x, q)).join('');
    case 'if':
    case 'range':
    case 'with': {
      let s = `{{${n.type} ${nodeString(n.pipe, q)}}}${nodeString(n.list, q)}`;
      if (n.elseList) s += `{{else}}${nodeString(n.elseList, q)}`;
      return `${s}{{end}}`;
    }
    case 'break':
      return '{{break}}';
    case 'continue':
      return '{{continue}}';
    case 'template':
      return n.pipe
        ? `{{template ${JSON.stringify(n.name)} ${nodeString(n.pipe, q)}}}`
        : `{{template ${JSON.stringify(n.name)}}}`;
    case 'end':
      return '{{end}}';
    case 'else':
      return '{{else}}';
  }
}

/** Go's `parse.IsEmptyTree`. */
export function isEmptyTree(n: Node | null): boolean {
  if (n === null) return true;
  switch (n.type) {
    case 'comment':
      return true;
    case 'list':
      return n.nodes.every(isEmptyTree);
    case 'text':
      return n.text.trim() === '' && !/[\u0085\u00a0]/.test(n.text);
    default:
      return false;
  }
}

/** UTF-8 length of a JS string (Go positions are bytes). */
export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Go's `Tree.ErrorContext`: `NAME:LINE:COL` and the node's (truncated) text. */
export function errorContext(n: Node): { location: string; context: string } {
  const text = n.src.text.slice(0, n.pos);
  const nl = text.lastIndexOf('\n');
  const byteNum = nl === -1 ? utf8Length(text) : utf8Length(text.slice(nl + 1));
  let lineNum = 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineNum++;
  const context = nodeString(n);
  return { location: `${n.src.parseName}:${lineNum}:${byteNum}`, context };
}
