/** flux's `internal/tree`: an object tree printed with `├──`, `└──`, `│   ` as `flux tree` draws it. */

/** cli-utils' ObjMetadata, with its JSON field names. */
export interface ObjMetadata {
  Namespace: string;
  Name: string;
  GroupKind: { Group: string; Kind: string };
}

export interface ObjTree {
  resource: ObjMetadata;
  resources?: ObjTree[];
}

/** `Kind/namespace/name`, or `Kind/name` for a cluster-scoped object. */
export function fmtObjMetadata(m: ObjMetadata): string {
  return m.Namespace ? `${m.GroupKind.Kind}/${m.Namespace}/${m.Name}` : `${m.GroupKind.Kind}/${m.Name}`;
}

function printItems(items: readonly ObjTree[], spaces: boolean[]): string {
  let out = '';
  items.forEach((t, i) => {
    const last = i === items.length - 1;
    out += `${spaces.map((s) => (s ? '    ' : '│   ')).join('')}${last ? '└── ' : '├── '}${fmtObjMetadata(t.resource)}\n`;
    if (t.resources?.length) out += printItems(t.resources, [...spaces, last]);
  });
  return out;
}

export function printTree(t: ObjTree): string {
  return `${fmtObjMetadata(t.resource)}\n${printItems(t.resources ?? [], [])}`;
}
