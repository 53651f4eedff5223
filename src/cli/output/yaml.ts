/**
 * YAML as the `flux` CLI writes it (sigs.k8s.io/yaml: the object as JSON, keys sorted, block
 * style, sequences not indented under their key), each document introduced by `---`.
 */
import { stringify } from 'yaml';

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** One `---`-prefixed document. */
export function exportYaml(obj: unknown): string {
  return `---\n${stringify(sortKeys(obj), { lineWidth: 0, indentSeq: false, aliasDuplicateObjects: false })}`;
}
