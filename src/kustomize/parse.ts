/** Reading YAML manifests into plain objects, with file and line in every error. */
import { parseAllDocuments } from 'yaml';
import type { ScalarTag } from 'yaml';
import { KustomizeError } from './errors.js';
import type { Obj } from './resource.js';

/** Go's ParseInt(s, 0, 64), which kustomize's YAML reader uses: `0755` is octal. */
const goOctal: ScalarTag = {
  identify: (v) => typeof v === 'number',
  default: true,
  tag: 'tag:yaml.org,2002:int',
  format: 'OCT',
  test: /^[-+]?0[0-7]+$/,
  resolve: (s) => (s.startsWith('-') ? -parseInt(s.slice(1), 8) : parseInt(s.replace(/^\+/, ''), 8)),
};

/** Parses every document of a YAML stream; empty documents are skipped. */
export function parseYamlDocuments(text: string, file: string): unknown[] {
  const docs = parseAllDocuments(text, { merge: true, uniqueKeys: false, strict: false, customTags: (tags) => [goOctal, ...tags] });
  const out: unknown[] = [];
  for (const d of docs) {
    const err = d.errors[0];
    if (err) {
      throw new KustomizeError(`malformed YAML: ${err.message.split('\n')[0]}`, file, err.linePos?.[0]?.line);
    }
    const v = d.toJS({ maxAliasCount: -1 });
    if (v === null || v === undefined) continue;
    out.push(v);
  }
  return out;
}

/** Parses manifests: every document must be a mapping; `kind: List` is flattened. */
export function parseManifests(text: string, file: string): Obj[] {
  const out: Obj[] = [];
  for (const v of parseYamlDocuments(text, file)) {
    if (typeof v !== 'object' || Array.isArray(v) || v === null) {
      throw new KustomizeError('expected a YAML mapping (a Kubernetes object)', file);
    }
    const o = v as Obj;
    if (typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items) && !('metadata' in o && o.metadata?.name)) {
      for (const item of o.items) {
        if (item && typeof item === 'object') out.push(item as Obj);
      }
      continue;
    }
    if (!o.kind) throw new KustomizeError(`missing kind in object ${JSON.stringify(o.metadata?.name ?? '')}`, file);
    out.push(o);
  }
  return out;
}
