/** Sprig's numeric functions (numeric.go): int64 math via cast, float math via shopspring/decimal. */
import type { FuncMap, GoValue } from '../template/values.js';
import { typedSlice } from '../template/fmt.js';
import { argAny, argInt, argString, arity, fmtV, formatFloat, parseGoInt, toFloat64, toInt64, wrapInt64 } from './go.js';

/** A float64 parameter: Go converts numeric constants; we accept float64 and int values. */
function argFloat(v: GoValue, fn: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v === null || v === undefined) throw new Error(`${fn}: invalid value; expected float64`);
  throw new Error(`${fn}: wrong type for value; expected float64; got ${typeof v}`);
}

/** A decimal number: coefficient × 10^exp (shopspring/decimal). */
interface Dec {
  c: bigint;
  e: number;
}

function decFromFloat(f: number): Dec {
  if (!Number.isFinite(f)) throw new Error(`Cannot create a Decimal from ${formatFloat(f)}`);
  const s = f.toExponential();
  const [m, ex] = s.split('e') as [string, string];
  const frac = m.split('.')[1] ?? '';
  return { c: BigInt(m.replace('.', '')), e: Number(ex) - frac.length };
}

function align(a: Dec, b: Dec): [bigint, bigint, number] {
  const e = Math.min(a.e, b.e);
  return [a.c * 10n ** BigInt(a.e - e), b.c * 10n ** BigInt(b.e - e), e];
}

function decToFloat(d: Dec): number {
  return Number(`${d.c}e${d.e}`);
}

const DIVISION_PRECISION = 16;

function decOp(op: 'add' | 'sub' | 'mul' | 'div', a: Dec, b: Dec): Dec {
  switch (op) {
    case 'add': {
      const [x, y, e] = align(a, b);
      return { c: x + y, e };
    }
    case 'sub': {
      const [x, y, e] = align(a, b);
      return { c: x - y, e };
    }
    case 'mul':
      return { c: a.c * b.c, e: a.e + b.e };
    case 'div': {
      if (b.c === 0n) throw new Error('decimal division by 0');
      // Round the quotient half away from zero to DIVISION_PRECISION digits after the point.
      const shift = DIVISION_PRECISION + 1 + a.e - b.e;
      let num = a.c;
      let den = b.c;
      if (shift >= 0) num *= 10n ** BigInt(shift);
      else den *= 10n ** BigInt(-shift);
      let q = num / den;
      const neg = q < 0n || (q === 0n && (num < 0n) !== (den < 0n));
      const absQ = q < 0n ? -q : q;
      const last = absQ % 10n;
      let r = absQ / 10n;
      if (last >= 5n) r += 1n;
      q = neg ? -r : r;
      return { c: q, e: -DIVISION_PRECISION };
    }
  }
}

function decimalOp(op: 'add' | 'sub' | 'mul' | 'div', first: GoValue, rest: GoValue[]): number {
  let acc = decFromFloat(toFloat64(first));
  for (const x of rest) acc = decOp(op, acc, decFromFloat(toFloat64(x)));
  return decToFloat(acc);
}

/** untilStep as in Sprig, returning Go ints. */
export function untilStep(start: number, stop: number, step: number): bigint[] {
  const v: bigint[] = [];
  if (stop < start) {
    if (step >= 0) return v;
    for (let i = start; i > stop; i += step) v.push(BigInt(i));
    return v;
  }
  if (step <= 0) return v;
  for (let i = start; i < stop; i += step) v.push(BigInt(i));
  return v;
}

function seq(params: number[]): string {
  let increment = 1;
  const str = (xs: bigint[]): string => xs.join(' ');
  switch (params.length) {
    case 1: {
      const end = params[0]!;
      if (end < 1) increment = -1;
      return str(untilStep(1, end + increment, increment));
    }
    case 2: {
      const [start, end] = params as [number, number];
      const step = end < start ? -1 : 1;
      return str(untilStep(start, end + step, step));
    }
    case 3: {
      const [start, step, end] = params as [number, number, number];
      if (end < start) {
        increment = -1;
        if (step > 0) return '';
      }
      return str(untilStep(start, end + increment, step));
    }
    default:
      return '';
  }
}

