/** JSON merge patch (RFC 7386) and JSON patch (RFC 6902), as the API server applies them. */
import { ApiError } from '../errors.js';
import { deepEqual } from './fields.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

interface Op {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw invalid(`invalid JSON pointer "${path}"`);
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const invalid = (msg: string): ApiError => new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: ${msg}`);

function parentOf(doc: unknown, tokens: string[], path: string): { parent: unknown; last: string } {
  let cur = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isObject(cur)) cur = cur[t];
    else cur = undefined;
    if (cur === undefined) throw invalid(`doc is missing path: "${path}"`);
  }
  return { parent: cur, last: tokens[tokens.length - 1] as string };
}

function getPath(doc: unknown, path: string): unknown {
  let cur = doc;
  for (const t of pointer(path)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isObject(cur)) cur = cur[t];
    else cur = undefined;
    if (cur === undefined) throw invalid(`doc is missing path: "${path}"`);
  }
  return cur;
}

function remove(doc: unknown, path: string): unknown {
  const tokens = pointer(path);
  const { parent, last } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) {
    const i = Number(last);
    if (!Number.isInteger(i) || i < 0 || i >= parent.length) throw invalid(`doc is missing path: "${path}"`);
    return parent.splice(i, 1)[0];
  }
  if (isObject(parent) && last in parent) {
    const v = parent[last];
    delete parent[last];
    return v;
  }
  throw invalid(`doc is missing path: "${path}"`);
}

function add(doc: unknown, path: string, value: unknown, replace: boolean): unknown {
  const tokens = pointer(path);
  if (tokens.length === 0) return structuredClone(value);
  const { parent, last } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) {
    const i = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(i) || i < 0 || i > parent.length || (replace && i >= parent.length)) throw invalid(`doc is missing path: "${path}"`);
    if (replace) parent[i] = structuredClone(value);
    else parent.splice(i, 0, structuredClone(value));
  } else if (isObject(parent)) {
    if (replace && !(last in parent)) throw invalid(`doc is missing path: "${path}"`);
    parent[last] = structuredClone(value);
  } else throw invalid(`doc is missing path: "${path}"`);
  return doc;
}

export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new ApiError(400, 'BadRequest', 'json patch must be a list of operations');
  let doc = structuredClone(target);
  for (const raw of ops as Op[]) {
    switch (raw.op) {
      case 'add':
        doc = add(doc, raw.path, raw.value, false);
        break;
      case 'replace':
        doc = add(doc, raw.path, raw.value, true);
        break;
      case 'remove':
        remove(doc, raw.path);
        break;
      case 'move': {
        const v = remove(doc, raw.from ?? '');
        doc = add(doc, raw.path, v, false);
        break;
      }
      case 'copy':
        doc = add(doc, raw.path, getPath(doc, raw.from ?? ''), false);
        break;
      case 'test':
        if (!deepEqual(getPath(doc, raw.path), raw.value)) throw invalid(`testing value ${raw.path} failed`);
        break;
      default:
        throw new ApiError(400, 'BadRequest', `unknown json patch operation "${String(raw.op)}"`);
    }
  }
  return doc;
}
