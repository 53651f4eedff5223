/**
 * Dependency processing before rendering (pkg/chartutil/dependencies.go): resolve aliases,
 * enable or disable subcharts by `tags` and `condition` (the first condition path that resolves
 * to a bool wins), then pull values up from subcharts by `import-values` (`exports.X` strings
 * and `{child, parent}` maps). Works on a chart tree made by `cloneChart`; mutates it.
 */
import type { GoMap, GoValue } from '../template/values.js';
import { isGoMap } from '../template/values.js';
import { coalesceTables, coalesceValues, copyValue } from './coalesce.js';
import { HelmError } from './errors.js';
import { isCompatibleRange } from './semver.js';
import type { Chart, ChartDependency } from './types.js';

/** `Values.Table(path)`: the map at a dotted path, or undefined. */
export function valuesTable(v: GoMap, path: string): GoMap | undefined {
  let t: GoMap = v;
  for (const n of path.split('.')) {
    if (!(n in t)) return undefined;
    const x = t[n];
    if (!isGoMap(x)) return undefined;
    t = x;
  }
  return t;
}

/** `Values.PathValue(path)`: a non-table value at a dotted path, or undefined. */
function pathValue(v: GoMap, path: string): { value: GoValue } | undefined {
  const parts = path.split('.');
  const key = parts.pop()!;
  const t = parts.length ? valuesTable(v, parts.join('.')) : v;
  if (!t || !(key in t) || isGoMap(t[key])) return undefined;
  return { value: t[key] };
}

function processConditions(reqs: ChartDependency[], cvals: GoMap, cpath: string): void {
  for (const r of reqs) {
    for (const c of (r.condition ?? '').trim().split(',')) {
      if (c.length === 0) continue;
      const pv = pathValue(cvals, cpath + c);
      if (pv && typeof pv.value === 'boolean') {
        r.enabled = pv.value;
        break;
      }
    }
  }
}

function processTags(reqs: ChartDependency[], cvals: GoMap): void {
  const vt = valuesTable(cvals, 'tags');
  if (!vt) return;
  for (const r of reqs) {
    let hasTrue = false;
    let hasFalse = false;
    for (const k of r.tags ?? []) {
      const b = vt[k];
      if (typeof b === 'boolean') {
        if (b) hasTrue = true;
        else hasFalse = true;
      }
    }
    if (!hasTrue && hasFalse) r.enabled = false;
    else r.enabled = true;
  }
}

function aliasDependency(charts: Chart[], dep: ChartDependency): Chart | undefined {
  for (const c of charts) {
    if (c.metadata.name !== dep.name) continue;
    if (!isCompatibleRange(dep.version, c.metadata.version)) continue;
    const out: Chart = { ...c, metadata: { ...c.metadata } };
    if (dep.alias) out.metadata.name = dep.alias;
    // Children keep pointing at the original parent object; re-parent them to the copy.
    out.dependencies = c.dependencies.map((d) => ({ ...d, parent: out }));
    return out;
  }
  return undefined;
}

function setDependencies(c: Chart, deps: Chart[]): void {
  for (const d of deps) d.parent = c;
  c.dependencies = deps;
}

function processEnabled(c: Chart, v: GoMap, path: string): void {
  const reqs = c.metadata.dependencies;
  if (!reqs) return;
  const chartDeps: Chart[] = [];
  outer: for (const existing of c.dependencies) {
    for (const req of reqs) {
      if (existing.metadata.name === req.name && isCompatibleRange(req.version, existing.metadata.version)) continue outer;
    }
    chartDeps.push(existing);
  }
  for (const req of reqs) {
    const dep = aliasDependency(c.dependencies, req);
    if (dep) chartDeps.push(dep);
    if (req.alias) req.name = req.alias;
  }
  setDependencies(c, chartDeps);
  for (const r of reqs) r.enabled = true;
  const cvals = coalesceValues(c, v);
  processTags(reqs, cvals);
  processConditions(reqs, cvals, path);
  const rm = new Set(reqs.filter((r) => !r.enabled).map((r) => r.name));
  const cd = c.dependencies.filter((d) => !rm.has(d.metadata.name));
  const cdMeta = reqs.filter((r) => !rm.has(r.name));
  for (const t of cd) processEnabled(t, cvals, `${path}${t.metadata.name}.`);
  c.metadata.dependencies = cdMeta;
  setDependencies(c, cd);
}

function pathToMap(path: string, data: GoMap): GoMap {
  if (path === '.') return data;
  let cur: GoMap = data;
  const parts = path.split('.');
  for (let i = parts.length - 1; i >= 0; i--) cur = { [parts[i]!]: cur };
  return cur;
}

function processImportValues(c: Chart, merge: boolean): void {
  const reqs = c.metadata.dependencies;
  if (!reqs) return;
  const cvals = coalesceValues(c, undefined, merge);
  let b: GoMap = {};
  for (const r of reqs) {
    const outiv: unknown[] = [];
    for (const riv of r.importValues ?? []) {
      if (isGoMap(riv)) {
        const child = riv.child;
        const parent = riv.parent;
        if (typeof child !== 'string' || typeof parent !== 'string') {
          throw new HelmError(`import-values of dependency ${r.name}: child and parent must be strings`);
        }
        outiv.push({ child, parent });
        const vv = valuesTable(cvals, `${r.name}.${child}`);
        if (!vv) continue;
        b = coalesceTables(b, pathToMap(parent, copyValue(vv)), '', merge);
      } else if (typeof riv === 'string') {
        const child = `exports.${riv}`;
        outiv.push({ child, parent: '.' });
        const vm = valuesTable(cvals, `${r.name}.${child}`);
        if (!vm) continue;
        b = coalesceTables(b, copyValue(vm), '', merge);
      }
    }
    r.importValues = outiv;
  }
  c.values = merge ? coalesceTables(copyValue(cvals), b, '', true) : coalesceTables(trimNil(cvals), b, '', false);
}

function trimNil(v: GoMap): GoMap {
  const out = copyValue(v);
  for (const k of Object.keys(out)) {
    if (out[k] === null) delete out[k];
    else if (isGoMap(out[k])) out[k] = trimNil(out[k] as GoMap);
  }
  return out;
}

function processImports(c: Chart, merge: boolean): void {
  for (const d of c.dependencies) processImports(d, merge);
  processImportValues(c, merge);
}

/** `chartutil.ProcessDependenciesWithMerge(chart, userValues)`, as `helm install/template` runs it. */
export function processDependencies(c: Chart, userValues: GoMap): void {
  processEnabled(c, userValues, '');
  processImports(c, true);
}

/** `action.CheckDependencies`: every dependency in Chart.yaml must be present in charts/. */
export function checkDependencies(c: Chart): void {
  const reqs = c.metadata.dependencies;
  if (!reqs) return;
  const missing = reqs.filter((r) => !c.dependencies.some((d) => d.metadata.name === r.name)).map((r) => r.name);
  if (missing.length) {
    throw new HelmError(
      `An error occurred while checking for chart dependencies. You may need to run \`helm dependency build\` to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: ${missing.join(', ')}`,
    );
  }
}
