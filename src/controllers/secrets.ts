/** Reading Secret values for effects. Values never reach logs, events or conditions. */
import { TransientError } from '../api/errors.js';
import type { Cluster } from '../cluster/types.js';

/** The decoded `data` (and `stringData`) of a Secret, or a TransientError naming the Secret (not its content). */
export async function secretData(cluster: Cluster, namespace: string, name: string, reason: string): Promise<Record<string, string>> {
  const secret = await cluster.get({ apiVersion: 'v1', kind: 'Secret', name, namespace });
  if (!secret) throw new TransientError(reason, `secret '${namespace}/${name}' not found`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((secret.data as Record<string, string> | undefined) ?? {})) out[k] = Buffer.from(v, 'base64').toString('utf8');
  for (const [k, v] of Object.entries((secret.stringData as Record<string, string> | undefined) ?? {})) out[k] = v;
  return out;
}
