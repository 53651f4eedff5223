/**
 * YAML as the `flux` CLI writes it (sigs.k8s.io/yaml: the object as JSON, keys sorted, block
 * style, sequences not indented under their key, go-yaml's single quotes where a scalar needs
 * quoting), each document introduced by `---`.
 */
import { Document, isScalar, parse, visit } from 'yaml';

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

/** A string go-yaml would read back as another type (`"true"`, `"1.0"`, `""`): it double-quotes those. */
function readsAsOtherType(s: string): boolean {
  try {
    const v: unknown = parse(s, { version: '1.1' });
    return v === null || typeof v === 'boolean' || typeof v === 'number' || v instanceof Date;
  } catch {
    return false;
  }
}

/**
 * One `---`-prefixed document. Quoting follows go-yaml v2: strings that would read back as
 * another type are double-quoted; strings that cannot be plain (`>=1.0.0`, `*`) single-quoted.
 */
export function exportYaml(obj: unknown): string {
  const doc = new Document(sortKeys(obj), { aliasDuplicateObjects: false });
  visit(doc, {
    Scalar(_key, node) {
      if (isScalar(node) && typeof node.value === 'string' && !node.value.includes('\n') && readsAsOtherType(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return `---\n${doc.toString({ lineWidth: 0, indentSeq: false, singleQuote: true })}`;
}
