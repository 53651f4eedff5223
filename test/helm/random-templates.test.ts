/**
 * Random templates (test/helm/random-templates.ts) rendered by fluxion and by the real helm
 * 3.17.2, output for output. All cases go into ONE throwaway chart (one template file per case,
 * each case reading its own `.Values.cN`) and helm runs once; a case that makes helm fail (an
 * error aborts the whole run) is taken out and helm is run again without it, so an erroring case
 * costs one more run — the generator is typed to keep that rare. Each case's output reaches the
 * YAML document base64-encoded (see `caseFile`), so any text compares byte for byte. Errors
 * must match too (helm's message without "Error: " and its --debug hint).
 *
 * Measured (helm 3.17.2): 300/300 cases agree at the seed below; 8,000 more cases over other
 * seeds (RANDOM_TEMPLATES_SEED / RANDOM_TEMPLATES_COUNT) also 100% after the fixes pinned in
 * PINNED. Before them the first run agreed on 92.3%. RANDOM_TEMPLATES_REPORT=1 prints the
 * agreement, the disagreeing cases (template, values, both outputs) and the erroring ones.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadChartFromFiles } from '../../src/helm/chart/load.js';
import { renderChartSync } from '../../src/helm/render.js';
import { fromUtf8 } from '../../src/helm/funcs/unicode.js';
import { documents, helm } from './chart/oracle.js';
import { caseFile, randomCases, type TemplateCase } from './random-templates.js';

const SEED = Number(process.env.RANDOM_TEMPLATES_SEED ?? 20261129);
const COUNT = Number(process.env.RANDOM_TEMPLATES_COUNT ?? 300);
const CHART_YAML = 'apiVersion: v2\nname: rt\nversion: 0.1.0\n';

/**
 * Cases known to disagree with helm, by name, with the reason (none at this seed). Disagreements
 * found and not fixed, kept out of the generator because the value model cannot express them:
 * - Go's int vs int64: Sprig's add/sub/mul/div/mod/max/min/add1/int64 return int64, the value
 *   model has one integer type (bigint, printed as `int`), so `typeOf`/`kindIs`/`%T`,
 *   `%!verb(int64=…)` and DeepEqual (`uniq`, `has`: int 0 ≠ int64 0 in Go) differ. The generator
 *   names types only of non-ints and runs `uniq`/`has` on strings and floats.
 * - DeepEqual of a nil and an empty slice (`has (rest (list)) (list (list))` is false in Go).
 * - `snakecase`/`kebabcase` of text with bytes that are not UTF-8 or U+FFFD (xstrings glues
 *   RuneError to the next word; we put a connector around it). Rare: needs `substr`/`trunc` to
 *   cut a rune first.
 * - `splitn` returns map[string]string and `.Files.Lines` []string in Go (`typeOf` differs).
 * - fromYaml of "-0" (int 0 in Go, -0 here) and "_1" (a string in Go).
 * - Outside the funcs: values files (src/helm/chart/yaml.ts) still read "." as NaN and give a
 *   block scalar ending the file without a line break a final newline; fromYaml no longer does.
 * - `range` over an int: helm 3.17.2 is built with Go 1.23 and fails ("range can't iterate over
 *   3"); we now do too (pinned below), so the generator ranges over `until N` instead.
 */
const KNOWN_DISAGREEMENTS: Record<string, string> = {};

/**
 * Templates that once rendered differently (found by the generator), run in the same helm batch.
 * The last ones fail on purpose: each costs one more helm run, and the error text must match.
 */
