/** Target selectors of patches and replacements: regex on ids, label and annotation selectors. */
import { KustomizeError } from './errors.js';
import type { Resource } from './resource.js';
import { gvkOf, namespaceOf } from './resource.js';

export interface Selector {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
}

const cache = new Map<string, RegExp>();
function re(s: string): RegExp {
  let r = cache.get(s);
  if (!r) {
    try {
      r = new RegExp(`^(?:${s})$`);
    } catch (e) {
      throw new KustomizeError(`invalid selector regex ${JSON.stringify(s)}`, undefined, undefined, { cause: e });
    }
    cache.set(s, r);
  }
  return r;
}

type Req = { key: string; op: 'eq' | 'ne' | 'in' | 'notin' | 'exists' | '!exists'; values: string[] };

/** Parses a Kubernetes label selector string. */
export function parseLabelSelector(s: string): Req[] {
  const reqs: Req[] = [];
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) parts.push(cur);
  for (const raw of parts) {
    const p = raw.trim();
    let m: RegExpMatchArray | null;
    if ((m = p.match(/^(\S+)\s+(in|notin)\s+\((.*)\)$/))) {
      reqs.push({ key: m[1]!, op: m[2] as 'in' | 'notin', values: m[3]!.split(',').map((x) => x.trim()) });
    } else if ((m = p.match(/^([^!=\s]+)\s*!=\s*(.*)$/))) reqs.push({ key: m[1]!, op: 'ne', values: [m[2]!.trim()] });
    else if ((m = p.match(/^([^!=\s]+)\s*==?\s*(.*)$/))) reqs.push({ key: m[1]!, op: 'eq', values: [m[2]!.trim()] });
    else if ((m = p.match(/^!\s*(\S+)$/))) reqs.push({ key: m[1]!, op: '!exists', values: [] });
    else if (/^\S+$/.test(p)) reqs.push({ key: p, op: 'exists', values: [] });
    else throw new KustomizeError(`unable to parse requirement: ${JSON.stringify(p)}`);
  }
  return reqs;
}

function matchLabels(reqs: Req[], labels: Record<string, unknown> | undefined): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = has ? String(l[r.key]) : undefined;
    switch (r.op) {
      case 'eq':
        return has && v === r.values[0];
      case 'ne':
        return !has || v !== r.values[0];
      case 'in':
        return has && r.values.includes(v!);
      case 'notin':
        return !has || !r.values.includes(v!);
      case 'exists':
        return has;
      case '!exists':
        return !has;
    }
    return false;
  });
}

/** Whether a resource matches the selector (on its current id). */
export function selects(sel: Selector, r: Resource): boolean {
  const g = gvkOf(r.obj);
  if (sel.group && !re(sel.group).test(g.group)) return false;
  if (sel.version && !re(sel.version).test(g.version)) return false;
  if (sel.kind && !re(sel.kind).test(g.kind)) return false;
  if (sel.name && !re(sel.name).test(String(r.obj.metadata?.name ?? ''))) return false;
  if (sel.namespace && !re(sel.namespace).test(namespaceOf(r.obj))) return false;
  if (sel.labelSelector && !matchLabels(parseLabelSelector(sel.labelSelector), r.obj.metadata?.labels)) return false;
  if (sel.annotationSelector && !matchLabels(parseLabelSelector(sel.annotationSelector), r.obj.metadata?.annotations)) return false;
  return true;
}
