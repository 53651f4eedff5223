/**
 * Properties of the Helm renderer's pieces: `toYaml`/`fromYaml` (and `toJson`/`fromJson`) round
 * trips on random JSON-like values, the laws of values coalescing (`coalesceValues`, `mergeMaps`),
 * and `printf` with random verbs, flags, widths and precisions agreeing with the real helm 3.17.2
 * (all cases in one helm run).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { coalesceValues, mergeMaps } from '../../src/helm/chart/coalesce.js';
import { loadChartFromFiles } from '../../src/helm/chart/load.js';
import { funcMap } from '../../src/helm/funcs/index.js';
import { sprintf } from '../../src/helm/template/fmt.js';
import type { GoMap, GoValue } from '../../src/helm/template/values.js';
import { renderWithHelm } from './funcs/helm-oracle.js';

const SEED = 20261130;
const f = funcMap({ include: () => '', tpl: () => '' }, { random: () => 0.5 });
const call = (name: string, ...args: GoValue[]): GoValue => (f[name] as (...a: GoValue[]) => GoValue)(...args);

/** Characters YAML and Go quote in interesting ways (plain, quoted, escaped, multi-byte). */
const CHARS = [...'ab z09:#-?{}[],&*!|>\'"%@`\\\n\t~.é日😀', '\u0001', '\u00a0'];
const text = fc.array(fc.constantFrom(...CHARS), { maxLength: 12 }).map((cs) => cs.join(''));
const word = fc.oneof(text, fc.constantFrom('yes', 'no', 'on', 'off', 'null', '~', 'true', '1', '0x1F', '1e3', '.5', '-', '0o7', '1_000', '2001-12-14', '', '.', '-.', '1:20', '.e3', 'x\n', 'a\n\n', ' a\n b'));
/** float64 as values.yaml gives them (no NaN/±Inf, -0 read as 0). */
const float = fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? 0 : x));
const scalar: fc.Arbitrary<GoValue> = fc.oneof(word, float, fc.integer({ min: -1000, max: 1000 }), fc.boolean(), fc.constant(null));
const key = word.filter((k) => k !== '<<');
const { tree } = fc.letrec<{ tree: GoValue; map: GoMap }>((tie) => ({
  tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('tree'), { maxLength: 4 }), tie('map')),
  map: fc.dictionary(key, tie('tree'), { maxKeys: 5 }).map((m) => ({ ...m })),
}));
const map = fc.dictionary(key, tree, { maxKeys: 6 }).map((m) => ({ ...m }) as GoMap);

