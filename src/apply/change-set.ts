/** Results of applying, as values (Flux's ssa change sets): one entry per object. */
export type ChangeAction = 'created' | 'configured' | 'unchanged' | 'deleted' | 'skipped';

export interface ChangeEntry {
  /** `Kind/namespace/name` or `Kind/name`. */
  subject: string;
  action: ChangeAction;
}

/** `Deployment/apps/web configured, Service/apps/web unchanged` */
export function summarize(changes: readonly ChangeEntry[]): string {
  return changes.map((c) => `${c.subject} ${c.action}`).join('\n');
}

export function countBy(changes: readonly ChangeEntry[]): Record<ChangeAction, number> {
  const out: Record<ChangeAction, number> = { created: 0, configured: 0, unchanged: 0, deleted: 0, skipped: 0 };
  for (const c of changes) out[c.action]++;
  return out;
}
