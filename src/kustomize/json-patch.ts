/** RFC 6902 JSON patch with the strictness kustomize has (missing paths are errors). */
import { KustomizeError } from './errors.js';

export interface JsonPatchOp {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

function parsePointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw new KustomizeError(`invalid JSON pointer ${JSON.stringify(p)}`);
  return p.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function container(doc: any, parts: string[], path: string): any {
  let cur = doc;
  for (const part of parts) {
    if (Array.isArray(cur)) {
      const i = Number(part);
      if (!/^\d+$/.test(part) || i >= cur.length) throw new KustomizeError(`path ${path} does not exist`);
      cur = cur[i];
    } else if (typeof cur === 'object' && cur !== null && part in cur) cur = cur[part];
    else throw new KustomizeError(`doc is missing path: ${path}: missing value`);
  }
  return cur;
}

/** Applies the operations to a copy of `doc`. */
export function applyJsonPatch(doc: unknown, ops: JsonPatchOp[]): unknown {
  let root: any = structuredClone(doc);
  for (const op of ops) {
    const parts = parsePointer(op.path);
    const last = parts[parts.length - 1];
    const parent = () => container(root, parts.slice(0, -1), op.path);
    const get = (ptr: string) => container(root, parsePointer(ptr), ptr);
    const remove = (ptrParts: string[], ptr: string): unknown => {
      const par = container(root, ptrParts.slice(0, -1), ptr);
      const k = ptrParts[ptrParts.length - 1]!;
      if (Array.isArray(par)) {
        const i = Number(k);
        if (!/^\d+$/.test(k) || i >= par.length) throw new KustomizeError(`unable to remove nonexistent key: ${k}`);
        return par.splice(i, 1)[0];
      }
      if (!(k in par)) throw new KustomizeError(`unable to remove nonexistent key: ${k}: missing value`);
      const v = par[k];
      delete par[k];
      return v;
    };
    const add = (ptrParts: string[], value: unknown, ptr: string): void => {
      if (ptrParts.length === 0) {
        root = value;
        return;
      }
      const par = container(root, ptrParts.slice(0, -1), ptr);
      const k = ptrParts[ptrParts.length - 1]!;
      if (Array.isArray(par)) {
        if (k === '-') par.push(value);
        else {
          const i = Number(k);
          if (!/^\d+$/.test(k) || i > par.length) throw new KustomizeError(`add operation does not apply: index ${k} out of bounds for ${ptr}`);
          par.splice(i, 0, value);
        }
      } else if (typeof par === 'object' && par !== null) par[k] = value;
      else throw new KustomizeError(`add operation does not apply: doc is missing path: ${ptr}`);
    };
    switch (op.op) {
      case 'add':
        add(parts, structuredClone(op.value), op.path);
        break;
      case 'remove':
        remove(parts, op.path);
        break;
      case 'replace': {
        if (parts.length === 0) {
          root = structuredClone(op.value);
          break;
        }
        const par = parent();
        if (Array.isArray(par)) {
          const i = Number(last);
          if (!/^\d+$/.test(last!) || i >= par.length) throw new KustomizeError(`replace operation does not apply: doc is missing key: ${op.path}`);
          par[i] = structuredClone(op.value);
        } else if (typeof par === 'object' && par !== null) par[last!] = structuredClone(op.value);
        else throw new KustomizeError(`replace operation does not apply: doc is missing key: ${op.path}: missing value`);
        break;
      }
      case 'move': {
        const v = remove(parsePointer(op.from ?? ''), op.from ?? '');
        add(parts, v, op.path);
        break;
      }
      case 'copy':
        add(parts, structuredClone(get(op.from ?? '')), op.path);
        break;
      case 'test':
        if (JSON.stringify(get(op.path)) !== JSON.stringify(op.value)) throw new KustomizeError(`testing value ${op.path} failed`);
        break;
      default:
        throw new KustomizeError(`unexpected kind: ${op.op}`);
    }
  }
  return root;
}
