/** Shared helpers for the function tests: Go literals for templates and Go-style printing. */
import type { FuncMap, GoValue } from '../../../src/helm/template/values.js';
import { fmtV, goQuote } from '../../../src/helm/funcs/go.js';

/** A template and the direct call whose printed result must equal what helm renders. */
export interface OracleCase {
  tpl: string;
  call: (f: FuncMap) => GoValue;
  /** Values for `.Values` are shared per batch; cases that need them say so in the template. */
}

/** How text/template prints a pipeline's value (nil → `<no value>`). */
export function goPrint(v: GoValue): string {
  if (v === null || v === undefined) return '<no value>';
  return fmtV(v);
}

/** A Go string literal for a template. */
export function lit(s: string): string {
  return goQuote(s);
}

/** Calls a function by name, failing the test with a readable message when it is missing. */
export function call(f: FuncMap, name: string, ...args: GoValue[]): GoValue {
  const fn = f[name];
  if (!fn) throw new Error(`function ${name} not defined`);
  return fn(...args);
}
