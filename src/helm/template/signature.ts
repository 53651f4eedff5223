/**
 * Go parameter types for template functions. A plain JS function behaves like Go's
 * `func(...interface{}) (interface{}, error)`: any number of arguments, any types, missing values
 * arrive as `null`. Wrap it with {@link goFunc} to get Go's argument checking instead:
 *
 * ```ts
 * const funcs = { upper: goFunc(['string'], (s) => (s as string).toUpperCase()) };
 * // {{upper 3}}        → expected string; found 3
 * // {{3 | upper}}      → wrong type for value; expected string; got int
 * // {{upper "a" "b"}}  → wrong number of args for upper: want 1 got 2
 * ```
 */
import type { TemplateFunction } from './values.js';

/**
 * - `any`: `interface{}` — anything; a missing value becomes `null`.
 * - `value`: `reflect.Value` — anything, passed raw (a missing value stays `undefined`).
 * - `string`, `bool`, `int` (bigint), `float64` (number): exactly that Go type.
 * - `map` (`map[string]interface{}`), `slice` (`[]interface{}`), `bytes` (`[]byte`): or nil.
 */
export type GoParam = 'any' | 'value' | 'string' | 'bool' | 'int' | 'float64' | 'map' | 'slice' | 'bytes';

export interface GoSignature {
  /** Fixed parameters. */
  params: readonly GoParam[];
  /** Element type of a final `...T` parameter, if the function is variadic. */
  variadic?: GoParam;
}

const signatures = new WeakMap<Function, GoSignature>();

/**
 * Declares the Go signature of a template function (or method) and returns the function itself.
 * `params` may be a plain list (fixed arity) or a full {@link GoSignature}.
 */
export function goFunc<F extends TemplateFunction>(params: readonly GoParam[] | GoSignature, fn: F): F {
  const sig: GoSignature = Array.isArray(params) ? { params: params as readonly GoParam[] } : (params as GoSignature);
  signatures.set(fn, sig);
  return fn;
}

/** The declared signature, or the default `(...interface{})`. */
export function signatureOf(fn: Function): GoSignature {
  return signatures.get(fn) ?? { params: [], variadic: 'any' };
}

/** Go's spelling of a parameter type, for error messages. */
export function goParamName(p: GoParam): string {
  switch (p) {
    case 'any':
      return 'interface {}';
    case 'value':
      return 'reflect.Value';
    case 'map':
      return 'map[string]interface {}';
    case 'slice':
      return '[]interface {}';
    case 'bytes':
      return '[]uint8';
    default:
      return p;
  }
}

/** Whether Go's `canBeNil` holds for the parameter type. */
export function canBeNil(p: GoParam): boolean {
  return p === 'any' || p === 'value' || p === 'map' || p === 'slice' || p === 'bytes';
}
