/**
 * The executor of Go's text/template (`exec.go`), over the value model of `values.ts`.
 * `undefined` plays Go's invalid reflect.Value ("no value"), `null` a nil interface/pointer.
 */
import { BUILTINS, isTrue } from './builtins.js';
import { compareGoStrings, goTypeName, printForTemplate, sprint } from './fmt.js';
import { errorContext, nodeString } from './nodes.js';
import type {
  ArgNode,
  BranchNode,
  ChainNode,
  CommandNode,
  FieldNode,
  IdentifierNode,
  ListNode,
  Node,
  NumberNode,
  PipeNode,
  TemplateNode,
  VariableNode,
} from './nodes.js';
import type { Tree } from './parse.js';
import { canBeNil, goParamName, signatureOf } from './signature.js';
import type { GoParam } from './signature.js';
import { isGoMap } from './values.js';
import type { GoValue } from './values.js';

/** Go's maximum nesting of {{template}} calls. */
export const MAX_EXEC_DEPTH = 100000;

export type MissingKey = 'default' | 'invalid' | 'zero' | 'error';

/** An execution failure; `message` is Go's full error string. */
export class ExecError extends Error {
  override name = 'ExecError';
}

/** What the executor needs from the template set. */
export interface ExecEnv {
  lookup(name: string): Tree | undefined;
  func(name: string): Function | undefined;
  missingKey: MissingKey;
  /** Whether `range` iterates over an int (Go 1.24+). */
  rangeOverInt: boolean;
}

/** Marks "no final value" in a pipeline (Go's missingVal). */
const MISSING: unique symbol = Symbol('missing');
type Final = GoValue | typeof MISSING;

class BreakSignal {}
class ContinueSignal {}
const BREAK = new BreakSignal();
const CONTINUE = new ContinueSignal();

interface Variable {
  name: string;
  value: GoValue;
  /** Holds an element of a slice or map, whose Go static type is interface{}. */
  iface?: boolean;
}

/**
 * Whether `e` is JavaScript running out of stack. Checked without regular expressions: near the
 * limit any call may overflow again, which also counts as yes.
 */
export function isStackOverflow(e: unknown): boolean {
  if (!(e instanceof RangeError)) return false;
  try {
    return e.message.includes('call stack');
  } catch {
    return true;
  }
}

function isStructValue(v: GoValue): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !isGoMap(v);
}

/** Finds a method (a function on the prototype chain, not an own field) of a class instance. */
function methodOf(v: GoValue, name: string): Function | undefined {
  // A named slice type with methods (Helm's chartutil.VersionSet): an Array subclass whose own
  // prototype methods are the Go methods; Array's built-ins are not.
  if (Array.isArray(v)) {
    for (let p = Object.getPrototypeOf(v) as object | null; p && p !== Array.prototype; p = Object.getPrototypeOf(p) as object | null) {
      if (name !== 'constructor' && Object.prototype.hasOwnProperty.call(p, name)) {
        const m = (p as Record<string, unknown>)[name];
        return typeof m === 'function' ? m : undefined;
      }
    }
    return undefined;
  }
  // A named map type with methods (Helm's `.Files`): the methods are non-enumerable own functions,
  // so ranging over the map sees only its keys.
  if (isGoMap(v)) {
    const d = Object.getOwnPropertyDescriptor(v, name);
    return d && !d.enumerable && typeof d.value === 'function' ? (d.value as Function) : undefined;
  }
  if (!isStructValue(v)) return undefined;
  if (Object.prototype.hasOwnProperty.call(v, name)) return undefined;
  if (name === 'constructor') return undefined;
  const m = (v as Record<string, unknown>)[name];
  return typeof m === 'function' ? m : undefined;
}

/** Runs template `tree` with `data`, returning its output. */
export function execute(env: ExecEnv, tree: Tree, data: GoValue): string {
  // reflect.ValueOf(nil) is the invalid value.
  if (data === null) data = undefined;
  const s = new State(env, tree, [{ name: '$', value: data }], 0);
  s.walkList(data, tree.root);
  return s.out.join('');
}

class State {
  out: string[] = [];
  node: Node | null = null;
  /** Dot is a slice/map element (static type interface{}), as inside {{range}}. */
  private dotIface = false;

  constructor(
    private readonly env: ExecEnv,
    private tmpl: Tree,
    private vars: Variable[],
    private readonly depth: number,
  ) {}

  private at(node: Node): void {
    this.node = node;
  }

  errorf(msg: string): never {
    const name = this.tmpl.name;
    if (this.node === null) throw new ExecError(`template: ${name}: ${msg}`);
    const { location, context } = errorContext(this.node);
    throw new ExecError(`template: ${location}: executing ${JSON.stringify(name)} at <${context}>: ${msg}`);
  }

