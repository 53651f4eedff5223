/** Applies an edit at a slash-separated field path (`a/b[]/c`) of objects matching a kind. */
import type { Obj } from './resource.js';
import { gvkOf } from './resource.js';

export interface FieldSpec {
  path: string;
  kind?: string;
  group?: string;
  version?: string;
  create?: boolean;
}

export function specMatches(fs: FieldSpec, o: Obj): boolean {
  const g = gvkOf(o);
  if (fs.kind && fs.kind !== g.kind) return false;
  if (fs.group !== undefined && fs.group !== g.group) return false;
  if (fs.version && fs.version !== g.version) return false;
  return true;
}

/**
 * Calls `edit(parent, key)` for every node the path reaches; creates missing maps on the way
 * when `create` is set.
 */
export function visitPath(
  o: Obj,
  path: string,
  create: boolean,
  edit: (parent: Obj, key: string, at: string[]) => void,
): void {
  const parts = path.split('/');
  const walk = (cur: any, i: number, at: string[] = []): void => {
    if (cur === null || typeof cur !== 'object') return;
    let part = parts[i]!;
    const isList = part.endsWith('[]');
    if (isList) part = part.slice(0, -2);
    if (i === parts.length - 1) {
      if (isList) {
        if (Array.isArray(cur[part])) cur[part].forEach((_: unknown, j: number) => edit(cur[part], String(j), [...at, part, String(j)]));
        return;
      }
      if (part in cur || create) edit(cur, part, [...at, part]);
      return;
    }
    let next = cur[part];
    if (next === undefined || next === null) {
      if (!create || isList) return;
      next = cur[part] = {};
    }
    if (Array.isArray(next)) {
      next.forEach((item: unknown, j: number) => walk(item, i + 1, [...at, part, String(j)]));
    } else if (!isList) walk(next, i + 1, [...at, part]);
  };
  walk(o, 0);
}