describe('toYaml / fromYaml', () => {
  // Helm's toYaml trims the document's final newline, so a block scalar that ends the document
  // comes back without its own ("a: |\n  x" → "x", as go-yaml reads it): put the newline back.
  it('fromYaml (toYaml m + newline) gives m back for any map of JSON-like values', () => {
    fc.assert(
      fc.property(map, (m) => {
        expect(call('fromYaml', `${call('toYaml', m)}\n`)).toEqual(m);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });


  it('fromJson (toJson m) gives m back for any map of JSON-like values (Helm\'s fromJson wants an object)', () => {
    fc.assert(
      fc.property(map, (v) => {
        expect(call('fromJson', call('toJson', v))).toEqual(v);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('toYaml of a map is a fixpoint of fromYaml then toYaml', () => {
    fc.assert(
      fc.property(map, (m) => {
        const y = call('toYaml', m);
        expect(call('toYaml', call('fromYaml', `${y}\n`))).toBe(y);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});

/** A chart whose values.yaml is `defaults` (as JSON, numbers read as float64 as Helm does). */
function chartWith(defaults: GoMap) {
  return loadChartFromFiles({ 'Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n', 'values.yaml': JSON.stringify(defaults) });
}

const isMap = (v: unknown): v is GoMap => typeof v === 'object' && v !== null && !Array.isArray(v);

describe('values coalescing', () => {
  it('mergeMaps: {} is an identity on both sides', () => {
    fc.assert(
      fc.property(map, (a) => {
        expect(mergeMaps(a, {})).toEqual(a);
        expect(mergeMaps({}, a)).toEqual(a);
      }),
      { seed: SEED },
    );
  });

  it('mergeMaps: the later map wins on every key, maps merge deeply, and merging is associative', () => {
    fc.assert(
      fc.property(map, map, map, (a, b, c) => {
        const ab = mergeMaps(a, b);
        for (const [k, v] of Object.entries(b)) {
          if (isMap(v) && isMap(a[k])) expect(ab[k]).toEqual(mergeMaps(a[k], v));
          else expect(ab[k]).toEqual(v);
        }
        for (const k of Object.keys(a)) if (!(k in b)) expect(ab[k]).toEqual(a[k]);
        expect(mergeMaps(ab, c)).toEqual(mergeMaps(a, mergeMaps(b, c)));
        expect(mergeMaps(ab, b)).toEqual(ab); // idempotent on the right
      }),
      { seed: SEED },
    );
  });

  it('coalesceValues: no user values gives the chart defaults; no defaults gives the user values', () => {
    fc.assert(
      fc.property(map, (d) => {
        const json = JSON.parse(JSON.stringify(d)) as GoMap;
        expect(coalesceValues(chartWith(json), {})).toEqual(json);
        expect(coalesceValues(chartWith({}), json)).toEqual(json);
      }),
      { seed: SEED },
    );
  });

  it('coalesceValues: user values win, maps merge, null deletes a default, and the input is not changed', () => {
    fc.assert(
      fc.property(map, map, (d0, u0) => {
        const d = JSON.parse(JSON.stringify(d0)) as GoMap;
        const u = JSON.parse(JSON.stringify(u0)) as GoMap;
        const before = structuredClone(u);
        const out = coalesceValues(chartWith(d), u);
        expect(u).toEqual(before);
        for (const [k, v] of Object.entries(u)) {
          if (v === null) {
            // a null deletes what the chart has; a key the chart lacks keeps its null
            if (k in d) expect(Object.hasOwn(out, k), k).toBe(false);
            else expect(out[k]).toBeNull();
          } else if (isMap(v) && isMap(d[k])) expect(isMap(out[k])).toBe(true);
          else expect(out[k]).toEqual(v);
        }
        for (const [k, v] of Object.entries(d)) if (!(k in u)) expect(out[k]).toEqual(v);
        // nested: a user null under a map the chart also has removes that key there too
        for (const [k, v] of Object.entries(u)) {
          const dk = d[k];
          if (!isMap(v) || !isMap(dk)) continue;
          for (const [k2, v2] of Object.entries(v)) {
            if (v2 === null && k2 in dk) expect(Object.hasOwn(out[k] as GoMap, k2), k2).toBe(false);
          }
          for (const [k2, v2] of Object.entries(dk)) if (!(k2 in v) && !isMap(v2)) expect((out[k] as GoMap)[k2]).toEqual(v2);
        }
      }),
      { seed: SEED },
    );
  });
});

describe('printf against helm 3.17.2', () => {
  type Arg = { kind: 'int'; v: bigint } | { kind: 'float'; v: number } | { kind: 'str'; v: string } | { kind: 'bool'; v: boolean };
  const arg: fc.Arbitrary<Arg> = fc.oneof(
    fc.oneof(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), fc.bigInt({ min: -1000n, max: 70000n })).map((v) => ({ kind: 'int' as const, v })),
    fc.oneof(float, fc.constantFrom(0.1, 1.5, 1e6, 1e21, 1e-7, 123456.789, -2.5, 5e-324, 1.7976931348623157e308)).map((v) => ({ kind: 'float' as const, v })),
    text.map((v) => ({ kind: 'str' as const, v })),
    fc.boolean().map((v) => ({ kind: 'bool' as const, v })),
  );
  const spec = fc.record({
    flags: fc.subarray(['+', '-', '#', ' ', '0']),
    width: fc.option(fc.integer({ min: 0, max: 12 })),
    prec: fc.option(fc.integer({ min: 0, max: 8 })),
    verb: fc.constantFrom(...'vdsqxXobeEfFgGtcUT'),
  });
  const printfCase = fc.record({ spec, arg, before: fc.constantFrom('', 'x=', '[', ' '), after: fc.constantFrom('', ']', ' |') });
  const cases = fc.sample(printfCase, { seed: SEED, numRuns: 400 });
  const fmtOf = (c: (typeof cases)[number]) => `${c.before}%${c.spec.flags.join('')}${c.spec.width ?? ''}${c.spec.prec === null ? '' : `.${c.spec.prec}`}${c.spec.verb}${c.after}`;
  // Floats and strings reach helm through values (exact float64 from JSON); ints and bools as literals.
  const values: Record<string, GoValue> = {};
  const templates = cases.map((c, i) => {
    const a = c.arg;
    let operand: string;
    if (a.kind === 'int' || a.kind === 'bool') operand = String(a.v);
    else {
      values[`a${i}`] = a.v;
      operand = `.Values.a${i}`;
    }
    return `{{ printf ${JSON.stringify(fmtOf(c))} ${operand} }}`;
  });
  let theirs: string[];
  beforeAll(async () => {
    theirs = await renderWithHelm(templates, values);
  });

  it('formats random ints, floats, strings and bools with random verbs and flags as helm does', () => {
    const diffs = cases.flatMap((c, i) => {
      const ours = sprintf(fmtOf(c), c.arg.v);
      return ours === theirs[i] ? [] : [{ template: templates[i], arg: String(c.arg.v), ours, helm: theirs[i] }];
    });
    expect(diffs).toEqual([]);
  });
});
