/**
 * Local builds of a Kustomization, as `flux build|diff kustomization --path` do them: the
 * directory on disk built with fluxion's kustomize engine, the Kustomization's spec overlays
 * (targetNamespace, namePrefix/Suffix, patches, images, components, commonMetadata) merged,
 * post-build substitution applied, and the owner labels the controller sets.
 */
import path from 'node:path';
import { Annotations, Labels } from '../../api/annotations.js';
import type { KubeObject } from '../../api/meta.js';
import type { Cluster } from '../../cluster/types.js';
import type { Kustomization } from '../../api/kinds/kustomization.js';
import { specOverlay } from '../../controllers/kustomization.js';
import { build, diskFs, KustomizeError, layeredFs } from '../../kustomize/index.js';
import { substituteObject, SubstitutionError } from '../../kustomize/substitute.js';
import { CommandError } from './command.js';

interface KsSpec {
  postBuild?: { substitute?: Record<string, string>; substituteFrom?: { kind: string; name: string; optional?: boolean }[] };
}

async function substitutionVars(ks: KubeObject, cluster: Cluster | undefined): Promise<Record<string, string> | undefined> {
  const pb = (ks.spec as KsSpec | undefined)?.postBuild;
  if (!pb || (!pb.substitute && !pb.substituteFrom?.length)) return undefined;
  const vars: Record<string, string> = {};
  const ns = ks.metadata.namespace ?? 'default';
  // Offline (--dry-run) builds have no cluster to read substituteFrom from, as flux's.
  for (const from of cluster ? (pb.substituteFrom ?? []) : []) {
    const obj = await cluster!.get({ apiVersion: 'v1', kind: from.kind === 'Secret' ? 'Secret' : 'ConfigMap', name: from.name, namespace: ns });
    if (!obj) {
      if (from.optional) continue;
      throw new CommandError(`substitute from '${from.kind}/${ns}/${from.name}' error: ${from.kind.toLowerCase()}s "${from.name}" not found`);
    }
    const data = (obj.data ?? {}) as Record<string, string>;
    for (const [k, v] of Object.entries(data)) vars[k] = from.kind === 'Secret' ? Buffer.from(v, 'base64').toString('utf8') : v;
  }
  Object.assign(vars, pb.substitute ?? {});
  return vars;
}

/** Builds `dir` (on disk) as the Kustomization `ks` would build it. */
export async function buildLocal(ks: KubeObject, dir: string, cluster: Cluster | undefined): Promise<KubeObject[]> {
  const target = path.resolve(dir).split(path.sep).join('/');
  const base = diskFs('/');
  if (base.stat(target) !== 'dir') throw new CommandError(`invalid resource path "${dir}"`);
  const extra = specOverlay(target, (ks.spec ?? {}) as Kustomization['spec']);
  const fs = extra ? layeredFs(base, { [extra.file]: extra.content }) : base;
  let objects: KubeObject[];
  try {
    objects = build(fs, extra ? path.posix.dirname(extra.file) : target, { loadRestrictor: 'none', generateMissing: true }) as KubeObject[];
  } catch (err) {
    if (err instanceof KustomizeError) throw new CommandError(`kustomize build failed: ${err.message}`);
    throw err;
  }
  const vars = await substitutionVars(ks, cluster);
  if (vars) {
    try {
      objects = objects.map((o) => (o.metadata?.annotations?.[Annotations.substitute] === 'disabled' ? o : substituteObject(o, vars, `${o.kind}/${o.metadata?.name}`)));
    } catch (err) {
      if (err instanceof SubstitutionError) throw new CommandError(err.message);
      throw err;
    }
  }
  const labels = { [Labels.kustomizeName]: ks.metadata.name, [Labels.kustomizeNamespace]: ks.metadata.namespace ?? 'default' };
  return objects
    .filter((o) => o.metadata?.annotations?.[Annotations.reconcile] !== 'disabled')
    .map((o) => ({ ...o, metadata: { ...o.metadata, labels: { ...(o.metadata.labels ?? {}), ...labels } } }));
}
