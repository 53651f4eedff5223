/** `replacements`: copy a field of one object into fields of others. */
import { KustomizeError } from './errors.js';
import type { Obj, Resource } from './resource.js';
import type { Selector } from './selector.js';
import { selects } from './selector.js';

export interface Replacement {
  source?: Selector & { fieldPath?: string; options?: { delimiter?: string; index?: number } };
  targets?: {
    select?: Selector;
    reject?: Selector[];
    fieldPaths?: string[];
    options?: { delimiter?: string; index?: number; create?: boolean };
  }[];
}

/** Splits `a.b.[name=x].c` into segments, keeping bracketed parts whole. */
export function splitFieldPath(p: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  for (const ch of p) {
    if (ch === '[') depth++;
    if (ch === ']') depth--;
    if (ch === '.' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => (s.startsWith('[') && s.endsWith(']') && !s.includes('=') ? s.slice(1, -1) : s));
}

function step(cur: any, seg: string, create: boolean): { parent: any; key: string | number } | undefined {
  const m = seg.match(/^\[([^=]+)=(.*)\]$/);
  if (m) {
    if (!Array.isArray(cur)) return undefined;
    const i = cur.findIndex((x) => x && typeof x === 'object' && String(x[m[1]!]) === m[2]);
    if (i < 0) return undefined;
    return { parent: cur, key: i };
  }
  if (Array.isArray(cur)) {
    if (seg === '*') return undefined;
    const i = Number(seg);
    if (!Number.isInteger(i) || i >= cur.length) return undefined;
    return { parent: cur, key: i };
  }
  if (cur && typeof cur === 'object') {
    if (!(seg in cur) && !create) return undefined;
    return { parent: cur, key: seg };
  }
  return undefined;
}

function lookup(o: Obj, path: string): unknown {
  let cur: any = o;
  for (const seg of splitFieldPath(path)) {
    const s = step(cur, seg, false);
    if (!s) return undefined;
    cur = s.parent[s.key];
  }
  return cur;
}

function setAt(o: Obj, path: string, value: unknown, create: boolean, file: string): void {
  const segs = splitFieldPath(path);
  const visit = (cur: any, i: number): void => {
    const seg = segs[i]!;
    if (seg === '*' && Array.isArray(cur)) {
      cur.forEach((_, j) => (i === segs.length - 1 ? (cur[j] = value) : visit(cur[j], i + 1)));
      return;
    }
    const s = step(cur, seg, create);
    if (!s) {
      if (create) throw new KustomizeError(`unable to find or create field ${JSON.stringify(path)} in replacement target`, file);
      return;
    }
    if (i === segs.length - 1) {
      s.parent[s.key] = value;
      return;
    }
    if (s.parent[s.key] === undefined || s.parent[s.key] === null) {
      if (!create) return;
      s.parent[s.key] = /^\d+$/.test(segs[i + 1]!) ? [] : {};
    }
    visit(s.parent[s.key], i + 1);
  };
  visit(o, 0);
}

/** Applies the replacements in order. */
export function applyReplacements(resources: Resource[], reps: Replacement[], file: string): void {
  for (const rep of reps) {
    const src = rep.source;
    if (!src) throw new KustomizeError('replacement has no source', file);
    const matches = resources.filter((r) => selects(src, r));
    if (matches.length > 1) throw new KustomizeError(`multiple matches for selector ${JSON.stringify(src)}`, file);
    if (matches.length === 0) throw new KustomizeError(`nothing selected by ${JSON.stringify(src)}`, file);
    let value = lookup(matches[0]!.obj, src.fieldPath ?? 'metadata.name');
    if (value === undefined) throw new KustomizeError(`fieldPath \`${src.fieldPath}\` is missing for replacement source ${JSON.stringify(src)}`, file);
    if (src.options?.delimiter !== undefined && typeof value === 'string') {
      const parts = value.split(src.options.delimiter);
      const idx = src.options.index ?? 0;
      if (idx < 0 || idx >= parts.length) throw new KustomizeError(`options.index ${idx} is out of bounds for value ${value}`, file);
      value = parts[idx];
    }
    for (const t of rep.targets ?? []) {
      if (!t.select) throw new KustomizeError('target must specify resources to select', file);
      for (const r of resources) {
        if (!selects(t.select, r)) continue;
        if ((t.reject ?? []).some((rj) => selects(rj, r))) continue;
        for (const fp of t.fieldPaths ?? ['metadata.name']) {
          let v = value;
          if (t.options?.delimiter !== undefined) {
            const cur = lookup(r.obj, fp);
            const parts = typeof cur === 'string' ? cur.split(t.options.delimiter) : [];
            const idx = t.options.index ?? 0;
            if (idx >= parts.length) parts.push(String(value));
            else if (idx < 0) parts.unshift(String(value));
            else parts[idx] = String(value);
            v = parts.join(t.options.delimiter);
          }
          setAt(r.obj, fp, structuredClone(v), t.options?.create ?? false, file);
        }
      }
    }
  }
}
