import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coalesceValues, copyValue } from '../../../src/helm/chart/coalesce.js';
import { checkDependencies, processDependencies } from '../../../src/helm/chart/dependencies.js';
import { loadChart, loadChartFromFiles } from '../../../src/helm/chart/load.js';
import { validateValues } from '../../../src/helm/chart/schema.js';
import { parseSetInto } from '../../../src/helm/chart/strvals.js';
import { cloneChart } from '../../../src/helm/chart/types.js';
import type { Chart } from '../../../src/helm/chart/types.js';
import type { GoMap } from '../../../src/helm/template/values.js';
import { chartCopy, documents, FIXTURES, helm, jsonable, tempDir } from './oracle.js';

function chartWithValues(values: GoMap): Chart {
  const c = loadChartFromFiles({ 'Chart.yaml': 'apiVersion: v2\nname: c\nversion: 1.0.0\n' });
  c.values = values;
  return c;
}

const key = fc.constantFrom('a', 'b', 'c', 'd', 'e');
const scalar = fc.oneof(fc.string({ maxLength: 4 }), fc.integer().map((n) => n + 0.5), fc.boolean());
const tree: fc.Arbitrary<GoMap> = fc.letrec<{ map: GoMap; value: unknown }>((tie) => ({
  map: fc.dictionary(key, tie('value'), { maxKeys: 4 }) as fc.Arbitrary<GoMap>,
  value: fc.oneof({ depthSize: 'small' }, scalar, tie('map')),
})).map as fc.Arbitrary<GoMap>;