const PINNED: string[] = [
  // Object.prototype names were read as keywords by the lexer ("unexpected "toString" in command")
  '{{ toString 1 }}|{{ if toString 0 }}t{{ end }}|{{ .constructor }}|{{ .toString }}|{{ (dict).hasOwnProperty }}',
  // typed slices: []string from keys/sortAlpha/splitList/toStrings/regexFindAll, []int from until
  '{{ typeOf (keys (dict)) }}|{{ typeOf (sortAlpha (list)) }}|{{ printf "%T %#v" (splitList "," "a,b") (until 2) }}|{{ typeOf (toStrings (list 1)) }}|{{ typeOf (deepCopy (splitList "" "ab")) }}|{{ typeOf (rest (keys (dict))) }}|{{ typeOf (chunk 1 (list 1)) }}',
  // nil slices: rest/initial of an empty list, concat of nothing, regexFindAll without a match
  '{{ toJson (rest (list)) }}|{{ toYaml (initial (list)) }}|{{ toJson (concat (list) (list)) }}|{{ toJson (regexFindAll "x" "a" -1) }}|{{ printf "%#v" (rest (list)) }}|{{ rest (list) }}|{{ toJson (rest (list 1)) }}|{{ toJson (list) }}',
  // bytes that are not UTF-8 (substr cuts a rune): len, %q, %x, index and lt see bytes
  '{{ $s := substr 0 1 "日本" }}{{ len $s }}|{{ printf "%q %x" $s $s }}|{{ index $s 0 }}|{{ lt $s "日" }}|{{ lt "b" $s }}|{{ len (trunc 1 "é") }}',
  // case mapping re-encodes runes: a byte that is not UTF-8 becomes U+FFFD
  '{{ $b := substr 0 1 "日本" }}{{ upper $b }}|{{ lower (print $b "A") }}|{{ title (print "x" $b) }}|{{ untitle $b }}|{{ swapcase $b }}|{{ camelcase (print $b "a") }}|{{ upper "😀𐂀x" }}',
  // camelcase: connectors only (xstrings writes the last one twice); caps runs after a connector
  '{{ camelcase "-" }}|{{ camelcase "  " }}|{{ camelcase "__" }}|{{ camelcase "-a" }}|{{ camelcase "HELLO WORLD" }}|{{ camelcase "aB_CD" }}|{{ camelcase "X_yZZ" }}|{{ camelcase "fooBAR" }}',
  // fromYaml as go-yaml v2: "." and "1:20" are strings; a block scalar ending the input without a
  // line break has no final newline (so toYaml's trimmed output loses it)
  '{{ fromYaml "a: ." | toJson }}|{{ fromYaml "a: 1:20" | toJson }}|{{ fromYaml "a: 1e400" | toJson }}|{{ fromYaml (toYaml (dict "a" "x\\n")) | toJson }}|{{ fromYaml "a: >\\n  x\\n  y" | toJson }}|{{ fromYaml "a: |\\n  x\\n  " | toJson }}',
  // errors
  '{{ substr 2 5 "a" }}',
  '{{ range 3 }}x{{ end }}',
];

type Outcome = { ok: true; out: string } | { ok: false; error: string };

const decodeOut = (body: string): string => fromUtf8(Buffer.from((parse(body) as { out: string }).out, 'base64'));

