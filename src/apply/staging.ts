/**
 * Apply stages, as Flux's server-side apply manager orders them: cluster definitions first (CRDs,
 * Namespaces, ClusterRoles), then classes (`*Class` kinds), then everything else. Pure.
 */
import type { KubeObject } from '../api/meta.js';

export type Stage = 'definitions' | 'classes' | 'resources';

export function stageOf(obj: KubeObject): Stage {
  if (obj.kind === 'CustomResourceDefinition' || obj.kind === 'Namespace' || obj.kind === 'ClusterRole') return 'definitions';
  if (obj.kind.endsWith('Class')) return 'classes';
  return 'resources';
}

/** Objects grouped by stage, each group keeping the input order. */
export function stages(objects: readonly KubeObject[]): { stage: Stage; objects: KubeObject[] }[] {
  const out: Record<Stage, KubeObject[]> = { definitions: [], classes: [], resources: [] };
  for (const o of objects) out[stageOf(o)].push(o);
  return (['definitions', 'classes', 'resources'] as const).map((stage) => ({ stage, objects: out[stage] })).filter((s) => s.objects.length > 0);
}
