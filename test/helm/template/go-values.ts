/**
 * Builds the Go test values of `text/template/exec_test.go` from the JSON encoding used in
 * `test/fixtures/text-template/*.json` (see each file's `encoding`), with the methods and
 * function fields the Go tests give them.
 */
import { GO_TYPE, goFunc, sprint, sprintf, sprintln } from '../../../src/helm/template/index.js';
import type { FuncMap, GoValue } from '../../../src/helm/template/index.js';

/** Thrown while decoding a value Go has and JavaScript cannot represent. */
export class Unsupported extends Error {}

class GoStruct {
  [key: string]: unknown;
}

export class T extends GoStruct {
  static [GO_TYPE] = '*template.T';
}
export class U extends GoStruct {
  static [GO_TYPE] = '*template.U';
}
export class V extends GoStruct {
  static [GO_TYPE] = '*template.V';
}
export class W extends GoStruct {
  static [GO_TYPE] = '*template.W';
}
class Anon extends GoStruct {
  static [GO_TYPE] = 'struct { a int; b string }';
}
class CmpStruct extends GoStruct {}
class Stringer {
  static [GO_TYPE] = '*bytes.Buffer';
  constructor(private readonly text: string) {}
  String(): string {
    return this.text;
  }
}

const proto = (c: { prototype: object }, methods: Record<string, Function>): void => {
  for (const [name, fn] of Object.entries(methods)) {
    Object.defineProperty(c.prototype, name, { value: fn, enumerable: false, writable: true });
  }
};

proto(T, {
  Method0: goFunc([], () => 'M0'),
  Method1: goFunc(['int'], (a) => a),
  Method2: goFunc(['int', 'string'], (a, b) => sprintf('Method2: %d %s', a, b)),
  Method3: goFunc(['any'], (v) => sprintf('Method3: %v', v)),
  Copy: goFunc([], function (this: T) {
    return Object.assign(new T(), this);
  }),
  MAdd: goFunc(['int', 'slice'], (a, b) => (b as bigint[]).map((x) => x + (a as bigint))),
  MyError: goFunc(['bool'], (e) => {
    if (e) throw new Error('my error');
    return false;
  }),
  GetU: goFunc([], function (this: T) {
    return this.U;
  }),
});
proto(U, { TrueFalse: goFunc(['bool'], (b) => (b ? 'true' : '')) });
proto(V, {
  String: goFunc([], function (this: V) {
    return sprintf('<%d>', this.j);
  }),
});
proto(W, {
  Error: goFunc([], function (this: W) {
    return sprintf('[%d]', this.k);
  }),
});

const STRUCTS: Record<string, new () => GoStruct> = { T, U, V, W, anon: Anon, cmpStruct: CmpStruct };

/** Func-valued struct fields of tVal. */
const FUNC_FIELDS: Record<string, Function> = {
  BinaryFunc: goFunc(['string', 'string'], (a, b) => `[${a}=${b}]`),
  VariadicFunc: goFunc({ params: [], variadic: 'string' }, (...s) => sprint('<', s.join('+'), '>')),
  VariadicFuncInt: goFunc({ params: ['int'], variadic: 'string' }, (a, ...s) => sprint(a, '=<', s.join('+'), '>')),
  NilOKFunc: goFunc(['any'], (s) => s === null),
  ErrFunc: goFunc([], () => 'bla'),
  PanicFunc: goFunc([], () => {
    throw new Error('test panic');
  }),
};

/** The FuncMap of Go's testExecute. */
export const TEST_FUNCS: FuncMap = {
  add: goFunc({ params: [], variadic: 'int' }, (...xs) => (xs as bigint[]).reduce((a, b) => a + b, 0n)),
  dddArg: goFunc({ params: ['int'], variadic: 'string' }, (a, ...b) => sprintln(a, b)),
  die: goFunc([], () => {
    throw new Error('die');
  }),
  echo: goFunc(['any'], (a) => a),
  makemap: goFunc({ params: [], variadic: 'string' }, (...args) => {
    if (args.length % 2 !== 0) throw new Error('bad makemap');
    const m: Record<string, GoValue> = {};
    for (let i = 0; i < args.length; i += 2) m[args[i] as string] = args[i + 1];
    return m;
  }),
  mapOfThree: goFunc([], () => ({ three: 3n })),
  oneArg: goFunc(['string'], (a) => `oneArg=${a}`),
  returnInt: goFunc([], () => 7n),
  stringer: goFunc(['any'], (s) => (s as Stringer).String()),
  twoArgs: goFunc(['string', 'string'], (a, b) => `twoArgs=${a}${b}`),
  typeOf: goFunc(['any'], (a) => sprintf('%T', a)),
  valueString: goFunc(['string'], () => 'value is ignored'),
  vfunc: goFunc(['any', 'any'], () => 'vfunc'),
  zeroArgs: goFunc([], () => 'zeroArgs'),
};

/** Decodes one encoded value; `refs` resolves `$ref`. */
export function decode(v: unknown, refs: Record<string, unknown> = {}): GoValue {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((e) => decode(e, refs));
  const o = v as Record<string, unknown>;
  if ('$int' in o) return BigInt(o.$int as string);
  if ('$bytes' in o) return Uint8Array.from(Buffer.from(o.$bytes as string, 'hex'));
  if ('$float' in o) return { '+Inf': Infinity, '-Inf': -Infinity, NaN: NaN }[o.$float as string];
  if ('$rune' in o) return BigInt((o.$rune as string).codePointAt(0)!);
  if ('$ref' in o) return decode(refs[o.$ref as string], refs);
  if ('$nil' in o) return null;
  if ('$stringer' in o) return new Stringer(o.$stringer as string);
  if ('$error' in o) return new Error(o.$error as string);
  if ('$func' in o) return FUNC_FIELDS[o.$func as string];
  if ('$unsupported' in o) throw new Unsupported(o.$unsupported as string);
  if ('$struct' in o) {
    const ctor = STRUCTS[o.$struct as string];
    if (!ctor) throw new Error(`unknown struct ${String(o.$struct)}`);
    const s = new ctor();
    for (const [k, f] of Object.entries((o.fields ?? {}) as Record<string, unknown>)) {
      try {
        s[k] = decode(f, refs);
      } catch (e) {
        // A field Go has but JavaScript cannot hold is left out; tests that use it are skipped.
        if (!(e instanceof Unsupported)) throw e;
      }
    }
    return s;
  }
  const m: Record<string, GoValue> = {};
  for (const [k, e] of Object.entries(o)) m[k] = decode(e, refs);
  return m;
}