function renderOurs(c: TemplateCase): Outcome {
  try {
    const chart = loadChartFromFiles({
      'Chart.yaml': CHART_YAML,
      'values.yaml': JSON.stringify({ [c.name]: c.values }),
      [`templates/${c.name}.yaml`]: caseFile(c),
    });
    const m = renderChartSync(chart, { releaseName: 'r' }).manifests.find((x) => x.source === `rt/templates/${c.name}.yaml`);
    return m ? { ok: true, out: decodeOut(m.content) } : { ok: false, error: 'no output' };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/** Renders all cases with helm: one run, plus one more per case that makes helm fail. */
async function renderHelm(cases: TemplateCase[], dir: string): Promise<{ outcomes: Map<string, Outcome>; runs: number }> {
  const chart = path.join(dir, 'rt');
  await mkdir(path.join(chart, 'templates'), { recursive: true });
  await writeFile(path.join(chart, 'Chart.yaml'), CHART_YAML);
  await writeFile(path.join(chart, 'values.yaml'), JSON.stringify(Object.fromEntries(cases.map((c) => [c.name, c.values]))));
  for (const c of cases) await writeFile(path.join(chart, 'templates', `${c.name}.yaml`), caseFile(c));
  const outcomes = new Map<string, Outcome>();
  for (let runs = 1; runs <= 10; runs++) {
    const r = await helm(['template', 'r', chart]);
    if (r.code === 0) {
      for (const d of documents(r.stdout)) {
        const name = /^rt\/templates\/([cp]\d+)\.yaml$/.exec(d.source)?.[1];
        if (name) outcomes.set(name, { ok: true, out: decodeOut(d.body) });
      }
      return { outcomes, runs };
    }
    const failed = /rt\/templates\/([cp]\d+)\.yaml/.exec(r.stderr)?.[1];
    if (!failed) throw new Error(`helm failed outside any case: ${r.stderr}`);
    outcomes.set(failed, { ok: false, error: r.stderr.replace(/^Error: /, '').replace(/\n\nUse --debug flag to render out invalid YAML\n*$/, '').trim() });
    await rm(path.join(chart, 'templates', `${failed}.yaml`));
  }
  throw new Error(`helm failed on more than 9 cases: the generator makes erroring templates:\n${[...outcomes.values()].map((o) => (o.ok ? '' : o.error)).join('\n')}`);
}

const agree = (a: Outcome | undefined, b: Outcome | undefined): boolean =>
  !!a && !!b && (a.ok && b.ok ? a.out === b.out : !a.ok && !b.ok && a.error === b.error);

const pinned: TemplateCase[] = PINNED.map((main, i) => ({ name: `p${i}`, helpers: [], main, values: {}, features: ['pinned'] }));

describe('random templates against helm 3.17.2', () => {
  const random = randomCases(COUNT, SEED);
  const cases = [...random, ...pinned];
  let dir: string;
  let theirs: Map<string, Outcome>;
  let helmRuns = 0;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fluxion-random-'));
    ({ outcomes: theirs, runs: helmRuns } = await renderHelm(cases, dir));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it(`renders ${COUNT} random templates as helm does (>= 99% agreement, no new disagreement)`, () => {
    const ours = new Map(cases.map((c) => [c.name, renderOurs(c)]));
    const disagreements = random.filter((c) => !agree(ours.get(c.name), theirs.get(c.name)));
    const report = disagreements.map((c) => ({
      name: c.name,
      features: c.features.join(','),
      template: caseFile(c),
      values: JSON.stringify(c.values),
      ours: ours.get(c.name),
      helm: theirs.get(c.name),
    }));
    const agreement = (random.length - disagreements.length) / random.length;
    if (process.env.RANDOM_TEMPLATES_REPORT) {
      const errors = cases.filter((c) => theirs.get(c.name)?.ok === false).map((c) => ({ name: c.name, helm: theirs.get(c.name), ours: ours.get(c.name) }));
      console.log(JSON.stringify({ agreement, helmRuns, report, errors }, null, 2));
    }
    expect(agreement).toBeGreaterThanOrEqual(0.99);
    expect(report.filter((d) => !(d.name in KNOWN_DISAGREEMENTS))).toEqual([]);
  });

  it.each(pinned.map((c) => [c.name, c] as const))('renders pinned template %s as helm does', (_name, c) => {
    expect(renderOurs(c)).toEqual(theirs.get(c.name));
  });

  it('exercises every construct the generator knows', () => {
    const seen = new Set(random.flatMap((c) => c.features));
    for (const f of ['if', 'with', 'range-list', 'range-map', 'range-int', 'define', 'include', 'variable', 'assign', 'trim', 'break', 'printf', 'toYaml', 'toJson', 'dict', 'list', 'get', 'ternary', 'coalesce', 'default', 'compare', 'and', 'or', 'b64enc', 'sha256sum', 'nindent', 'indent']) {
      expect(seen, f).toContain(f);
    }
  });

  it('renders most cases without error on both sides (the generator is typed)', () => {
    const pinnedErrors = 2;
    expect(helmRuns).toBeLessThanOrEqual(1 + pinnedErrors + 3);
    expect(random.filter((c) => theirs.get(c.name)?.ok).length).toBeGreaterThanOrEqual(COUNT - 3);
  });
});