function isMap(v: unknown): v is GoMap {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

describe('coalescing values (laws)', () => {
  it('user scalars win, defaults fill, nested maps merge', () => {
    fc.assert(
      fc.property(tree, tree, (defaults, user) => {
        const out = coalesceValues(chartWithValues(copyValue(defaults)), user);
        for (const k of Object.keys(user)) {
          if (!isMap(user[k])) expect(out[k]).toEqual(user[k]);
        }
        for (const k of Object.keys(defaults)) {
          if (!(k in user)) expect(out[k]).toEqual(defaults[k]);
          else if (isMap(user[k]) && isMap(defaults[k])) {
            for (const kk of Object.keys(defaults[k] as GoMap)) expect(kk in (out[k] as GoMap)).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a user null deletes the key, at any depth', () => {
    fc.assert(
      fc.property(tree, fc.array(key, { minLength: 1, maxLength: 3 }), (defaults, p) => {
        const user: GoMap = {};
        let cur = user;
        for (let i = 0; i < p.length - 1; i++) cur = cur[p[i]!] = {} as GoMap;
        cur[p[p.length - 1]!] = null;
        const out = coalesceValues(chartWithValues(copyValue(defaults)), user);
        let d: unknown = defaults;
        let o: unknown = out;
        for (let i = 0; i < p.length - 1; i++) {
          d = isMap(d) ? d[p[i]!] : undefined;
          o = isMap(o) ? o[p[i]!] : undefined;
        }
        const last = p[p.length - 1]!;
        if (isMap(d) && last in d && isMap(o)) expect(last in o).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('never changes its inputs', () => {
    fc.assert(
      fc.property(tree, tree, (defaults, user) => {
        const d = copyValue(defaults);
        const u = copyValue(user);
        coalesceValues(chartWithValues(d), u);
        expect(d).toEqual(defaults);
        expect(u).toEqual(user);
      }),
      { numRuns: 200 },
    );
  });
});

/** Our final values for a chart directory and --set expressions. */
function ours(dir: string, sets: string[]): { values: GoMap; chart: Chart } {
  const chart = cloneChart(loadChart(dir));
  const user: GoMap = {};
  for (const s of sets) parseSetInto(s, user);
  checkDependencies(chart);
  processDependencies(chart, user);
  const values = coalesceValues(chart, user);
  validateValues(chart, values);
  return { values, chart };
}

describe('values and dependencies against helm', () => {
  const dump = '{{ .Values | toJson }}\n';
  it.each([
    ['shop', []],
    ['shop', ['db.enabled=false']],
    ['shop', ['db.enabled=null', 'global.dbEnabled=false']],
    ['shop', ['tags.backend=false', 'redis.enabled=null']],
    ['shop', ['tags.monitoring=true', 'redis.persistence.size=null', 'global.owner.team=x']],
    ['shop', ['data.port=1', 'dbinfo=null']],
    ['legacy', []],
    ['legacy', ['child.enabled=false']],
    ['legacy', ['child.limits.cpu=250m', 'imported.retries=9', 'nullme=null']],
  ])('%s with %j', async (name, sets) => {
    const { dir, cleanup } = await tempDir();
    try {
      const extra: Record<string, string> = { 'templates/zz-dump.yaml': dump };
      if (name === 'shop') extra['charts/cache/templates/zz-dump.yaml'] = dump;
      if (name === 'legacy') extra['charts/child/templates/zz-dump.yaml'] = dump;
      const chartDir = await chartCopy(path.join(FIXTURES, name), dir, extra);
      // Only the dumps render: the fixture's own templates are not written for every value set.
      for (const t of ['templates', 'charts/cache/templates', 'charts/child/templates']) {
        const d = path.join(chartDir, t);
        for (const f of await readdir(d, { recursive: true }).catch(() => [] as string[])) {
          if (f.endsWith('.yaml') && !f.endsWith('zz-dump.yaml')) await rm(path.join(d, f));
        }
      }
      const r = await helm(['template', chartDir, ...sets.flatMap((s) => ['--set', s])]);
      expect(r.stderr.replace(/.*skipping unknown hook.*\n/, '')).toBe('');
      const docs = documents(r.stdout);
      const { values, chart } = ours(chartDir, sets);
      const top = docs.find((d) => d.source === `${name}/templates/zz-dump.yaml`);
      expect(JSON.parse(top!.body)).toEqual(jsonable(values));
      for (const sub of chart.dependencies) {
        const d = docs.find((x) => x.source === `${name}/charts/${sub.metadata.name}/templates/zz-dump.yaml`);
        if (d) expect(JSON.parse(d.body), sub.metadata.name).toEqual(jsonable(values[sub.metadata.name]));
      }
      const rendered = new Set(docs.map((d) => d.source.split('/templates/')[0]));
      expect([...rendered].sort()).toEqual(
        [name, ...chart.dependencies.filter((d) => d.metadata.type !== 'library').map((d) => `${name}/charts/${d.metadata.name}`)].sort(),
      );
    } finally {
      await cleanup();
    }
  });

  it('reads scalars in a values file as go-yaml does: ".", "1:20", "1e400", 0o octals, a block scalar at the end without a newline', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const values = 'dot: .\ntime: 1:20\nhuge: 1e400\noctal: 0o17\nunder: 1_000\nblock: |\n  last line';
      await mkdir(path.join(dir, 'odd', 'templates'), { recursive: true });
      await writeFile(path.join(dir, 'odd', 'Chart.yaml'), 'apiVersion: v2\nname: odd\nversion: 1.0.0\n');
      await writeFile(path.join(dir, 'odd', 'values.yaml'), values);
      await writeFile(path.join(dir, 'odd', 'templates', 'dump.yaml'), dump);
      const r = await helm(['template', path.join(dir, 'odd')]);
      expect(r.stderr).toBe('');
      const theirs = JSON.parse(documents(r.stdout)[0]!.body) as unknown;
      expect(jsonable(ours(path.join(dir, 'odd'), []).values)).toEqual(theirs);
    } finally {
      await cleanup();
    }
  });

  it.each([
    [['replicaCount=0'], 'shop:\n- replicaCount: Must be greater than or equal to 1\n'],
    [['image.pullPolicy=Sometimes'], 'shop:\n- image.pullPolicy: image.pullPolicy must be one of the following: "Always", "IfNotPresent", "Never"\n'],
    [['image=null'], 'shop:\n- (root): image is required\n'],
    [['redis.port=x'], 'redis:\n- port: Invalid type. Expected: integer, given: string\n'],
  ])('rejects values that break a schema like helm: %j', async (sets, message) => {
    const r = await helm(['template', path.join(FIXTURES, 'shop'), ...sets.flatMap((s) => ['--set', s])]);
    const want = `values don't meet the specifications of the schema(s) in the following chart(s):\n${message}`;
    expect(r.stderr).toContain(want);
    expect(() => ours(path.join(FIXTURES, 'shop'), sets)).toThrow(want);
  });
});
