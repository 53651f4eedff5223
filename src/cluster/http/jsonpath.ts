/**
 * The JSONPath subset CRD `additionalPrinterColumns` use: `.a.b`, `['a.b']`, `[0]`, `[*]`,
 * `..x` is not supported, and filters `[?(@.type=="Ready")]` (==, !=, and bare existence).
 * Returns every match, in document order, as kube's jsonpath does.
 */

type Step = { kind: 'field'; name: string } | { kind: 'index'; index: number } | { kind: 'all' } | { kind: 'filter'; path: string[]; op?: '==' | '!='; value?: string };

function parse(expr: string): Step[] {
  let s = expr.trim();
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1);
  if (s.startsWith('$')) s = s.slice(1);
  const steps: Step[] = [];
  let i = 0;
  while (i < s.length) {
    const ch = s[i];
    if (ch === '.') {
      i++;
      let name = '';
      while (i < s.length && s[i] !== '.' && s[i] !== '[') name += s[i++];
      if (name === '*') steps.push({ kind: 'all' });
      else if (name) steps.push({ kind: 'field', name });
    } else if (ch === '[') {
      const end = s.indexOf(']', s[i + 1] === '?' ? s.indexOf(')', i) : i);
      const inner = s.slice(i + 1, end).trim();
      i = end + 1;
      if (inner === '*') steps.push({ kind: 'all' });
      else if (/^-?\d+$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) });
      else if (/^['"].*['"]$/.test(inner)) steps.push({ kind: 'field', name: inner.slice(1, -1) });
      else if (inner.startsWith('?(')) {
        const body = inner.slice(2, -1).trim();
        const m = /^@((?:\.[\w-]+)+)\s*(?:(==|!=)\s*(?:"([^"]*)"|'([^']*)'|([^\s)]+)))?$/.exec(body);
        if (!m) throw new Error(`unsupported JSONPath filter: ${inner}`);
        const step: Step = { kind: 'filter', path: (m[1] as string).slice(1).split('.') };
        if (m[2]) {
          step.op = m[2] as '==' | '!=';
          step.value = m[3] ?? m[4] ?? m[5] ?? '';
        }
        steps.push(step);
      } else throw new Error(`unsupported JSONPath: ${expr}`);
    } else {
      let name = '';
      while (i < s.length && s[i] !== '.' && s[i] !== '[') name += s[i++];
      steps.push({ kind: 'field', name });
    }
  }
  return steps;
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function evaluateJsonPath(doc: unknown, expr: string): unknown[] {
  let cur: unknown[] = [doc];
  for (const step of parse(expr)) {
    const next: unknown[] = [];
    for (const v of cur) {
      if (step.kind === 'field') {
        if (isMap(v) && v[step.name] !== undefined) next.push(v[step.name]);
      } else if (step.kind === 'index') {
        if (Array.isArray(v)) {
          const x = v[step.index < 0 ? v.length + step.index : step.index];
          if (x !== undefined) next.push(x);
        }
      } else if (step.kind === 'all') {
        if (Array.isArray(v)) next.push(...v);
        else if (isMap(v)) next.push(...Object.values(v));
      } else {
        const items = Array.isArray(v) ? v : [v];
        for (const item of items) {
          let x: unknown = item;
          for (const p of step.path) x = isMap(x) ? x[p] : undefined;
          if (step.op === undefined ? x !== undefined : (String(x ?? '') === step.value) === (step.op === '==')) {
            if (step.op === '!=' && x === undefined) continue;
            next.push(item);
          }
        }
      }
    }
    cur = next;
  }
  return cur;
}
