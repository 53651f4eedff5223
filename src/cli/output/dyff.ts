/**
 * Differences between two objects in the shape `flux diff` prints them (dyff's brief report):
 * a dotted path (list entries named by their `name`), then `± value change` with `- old` /
 * `+ new`, or `+ one map entry added:` / `- two list entries removed:` with the YAML.
 */
import { stringify } from 'yaml';

type Json = Record<string, unknown>;

export interface Difference {
  path: string;
  text: string;
}

const WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];
const count = (n: number, what: 'map' | 'list', verb: 'added' | 'removed'): string => `${WORDS[n] ?? String(n)} ${what} ${n === 1 ? 'entry' : 'entries'} ${verb}:`;

const isMap = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);
const indent = (s: string): string =>
  s
    .trimEnd()
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
const yaml = (v: unknown): string => stringify(v, { lineWidth: 0, indentSeq: false, aliasDuplicateObjects: false });
const scalar = (v: unknown): string => (isMap(v) || Array.isArray(v) ? indent(yaml(v)).replace(/^ {2}/, '') : v === null ? 'null' : String(v));

function join(path: string, seg: string): string {
  return path ? `${path}.${seg}` : seg;
}

function named(list: unknown[]): boolean {
  return list.length > 0 && list.every((i) => isMap(i) && typeof i.name === 'string');
}

function compare(from: unknown, to: unknown, path: string, out: Difference[], mask: boolean): void {
  if (isMap(from) && isMap(to)) {
    const added: Json = {};
    const removed: Json = {};
    for (const k of Object.keys(from)) if (!(k in to)) removed[k] = from[k];
    for (const k of Object.keys(to)) if (!(k in from)) added[k] = mask ? '***' : to[k];
    if (Object.keys(removed).length) out.push({ path, text: `- ${count(Object.keys(removed).length, 'map', 'removed')}\n${indent(yaml(mask ? Object.fromEntries(Object.keys(removed).map((k) => [k, '***'])) : removed))}` });
    if (Object.keys(added).length) out.push({ path, text: `+ ${count(Object.keys(added).length, 'map', 'added')}\n${indent(yaml(added))}` });
    for (const k of Object.keys(from)) if (k in to) compare(from[k], to[k], join(path, k), out, mask);
    return;
  }
  if (Array.isArray(from) && Array.isArray(to)) {
    if (named(from) && named(to)) {
      const key = (i: unknown): string => String((i as Json).name);
      const toNames = new Set(to.map(key));
      const fromNames = new Set(from.map(key));
      const removed = from.filter((i) => !toNames.has(key(i)));
      const added = to.filter((i) => !fromNames.has(key(i)));
      if (removed.length) out.push({ path, text: `- ${count(removed.length, 'list', 'removed')}\n${indent(yaml(removed))}` });
      if (added.length) out.push({ path, text: `+ ${count(added.length, 'list', 'added')}\n${indent(yaml(added))}` });
      for (const f of from) {
        const t = to.find((i) => key(i) === key(f));
        if (t) compare(f, t, join(path, key(f)), out, mask);
      }
      return;
    }
    if (from.length === to.length) {
      from.forEach((f, i) => compare(f, to[i], join(path, String(i)), out, mask));
      return;
    }
  }
  if (JSON.stringify(from) === JSON.stringify(to)) return;
  if (mask) out.push({ path, text: '± value change\n- *** (before)\n+ *** (after)' });
  else out.push({ path, text: `± value change\n- ${scalar(from)}\n+ ${scalar(to)}` });
}

/** The differences from `before` to `after`; values under `data`/`stringData` masked for Secrets. */
export function dyff(before: Json, after: Json, options: { secret?: boolean } = {}): Difference[] {
  const out: Difference[] = [];
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const mask = options.secret === true && (k === 'data' || k === 'stringData');
    if (!(k in before)) out.push({ path: '(root level)', text: `+ ${count(1, 'map', 'added')}\n${indent(yaml({ [k]: mask ? '***' : after[k] }))}` });
    else if (!(k in after)) out.push({ path: '(root level)', text: `- ${count(1, 'map', 'removed')}\n${indent(yaml({ [k]: mask ? '***' : before[k] }))}` });
    else compare(before[k], after[k], k, out, mask);
  }
  return out;
}

/** The report: each difference as `path\ntext`, separated and ended by blank lines, after a leading blank line. */
export function renderDyff(diffs: readonly Difference[]): string {
  return `\n${diffs.map((d) => `${d.path}\n${d.text}\n\n`).join('')}`;
}
