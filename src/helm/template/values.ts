/**
 * How Go values are represented in JavaScript by the template engine, the Sprig functions and
 * Helm's functions. Every module under `src/helm` follows this model, so a value produced by one
 * function can be passed to any other exactly as in Go.
 *
 * | Go                                   | JavaScript                                   |
 * |--------------------------------------|----------------------------------------------|
 * | `string`                             | `string`                                     |
 * | `bool`                               | `boolean`                                    |
 * | `float64` (every number in values)   | `number`                                     |
 * | `int`, `int64` (literals, `len`, math)| `bigint`                                    |
 * | `nil`                                | `null`                                       |
 * | `map[string]interface{}`             | plain object (`Object.getPrototypeOf(x) === Object.prototype` or `null`) |
 * | `[]interface{}`                      | `Array`                                      |
 * | `[]byte`                             | `Uint8Array`                                 |
 * | struct with fields and methods       | class instance: own/prototype properties are fields, functions are methods |
 *
 * Helm reads values files through JSON, so every number in `.Values` is a float64 (`number`);
 * `--set` and template literals produce ints (`bigint`). Keeping the two apart is what makes
 * `printf "%v"`, `toYaml`, `eq` and `kindOf` behave as they do in Helm.
 *
 * A missing map key evaluates to `undefined` internally (Go's invalid `reflect.Value`); it prints
 * as `<no value>` and behaves as `nil` when passed to functions.
 */

/** Any value the engine handles. */
export type GoValue = unknown;

/** A Go map (`map[string]interface{}`). */
export type GoMap = { [key: string]: GoValue };

/** Go's reflect.Kind names, as Sprig's `kindOf` reports them. */
export type GoKind =
  | 'invalid'
  | 'bool'
  | 'int'
  | 'int64'
  | 'float64'
  | 'string'
  | 'map'
  | 'slice'
  | 'struct'
  | 'ptr'
  | 'func';

export function isGoMap(value: GoValue): value is GoMap {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function isGoSlice(value: GoValue): value is GoValue[] {
  return Array.isArray(value);
}

export function isGoInt(value: GoValue): value is bigint {
  return typeof value === 'bigint';
}

/** Function signature for template functions: plain arguments in, one value out; throw to fail. */
export type TemplateFunction = (...args: GoValue[]) => GoValue;

/** A function table: name → implementation (like Go's `template.FuncMap`). */
export type FuncMap = Record<string, TemplateFunction>;
