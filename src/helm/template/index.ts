/**
 * A Go `text/template` engine: the same syntax, semantics and error messages as Go 1.22+, over
 * the JavaScript value model of `values.ts`.
 *
 * ```ts
 * const t = new Templates({ funcs: { upper: goFunc(['string'], (s) => (s as string).toUpperCase()) } });
 * t.parse('x', '{{ .name | upper }}');
 * t.execute('x', { name: 'a' }); // 'A'
 * ```
 *
 * Function authors: a plain `(...args) => value` accepts anything (Go `...interface{}`), with
 * missing values passed as `null`; throw to fail and the engine reports
 * `error calling NAME: MESSAGE`. To get Go's argument checks (`wrong type for value; expected
 * string; got int`, `wrong number of args for NAME: want 1 got 2`) declare the Go signature with
 * {@link goFunc}. The same works for methods of class instances used as data (structs).
 *
 * Structs: pass class instances. Functions on the prototype (class methods) are Go methods and
 * are called by `.Obj.Method arg…`; own function-valued properties are Go func fields (`call
 * .Obj.Fn arg…`). Plain objects are `map[string]interface{}`: their function values are not
 * callable with arguments. Set the static or instance `[GO_TYPE]` to name the type in errors/%T.
 *
 * Re-entrancy: `execute` and `parse` may be called from inside a template function (Helm's
 * `include` and `tpl`). `{{template}}` nesting is limited to Go's 100000; running out of
 * JavaScript stack first is reported with the same message (about 350 nested `include`s with
 * Node's default stack): functions that call `execute` must let a `RangeError` propagate.
 */
import { ExecError, MAX_EXEC_DEPTH, execute, isStackOverflow } from './exec.js';
import type { ExecEnv } from './exec.js';
import { isEmptyTree } from './nodes.js';
import { ParseError, parseTemplates } from './parse.js';
import type { Tree } from './parse.js';
import { BUILTINS } from './builtins.js';
import type { FuncMap, GoValue } from './values.js';

export { goFunc, signatureOf } from './signature.js';
export type { GoParam, GoSignature } from './signature.js';
export { sprint, sprintf, sprintln, goTypeName, GO_TYPE, typedSlice, nilSlice, isNilSlice } from './fmt.js';
export { isTrue } from './builtins.js';
export { formatFloat, quote } from './strconv.js';
export type { FuncMap, GoValue } from './values.js';

export interface TemplateOptions {
  funcs?: FuncMap;
  /** Go's `missingkey=` option; `default` and `invalid` print `<no value>`. */
  missingKey?: 'default' | 'invalid' | 'zero' | 'error';
  /**
   * `{{range 3}}` iterates 0, 1, 2 (Go 1.24+, the default). False for Go 1.23 and before, where it
   * fails with "range can't iterate over 3" — helm 3.17 is built with Go 1.23.
   */
  rangeOverInt?: boolean;
}

/** A parse or execution failure, with Go's exact message. */
export class TemplateError extends Error {
  override name = 'TemplateError';
}

const BUILTIN_NAMES = new Set([...Object.keys(BUILTINS), 'and', 'or', 'call']);

/** A set of named templates sharing functions and options (Go's `*template.Template`). */
export class Templates {
  private readonly trees = new Map<string, Tree>();
  private readonly funcs: FuncMap = {};
  private readonly missingKey: 'default' | 'invalid' | 'zero' | 'error';
  private readonly rangeOverInt: boolean;
  private readonly env: ExecEnv;
  /** Nesting of `execute` calls (re-entrant through functions such as Helm's `include`). */
  private active = 0;

  constructor(options: TemplateOptions = {}) {
    this.missingKey = options.missingKey ?? 'default';
    this.rangeOverInt = options.rangeOverInt ?? true;
    if (options.funcs) this.addFuncs(options.funcs);
    this.env = {
      lookup: (name) => this.trees.get(name),
      func: (name) => (Object.prototype.hasOwnProperty.call(this.funcs, name) ? this.funcs[name] : undefined),
      missingKey: this.missingKey,
      rangeOverInt: this.rangeOverInt,
    };
  }

  /** Adds functions (Go's `Template.Funcs`); they override builtins of the same name. */
  addFuncs(funcs: FuncMap): void {
    for (const [name, fn] of Object.entries(funcs)) {
      if (!/^[\p{L}_][\p{L}\p{Nd}_]*$/u.test(name)) throw new TemplateError(`function name ${JSON.stringify(name)} is not a valid identifier`);
      if (typeof fn !== 'function') throw new TemplateError(`value for ${name} not a function`);
      this.funcs[name] = fn;
    }
  }

  /**
   * Parses `text` as template `name`. Its `{{define}}`/`{{block}}` templates join the set; a later
   * definition replaces an earlier one, except that an empty body never replaces a non-empty one.
   */
  parse(name: string, text: string): void {
    let trees: Map<string, Tree>;
    try {
      trees = parseTemplates(name, text, (fn) => BUILTIN_NAMES.has(fn) || Object.prototype.hasOwnProperty.call(this.funcs, fn));
    } catch (e) {
      if (e instanceof ParseError) throw new TemplateError(e.message, { cause: e });
      throw e;
    }
    for (const [n, tree] of trees) {
      const old = this.trees.get(n);
      if (old !== undefined && isEmptyTree(tree.root)) continue;
      this.trees.set(n, tree);
    }
  }

  /**
   * A copy of the set (Go's `Template.Clone`): same functions and templates, but later `parse` and
   * `addFuncs` calls on either side do not affect the other. Helm's `tpl` renders in a clone.
   */
  clone(): Templates {
    const copy = new Templates({ funcs: this.funcs, missingKey: this.missingKey, rangeOverInt: this.rangeOverInt });
    for (const [name, tree] of this.trees) copy.trees.set(name, tree);
    return copy;
  }

  has(name: string): boolean {
    return this.trees.has(name);
  }

  names(): string[] {
    return [...this.trees.keys()].sort();
  }

  /** Executes template `name` with `data` as dot and `$`. */
  execute(name: string, data: GoValue): string {
    const tree = this.trees.get(name);
    if (tree === undefined) {
      throw new TemplateError(`template: no template ${JSON.stringify(name)} associated with template ${JSON.stringify(name)}`);
    }
    this.active++;
    try {
      return execute(this.env, tree, data);
    } catch (e) {
      if (e instanceof ExecError) throw new TemplateError(e.message, { cause: e });
      // Out of stack: unwind to the outermost execute before building a message.
      if (isStackOverflow(e)) {
        if (this.active > 1) throw e;
        throw new TemplateError(`template: ${name}: exceeded maximum template depth (${MAX_EXEC_DEPTH})`, { cause: e });
      }
      throw e;
    } finally {
      this.active--;
    }
  }
}