  // ---- variables ----
  private mark(): number {
    return this.vars.length;
  }
  private pop(mark: number): void {
    this.vars.length = mark;
  }
  private push(name: string, value: GoValue): void {
    this.vars.push({ name, value });
  }
  private setVar(name: string, value: GoValue, iface = false): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) {
        this.vars[i]!.value = value;
        this.vars[i]!.iface = iface;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }
  private setTopVar(n: number, value: GoValue, iface = false): void {
    const v = this.vars[this.vars.length - n]!;
    v.value = value;
    v.iface = iface;
  }
  private variable(name: string): Variable {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) return this.vars[i]!;
    }
    this.errorf(`undefined variable: ${name}`);
  }

  // ---- walking ----
  /** Walks a list's nodes directly (one stack frame fewer per nesting level than `walk`). */
  walkList(dot: GoValue, list: ListNode): void {
    this.at(list);
    for (const n of list.nodes) this.walk(dot, n);
  }

  walk(dot: GoValue, node: Node): void {
    this.at(node);
    switch (node.type) {
      case 'action': {
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, val);
        return;
      }
      case 'break':
        throw BREAK;
      case 'continue':
        throw CONTINUE;
      case 'comment':
        return;
      case 'if':
      case 'with':
        return this.walkIfOrWith(dot, node);
      case 'list':
        for (const n of node.nodes) this.walk(dot, n);
        return;
      case 'range':
        return this.walkRange(dot, node);
      case 'template':
        return this.walkTemplate(dot, node);
      case 'text':
        this.out.push(node.text);
        return;
      default:
        this.errorf(`unknown node: ${nodeString(node)}`);
    }
  }

  private walkIfOrWith(dot: GoValue, node: BranchNode): void {
    const mark = this.mark();
    try {
      const val = this.evalPipeline(dot, node.pipe);
      if (isTrue(val)) {
        if (node.type === 'with') {
          const outerIface = this.dotIface;
          this.dotIface = false;
          try {
            this.walkList(val, node.list);
          } finally {
            this.dotIface = outerIface;
          }
        } else this.walkList(dot, node.list);
      } else if (node.elseList) {
        this.walkList(dot, node.elseList);
      }
    } finally {
      this.pop(mark);
    }
  }

  private walkRange(dot: GoValue, r: BranchNode): void {
    this.at(r);
    const outer = this.mark();
    try {
      const val = this.evalPipeline(dot, r.pipe);
      const mark = this.mark();
      const decl = r.pipe.decl;
      // Elements of []interface{} and map[string]interface{} have static type interface{}.
      const elemIface = Array.isArray(val) || isGoMap(val);
      const outerIface = this.dotIface;
      const oneIteration = (index: GoValue, elem: GoValue): void => {
        if (decl.length > 0) {
          if (r.pipe.isAssign) {
            if (decl.length > 1) this.setVar(decl[0]!.ident[0]!, index);
            else this.setVar(decl[0]!.ident[0]!, elem, elemIface);
          } else this.setTopVar(1, elem, elemIface);
        }
        if (decl.length > 1) {
          if (r.pipe.isAssign) this.setVar(decl[1]!.ident[0]!, elem, elemIface);
          else this.setTopVar(2, index);
        }
        this.dotIface = elemIface;
        try {
          this.walkList(elem, r.list);
        } catch (e) {
          if (e !== CONTINUE) throw e;
        } finally {
          this.dotIface = outerIface;
          this.pop(mark);
        }
      };
      let ran = false;
      if (Array.isArray(val) || val instanceof Uint8Array) {
        for (let i = 0; i < val.length; i++) {
          ran = true;
          oneIteration(BigInt(i), val instanceof Uint8Array ? BigInt(val[i]!) : val[i]);
        }
      } else if (typeof val === 'bigint' && this.env.rangeOverInt) {
        if (decl.length > 1) this.errorf(`can't use ${sprint(val)} to iterate over more than one variable`);
        for (let i = 0n; i < val; i++) {
          ran = true;
          oneIteration(i, i);
        }
      } else if (isGoMap(val)) {
        for (const k of Object.keys(val).sort(compareGoStrings)) {
          if (val[k] === undefined) continue;
          ran = true;
          oneIteration(k, val[k]);
        }
      } else if (val !== undefined && val !== null) {
        this.errorf(`range can't iterate over ${printForTemplate(val)}`);
      }
      if (!ran && r.elseList) this.walkList(dot, r.elseList);
    } catch (e) {
      if (e !== BREAK) throw e;
    } finally {
      this.pop(outer);
    }
  }

  private walkTemplate(dot: GoValue, t: TemplateNode): void {
    this.at(t);
    const tmpl = this.env.lookup(t.name);
    if (tmpl === undefined) this.errorf(`template ${JSON.stringify(t.name)} not defined`);
    if (this.depth >= MAX_EXEC_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
    const newDot = this.evalPipeline(dot, t.pipe);
    const child = new State(this.env, tmpl, [{ name: '$', value: newDot }], this.depth + 1);
    child.out = this.out;
    try {
      child.walkList(newDot, tmpl.root);
    } catch (e) {
      if (isStackOverflow(e)) {
        this.at(t);
        this.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
      }
      throw e;
    }
  }

  // ---- evaluation ----
  private evalPipeline(dot: GoValue, pipe: PipeNode | null): GoValue {
    if (pipe === null) return undefined;
    this.at(pipe);
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
      // An interface{} holding nil becomes "no value" (Go digs into empty interfaces).
      if (value === null) value = undefined;
    }
    const v = value === MISSING ? undefined : value;
    for (const variable of pipe.decl) {
      if (pipe.isAssign) this.setVar(variable.ident[0]!, v);
      else this.push(variable.ident[0]!, v);
    }
    return v;
  }

  private notAFunction(args: ArgNode[], final: Final): void {
    if (args.length > 1 || final !== MISSING) this.errorf(`can't give argument to non-function ${nodeString(args[0]!)}`);
  }

  private evalCommand(dot: GoValue, cmd: CommandNode, final: Final): GoValue {
    const first = cmd.args[0]!;
    switch (first.type) {
      case 'field':
        return this.evalFieldNode(dot, first, cmd.args, final);
      case 'chain':
        return this.evalChainNode(dot, first, cmd.args, final);
      case 'identifier':
        return this.evalFunction(dot, first, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.evalVariableNode(dot, first, cmd.args, final);
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.type) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        this.errorf('nil is not a command');
      // falls through (unreachable)
      case 'number':
        return this.idealConstant(first);
      case 'string':
        return first.text;
    }
  }

  private idealConstant(c: NumberNode): GoValue {
    this.at(c);
    if (c.isFloat && !isHexInt(c.text) && !c.text.startsWith("'") && /[.eEpP]/.test(c.text)) return c.float;
    if (c.isInt) return c.int;
    if (c.isUint) this.errorf(`${c.text} overflows int`);
    return undefined;
  }

  private evalFieldNode(dot: GoValue, field: FieldNode, args: ArgNode[], final: Final): GoValue {
    this.at(field);
    return this.evalFieldChain(dot, dot, this.dotIface, field, field.ident, args, final);
  }

  private evalChainNode(dot: GoValue, chain: ChainNode, args: ArgNode[], final: Final): GoValue {
    this.at(chain);
    if (chain.field.length === 0) this.errorf('internal error: no fields in evalChainNode');
    if (chain.node.type === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, 'value', chain.node, true);
    return this.evalFieldChain(dot, pipe, false, chain, chain.field, args, final);
  }

  private evalVariableNode(dot: GoValue, variable: VariableNode, args: ArgNode[], final: Final): GoValue {
    this.at(variable);
    const v = this.variable(variable.ident[0]!);
    if (variable.ident.length === 1) {
      this.notAFunction(args, final);
      return v.value;
    }
    return this.evalFieldChain(dot, v.value, v.iface === true, variable, variable.ident.slice(1), args, final);
  }

  private evalFieldChain(
    dot: GoValue,
    receiver: GoValue,
    iface: boolean,
    node: Node,
    ident: string[],
    args: ArgNode[],
    final: Final,
  ): GoValue {
    const n = ident.length;
    for (let i = 0; i < n - 1; i++) {
      const next = this.evalField(dot, ident[i]!, node, [], MISSING, receiver, iface);
      // A value looked up in a map[string]interface{} has static type interface{}.
      iface = isGoMap(receiver);
      receiver = next;
    }
    return this.evalField(dot, ident[n - 1]!, node, args, final, receiver, iface);
  }

  private evalFunction(dot: GoValue, node: IdentifierNode, cmd: Node, args: ArgNode[], final: Final): GoValue {
    this.at(node);
    const name = node.ident;
    const special = name === 'and' || name === 'or' || name === 'call';
    const fn = this.env.func(name) ?? (special ? undefined : BUILTINS[name]);
    if (fn === undefined && !special) this.errorf(`${JSON.stringify(name)} is not a defined function`);
    return this.evalCall(dot, fn, special && this.env.func(name) === undefined ? name : null, cmd, name, args, final, undefined);
  }

  private evalField(
    dot: GoValue,
    fieldName: string,
    node: Node,
    args: ArgNode[],
    final: Final,
    receiver: GoValue,
    iface = false,
  ): GoValue {
    if (receiver === undefined) {
      if (this.env.missingKey === 'error') this.errorf(`nil data; no entry for key ${JSON.stringify(fieldName)}`);
      return undefined;
    }
    if (receiver === null) this.errorf(`nil pointer evaluating interface {}.${fieldName}`);
    const method = methodOf(receiver, fieldName);
    if (method) return this.evalCall(dot, method, null, node, fieldName, args, final, receiver);
    const hasArgs = args.length > 1 || final !== MISSING;
    if (isGoMap(receiver)) {
      if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
      const result = Object.prototype.hasOwnProperty.call(receiver, fieldName) ? receiver[fieldName] : undefined;
      if (result === undefined) {
        switch (this.env.missingKey) {
          case 'zero':
            return null;
          case 'error':
            this.errorf(`map has no entry for key ${JSON.stringify(fieldName)}`);
        }
      }
      return result;
    }
    if (isStructValue(receiver) && fieldName in receiver) {
      if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
      const v = receiver[fieldName];
      return v === undefined ? null : v;
    }
    this.errorf(`can't evaluate field ${fieldName} in type ${iface ? 'interface {}' : goTypeName(receiver)}`);
  }

  /**
   * Calls `fn` (or the special builtin `special`) with the command's arguments and the pipeline's
   * final value, checking them against its Go signature.
   */
  private evalCall(
    dot: GoValue,
    fn: Function | undefined,
    special: string | null,
    node: Node,
    name: string,
    argNodes: ArgNode[],
    final: Final,
    receiver: GoValue,
  ): GoValue {
    const args = argNodes.slice(1);
    const sig =
      special !== null ? { params: ['value'] as GoParam[], variadic: 'value' as GoParam } : signatureOf(fn!);
    let numIn = args.length;
    if (final !== MISSING) numIn++;
    let numFixed = args.length;
    const nParams = sig.params.length + (sig.variadic ? 1 : 0);
    if (sig.variadic) {
      numFixed = sig.params.length;
      if (numIn < numFixed) this.errorf(`wrong number of args for ${name}: want at least ${numFixed} got ${args.length}`);
    } else if (numIn !== nParams) {
      this.errorf(`wrong number of args for ${name}: want ${nParams} got ${numIn}`);
    }

    if (special === 'and' || special === 'or') {
      let v: GoValue;
      for (const arg of args) {
        v = this.evalArg(dot, 'value', arg);
        if (isTrue(v) === (special === 'or')) return v;
      }
      if (final !== MISSING) v = final;
      return v;
    }

    const argv: GoValue[] = [];
    let i = 0;
    for (; i < numFixed && i < args.length; i++) argv.push(this.evalArg(dot, sig.params[i]!, args[i]!));
    if (sig.variadic) for (; i < args.length; i++) argv.push(this.evalArg(dot, sig.variadic, args[i]!));
    if (final !== MISSING) {
      let t: GoParam;
      if (sig.variadic) t = numIn - 1 < numFixed ? sig.params[numIn - 1]! : sig.variadic;
      else t = sig.params[sig.params.length - 1]!;
      argv.push(this.validateType(final, t));
    }

    if (special === 'call') {
      const calleeName = nodeString(args[0] ?? argNodes[0]!);
      return this.callBuiltin(node, calleeName, argv);
    }
    try {
      return fn!.apply(receiver, argv);
    } catch (e) {
      if (isStackOverflow(e)) throw e;
      this.at(node);
      const msg = e instanceof Error ? e.message : String(e);
      this.errorf(`error calling ${name}: ${msg}`);
    }
  }

  /** The `call` builtin: call(fn, args...). */
  private callBuiltin(node: Node, calleeName: string, argv: GoValue[]): GoValue {
    const [fn, ...args] = argv;
    const fail = (msg: string): never => {
      this.at(node);
      this.errorf(`error calling call: ${msg}`);
    };
    if (fn === undefined || fn === null) fail('call of nil');
    if (typeof fn !== 'function') fail(`non-function ${calleeName} of type ${goTypeName(fn)}`);
    const f = fn as Function;
    const sig = signatureOf(f);
    const numIn = sig.params.length;
    if (sig.variadic) {
      if (args.length < numIn) fail(`wrong number of args for ${calleeName}: got ${args.length} want at least ${numIn}`);
    } else if (args.length !== numIn) fail(`wrong number of args for ${calleeName}: got ${args.length} want ${numIn}`);
    const prepared = args.map((arg, i) => {
      const t = !sig.variadic || i < numIn ? sig.params[i]! : sig.variadic;
      const r = prepareArg(arg, t);
      if (typeof r === 'object' && r !== null && 'error' in r) fail(`arg ${i}: ${(r as { error: string }).error}`);
      return (r as { value: GoValue }).value;
    });
    try {
      return f(...prepared);
    } catch (e) {
      if (isStackOverflow(e)) throw e;
      this.at(node);
      this.errorf(`error calling call: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private evalArg(dot: GoValue, typ: GoParam, n: ArgNode, chainBase = false): GoValue {
    this.at(n);
    switch (n.type) {
      case 'dot':
        return this.validateType(dot, typ);
      case 'nil':
        if (chainBase) this.errorf('evalEmptyInterface: nil (can\'t happen)');
        if (canBeNil(typ)) return typ === 'value' ? undefined : null;
        this.errorf(`cannot assign nil to ${goParamName(typ)}`);
      // falls through (unreachable)
      case 'field':
        return this.validateType(this.evalFieldNode(dot, n, [n], MISSING), typ);
      case 'variable':
        return this.validateType(this.evalVariableNode(dot, n, [], MISSING), typ);
      case 'pipe':
        return this.validateType(this.evalPipeline(dot, n), typ);
      case 'identifier':
        return this.validateType(this.evalFunction(dot, n, n, [], MISSING), typ);
      case 'chain':
        return this.validateType(this.evalChainNode(dot, n, [], MISSING), typ);
    }
    switch (typ) {
      case 'bool':
        if (n.type === 'bool') return n.value;
        this.errorf(`expected bool; found ${nodeString(n)}`);
      // falls through (unreachable)
      case 'float64':
        if (n.type === 'number' && n.isFloat) return n.float;
        this.errorf(`expected float; found ${nodeString(n)}`);
      // falls through (unreachable)
      case 'int':
        if (n.type === 'number' && n.isInt) return n.int;
        this.errorf(`expected integer; found ${nodeString(n)}`);
      // falls through (unreachable)
      case 'string':
        if (n.type === 'string') return n.text;
        this.errorf(`expected string; found ${nodeString(n)}`);
      // falls through (unreachable)
      case 'any':
      case 'value':
        switch (n.type) {
          case 'bool':
            return n.value;
          case 'number':
            return this.idealConstant(n);
          case 'string':
            return n.text;
        }
    }
    this.errorf(`can't handle ${nodeString(n)} for arg of type ${goParamName(typ)}`);
  }

  private validateType(value: GoValue, typ: GoParam): GoValue {
    if (value === undefined) {
      if (typ === 'value') return undefined;
      if (canBeNil(typ)) return null;
      this.errorf(`invalid value; expected ${goParamName(typ)}`);
    }
    const r = prepareArg(value, typ);
    if ('error' in r) this.errorf(r.error.replace(/^value has type (.*); should be (.*)$/, 'wrong type for value; expected $2; got $1'));
    return r.value;
  }

  private printValue(n: Node, v: GoValue): void {
    this.at(n);
    if (typeof v === 'function') this.errorf(`can't print ${nodeString(n)} of type ${goTypeName(v)}`);
    this.out.push(v === undefined ? '<no value>' : printForTemplate(v));
  }
}

function isHexInt(s: string): boolean {
  return s.length > 2 && s[0] === '0' && (s[1] === 'x' || s[1] === 'X') && !/[pP]/.test(s);
}

/** Checks that `value` is assignable to the Go parameter type. */
function prepareArg(value: GoValue, typ: GoParam): { value: GoValue } | { error: string } {
  if (value === undefined) {
    if (!canBeNil(typ)) return { error: `value is nil; should be of type ${goParamName(typ)}` };
    return { value: typ === 'value' ? undefined : null };
  }
  const bad = (): { error: string } => ({
    error: `value has type ${value === null ? 'interface {}' : goTypeName(value)}; should be ${goParamName(typ)}`,
  });
  switch (typ) {
    case 'any':
    case 'value':
      return { value };
    case 'string':
      return typeof value === 'string' ? { value } : bad();
    case 'bool':
      return typeof value === 'boolean' ? { value } : bad();
    case 'int':
      return typeof value === 'bigint' ? { value } : bad();
    case 'float64':
      return typeof value === 'number' ? { value } : bad();
    case 'map':
      return value === null || isGoMap(value) ? { value } : bad();
    case 'slice':
      return value === null || Array.isArray(value) ? { value } : bad();
    case 'bytes':
      return value === null || value instanceof Uint8Array ? { value } : bad();
  }
}

