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

/** `--local-sources Kind/namespace/name=path,…`: where each source of nested Kustomizations is on disk. */
export function parseLocalSources(values: readonly string[], cwd: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of values) {
    const i = v.indexOf('=');
    if (i <= 0) throw new CommandError(`invalid argument "${v}" for "--local-sources" flag: ${v} must be formatted as key=value`);
    out.set(v.slice(0, i), path.resolve(cwd, v.slice(i + 1)));
  }
  return out;
}

export const isKustomization = (o: KubeObject): boolean => o.kind === 'Kustomization' && typeof o.apiVersion === 'string' && o.apiVersion.startsWith('kustomize.toolkit.fluxcd.io/');

/**
 * A nested Kustomization found in a build, as `flux build|diff --recursive` takes it: the live
 * object when the cluster has one (not in dry-run), else the built one; and the local directory
 * of its `spec.path` in its source, from `--local-sources` (keyed `Kind/namespace/name`).
 */
export async function nestedKustomization(obj: KubeObject, parent: KubeObject, localSources: Map<string, string>, cluster: Cluster | undefined): Promise<{ ks: KubeObject; dir: string }> {
  const namespace = obj.metadata.namespace ?? parent.metadata.namespace ?? 'default';
  const spec = (obj.spec ?? {}) as { sourceRef?: { kind?: string; name?: string; namespace?: string }; path?: string };
  const src = spec.sourceRef ?? {};
  const key = `${src.kind ?? ''}/${src.namespace || namespace}/${src.name ?? ''}`;
  const local = localSources.get(key);
  if (local === undefined) throw new CommandError(`cannot get local path for ${key} of kustomization ${obj.metadata.name}`);
  const live = cluster ? await cluster.get({ apiVersion: obj.apiVersion, kind: 'Kustomization', name: obj.metadata.name, namespace }) : undefined;
  return { ks: live ?? { ...obj, metadata: { ...obj.metadata, namespace } }, dir: path.join(local, spec.path ?? '') };
}

/**
 * `buildLocal`, then with `recursive` every Kustomization in the output built the same way from
 * its local source, its objects appended (each nested Kustomization once).
 */
export async function buildTree(ks: KubeObject, dir: string, cluster: Cluster | undefined, options: { recursive: boolean; localSources: Map<string, string> }, seen = new Set<string>()): Promise<KubeObject[]> {
  seen.add(`${ks.metadata.namespace ?? 'default'}/${ks.metadata.name}`);
  const objects = await buildLocal(ks, dir, cluster);
  if (!options.recursive) return objects;
  const added: KubeObject[] = [];
  for (const obj of objects) {
    if (!isKustomization(obj)) continue;
    const key = `${obj.metadata.namespace ?? ks.metadata.namespace ?? 'default'}/${obj.metadata.name}`;
    if (seen.has(key)) continue;
    const nested = await nestedKustomization(obj, ks, options.localSources, cluster);
    added.push(...(await buildTree(nested.ks, nested.dir, cluster, options, seen)));
  }
  return [...objects, ...added];
}
