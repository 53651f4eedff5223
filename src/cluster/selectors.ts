/**
 * Label selectors in kubectl syntax (`a=b,c!=d,e in (f,g),h notin (i),j,!k`) and metadata field
 * selectors (`metadata.name=x,metadata.namespace!=y`), parsed once and matched many times.
 */
import type { KubeObject } from '../api/meta.js';
import { ApiError } from './errors.js';
import type { LabelSelector } from './types.js';

export type Requirement =
  | { key: string; op: 'eq' | 'neq'; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists' };

export function parseLabelSelector(selector: LabelSelector | undefined): Requirement[] {
  if (selector === undefined) return [];
  if (typeof selector !== 'string') return Object.entries(selector).map(([key, value]) => ({ key, op: 'eq' as const, value }));
  const out: Requirement[] = [];
  for (const part of splitTopLevel(selector)) {
    const term = part.trim();
    if (!term) continue;
    let m = /^([^\s!=(),]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (m) {
      out.push({ key: m[1] as string, op: m[2] as 'in' | 'notin', values: (m[3] as string).split(',').map((v) => v.trim()).filter(Boolean) });
      continue;
    }
    m = /^([^\s!=(),]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/.exec(term);
    if (m) {
      out.push({ key: m[1] as string, op: m[2] === '!=' ? 'neq' : 'eq', value: m[3] as string });
      continue;
    }
    m = /^(!?)([^\s!=(),]+)$/.exec(term);
    if (m) {
      out.push({ key: m[2] as string, op: m[1] ? 'notexists' : 'exists' });
      continue;
    }
    throw new ApiError(400, 'BadRequest', `unable to parse requirement: "${term}"`);
  }
  return out;
}

function splitTopLevel(s: string): string[] {
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
  parts.push(cur);
  return parts;
}

export function matchesLabels(reqs: readonly Requirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const r of reqs) {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case 'eq':
        if (v !== r.value) return false;
        break;
      case 'neq':
        if (v === r.value) return false;
        break;
      case 'in':
        if (!has || !r.values.includes(v as string)) return false;
        break;
      case 'notin':
        if (has && r.values.includes(v as string)) return false;
        break;
      case 'exists':
        if (!has) return false;
        break;
      case 'notexists':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** Prints requirements back in kubectl syntax. */
export function formatLabelSelector(reqs: readonly Requirement[]): string {
  return reqs
    .map((r) => {
      switch (r.op) {
        case 'eq':
          return `${r.key}=${r.value}`;
        case 'neq':
          return `${r.key}!=${r.value}`;
        case 'in':
        case 'notin':
          return `${r.key} ${r.op} (${r.values.join(',')})`;
        case 'exists':
          return r.key;
        case 'notexists':
          return `!${r.key}`;
      }
    })
    .join(',');
}

export interface FieldRequirement {
  path: string;
  op: 'eq' | 'neq';
  value: string;
}

export function parseFieldSelector(selector: string | undefined): FieldRequirement[] {
  if (!selector) return [];
  return selector
    .split(',')
    .filter((t) => t.trim())
    .map((term) => {
      const m = /^\s*([\w.]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(term);
      if (!m) throw new ApiError(400, 'BadRequest', `invalid field selector: "${term}"`);
      return { path: m[1] as string, op: m[2] === '!=' ? ('neq' as const) : ('eq' as const), value: m[3] as string };
    });
}

export function matchesFields(reqs: readonly FieldRequirement[], obj: KubeObject): boolean {
  for (const r of reqs) {
    let cur: unknown = obj;
    for (const seg of r.path.split('.')) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
    const v = cur === undefined || cur === null ? '' : String(cur);
    if ((r.op === 'eq') !== (v === r.value)) return false;
  }
  return true;
}
