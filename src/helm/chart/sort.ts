/**
 * What Helm does with rendered files (pkg/releaseutil): split each file into documents on
 * `---`, read each document's head (apiVersion, kind, metadata.name, annotations), set hooks
 * (`helm.sh/hook`) apart, and order both lists by kind in Helm's install order, keeping file
 * order (sorted paths, then position in file) within a kind.
 */
import { HelmError } from './errors.js';
import { readYaml } from './yaml.js';

/** Helm's InstallOrder. */
export const INSTALL_ORDER = [
  'PriorityClass', 'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodSecurityPolicy',
  'PodDisruptionBudget', 'ServiceAccount', 'Secret', 'SecretList', 'ConfigMap', 'StorageClass',
  'PersistentVolume', 'PersistentVolumeClaim', 'CustomResourceDefinition', 'ClusterRole',
  'ClusterRoleList', 'ClusterRoleBinding', 'ClusterRoleBindingList', 'Role', 'RoleList', 'RoleBinding',
  'RoleBindingList', 'Service', 'DaemonSet', 'Pod', 'ReplicationController', 'ReplicaSet', 'Deployment',
  'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob', 'IngressClass', 'Ingress', 'APIService',
] as const;

const rank = new Map<string, number>(INSTALL_ORDER.map((k, i) => [k, i]));

export const HOOK_EVENTS = [
  'pre-install', 'post-install', 'pre-delete', 'post-delete', 'pre-upgrade', 'post-upgrade',
  'pre-rollback', 'post-rollback', 'test',
] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];

/** One rendered document that is not a hook. */
export interface Manifest {
  /** Template path, e.g. `podinfo/templates/service.yaml` (the `# Source:` line). */
  source: string;
  /** The document text, trimmed. */
  content: string;
  kind: string;
  apiVersion: string;
  name: string;
  /** The parsed document (null for a comment-only document). */
  object: Record<string, unknown> | null;
}

export interface Hook extends Manifest {
  events: HookEvent[];
  weight: number;
  deletePolicies: string[];
}

const WS = '[\\t\\n\\f\\r ]';
const separator = new RegExp(`(?:^|${WS}*\\n)---${WS}*`, 'g');

/** `releaseutil.SplitManifests`: the documents of a file, in order, trimmed. */
export function splitManifests(bigFile: string): string[] {
  const text = bigFile.replace(/^[\t\n\v\f\r \u0085\u00a0]+|[\t\n\v\f\r \u0085\u00a0]+$/g, '');
  const docs: string[] = [];
  separator.lastIndex = 0;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = separator.exec(text)) !== null) {
    if (m[0].length === 0) {
      separator.lastIndex++;
      continue;
    }
    docs.push(text.slice(last, m.index));
    last = m.index + m[0].length;
  }
  docs.push(text.slice(last));
  return docs.filter((d) => d !== '').map((d) => d.replace(/^[\t\n\v\f\r \u0085\u00a0]+|[\t\n\v\f\r \u0085\u00a0]+$/g, ''));
}

function asText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return '';
}

function lessByKind(a: string, b: string): boolean {
  const ra = rank.get(a);
  const rb = rank.get(b);
  if (ra === undefined && rb === undefined) return a < b;
  if (ra === undefined) return false;
  if (rb === undefined) return true;
  return ra < rb;
}

function stableSortByKind<T extends { kind: string }>(items: T[]): T[] {
  return items
    .map((x, i) => ({ x, i }))
    .sort((p, q) => (lessByKind(p.x.kind, q.x.kind) ? -1 : lessByKind(q.x.kind, p.x.kind) ? 1 : p.i - q.i))
    .map((p) => p.x);
}

/** `releaseutil.SortManifests(files, InstallOrder)`: hooks and manifests, each ordered by kind. */
export function sortManifests(files: Map<string, string>): { hooks: Hook[]; manifests: Manifest[] } {
  const hooks: Hook[] = [];
  const manifests: Manifest[] = [];
  for (const filePath of [...files.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const content = files.get(filePath)!;
    const base = filePath.slice(filePath.lastIndexOf('/') + 1);
    if (base.startsWith('_') || content.trim() === '') continue;
    for (const doc of splitManifests(content)) {
      let parsed: unknown;
      try {
        parsed = readYaml(doc, filePath);
      } catch (e) {
        throw new HelmError(`YAML parse error on ${filePath}: ${(e as Error).message.replace(`${filePath}: `, '')}`, { cause: e });
      }
      if (parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed))) {
        const t = Array.isArray(parsed) ? 'array' : typeof parsed === 'number' ? 'number' : typeof parsed === 'boolean' ? 'bool' : 'string';
        throw new HelmError(`YAML parse error on ${filePath}: error unmarshaling JSON: json: cannot unmarshal ${t} into Go value of type releaseutil.SimpleHead`);
      }
      const obj = parsed as Record<string, unknown> | null;
      const meta = (obj?.metadata ?? null) as Record<string, unknown> | null;
      const annotations = (meta && typeof meta === 'object' ? meta.annotations : undefined) as Record<string, unknown> | undefined;
      const m: Manifest = {
        source: filePath,
        content: doc,
        kind: asText(obj?.kind),
        apiVersion: asText(obj?.apiVersion),
        name: asText(meta?.name),
        object: obj,
      };
      const hookTypes = annotations && typeof annotations === 'object' ? annotations['helm.sh/hook'] : undefined;
      if (hookTypes === undefined) {
        manifests.push(m);
        continue;
      }
      const events: HookEvent[] = [];
      let unknown = false;
      for (const t of asText(hookTypes).split(',')) {
        const ev = t.trim().toLowerCase();
        const e = ev === 'test-success' ? 'test' : ev;
        if (!(HOOK_EVENTS as readonly string[]).includes(e)) {
          unknown = true;
          break;
        }
        events.push(e as HookEvent);
      }
      // Helm drops a document whose hook annotation names an unknown event.
      if (unknown) continue;
      const w = /^[+-]?[0-9]+$/.exec(asText(annotations!['helm.sh/hook-weight']).trim() === asText(annotations!['helm.sh/hook-weight']) ? asText(annotations!['helm.sh/hook-weight']) : '');
      const deletePolicies = annotations!['helm.sh/hook-delete-policy'] !== undefined ? asText(annotations!['helm.sh/hook-delete-policy']).split(',').map((p) => p.trim().toLowerCase()) : [];
      hooks.push({ ...m, events, weight: w ? Number(w[0]) : 0, deletePolicies });
    }
  }
  return { hooks: stableSortByKind(hooks), manifests: stableSortByKind(manifests) };
}