/** Numeric functions of Sprig. */
export function mathFuncs(random: () => number): FuncMap {
  const int64Fn = (fn: string, n: number, f: (...xs: bigint[]) => bigint) => (...a: GoValue[]) => {
    arity(a, fn, n);
    return wrapInt64(f(...a.map(toInt64)));
  };
  return {
    atoi: (...a) => {
      arity(a, 'atoi', 1);
      const s = argString(a[0], 'atoi');
      if (!/^[+-]?\d+$/.test(s)) return 0n;
      // strconv.Atoi clamps out-of-range values (Sprig ignores the error).
      const n = BigInt(s);
      return n > (1n << 63n) - 1n ? (1n << 63n) - 1n : n < -(1n << 63n) ? -(1n << 63n) : n;
    },
    int64: (...a) => toInt64(argAny(a[0])),
    int: (...a) => toInt64(argAny(a[0])),
    float64: (...a) => toFloat64(argAny(a[0])),
    seq: (...a) => seq(a.map((x) => argInt(x, 'seq'))),
    toDecimal: (...a) => {
      arity(a, 'toDecimal', 1);
      return parseGoInt(fmtV(argAny(a[0])), 8) ?? 0n;
    },
    until: (...a) => {
      arity(a, 'until', 1);
      const c = argInt(a[0], 'until');
      return typedSlice(untilStep(0, c, c < 0 ? -1 : 1), '[]int');
    },
    untilStep: (...a) => {
      arity(a, 'untilStep', 3);
      return typedSlice(untilStep(argInt(a[0], 'untilStep'), argInt(a[1], 'untilStep'), argInt(a[2], 'untilStep')), '[]int');
    },
    add1: int64Fn('add1', 1, (x) => x + 1n),
    add: (...a) => wrapInt64(a.reduce<bigint>((acc, x) => wrapInt64(acc + toInt64(x)), 0n)),
    sub: int64Fn('sub', 2, (x, y) => x - y),
    div: int64Fn('div', 2, (x, y) => {
      if (y === 0n) throw new Error('runtime error: integer divide by zero');
      return x / y;
    }),
    mod: int64Fn('mod', 2, (x, y) => {
      if (y === 0n) throw new Error('runtime error: integer divide by zero');
      return x % y;
    }),
    mul: (...a) => {
      if (a.length < 1) arity(a, 'mul', 1, Infinity);
      return a.slice(1).reduce<bigint>((acc, x) => wrapInt64(acc * toInt64(x)), toInt64(a[0]));
    },
    randInt: (...a) => {
      arity(a, 'randInt', 2);
      const min = argInt(a[0], 'randInt');
      const max = argInt(a[1], 'randInt');
      if (max - min <= 0) throw new Error('invalid argument to Intn');
      return BigInt(Math.floor(random() * (max - min)) + min);
    },
    add1f: (...a) => {
      arity(a, 'add1f', 1);
      return decimalOp('add', a[0], [1n]);
    },
    addf: (...a) => decimalOp('add', 0, a),
    subf: (...a) => {
      if (a.length < 1) arity(a, 'subf', 1, Infinity);
      return decimalOp('sub', a[0], a.slice(1));
    },
    divf: (...a) => {
      if (a.length < 1) arity(a, 'divf', 1, Infinity);
      return decimalOp('div', a[0], a.slice(1));
    },
    mulf: (...a) => {
      if (a.length < 1) arity(a, 'mulf', 1, Infinity);
      return decimalOp('mul', a[0], a.slice(1));
    },
    biggest: (...a) => maxInt(a, 'biggest'),
    max: (...a) => maxInt(a, 'max'),
    min: (...a) => {
      if (a.length < 1) arity(a, 'min', 1, Infinity);
      return a.map(toInt64).reduce((x, y) => (y < x ? y : x));
    },
    maxf: (...a) => {
      if (a.length < 1) arity(a, 'maxf', 1, Infinity);
      return a.map(toFloat64).reduce((x, y) => goMax(x, y));
    },
    minf: (...a) => {
      if (a.length < 1) arity(a, 'minf', 1, Infinity);
      return a.map(toFloat64).reduce((x, y) => goMin(x, y));
    },
    ceil: (...a) => Math.ceil(toFloat64(a[0])),
    floor: (...a) => Math.floor(toFloat64(a[0])),
    round: (...a) => {
      arity(a, 'round', 2, Infinity);
      const roundOn = a.length > 2 ? argFloat(a[2], 'round') : 0.5;
      const val = toFloat64(a[0]);
      const pow = 10 ** argInt(a[1], 'round');
      const digit = pow * val;
      const frac = digit - Math.trunc(digit);
      return (frac >= roundOn ? Math.ceil(digit) : Math.floor(digit)) / pow;
    },
  };
}

function maxInt(a: GoValue[], fn: string): bigint {
  if (a.length < 1) arity(a, fn, 1, Infinity);
  return a.map(toInt64).reduce((x, y) => (y > x ? y : x));
}

function goMax(x: number, y: number): number {
  if (x === Infinity || y === Infinity) return Infinity;
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x === 0 && y === 0) return Object.is(x, -0) ? y : x;
  return x > y ? x : y;
}

function goMin(x: number, y: number): number {
  if (x === -Infinity || y === -Infinity) return -Infinity;
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x === 0 && y === 0) return Object.is(x, -0) ? x : y;
  return x < y ? x : y;
}
