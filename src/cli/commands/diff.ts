/**
 * `fluxion diff kustomization NAME --path DIR`: builds DIR as the Kustomization would, server-side
 * dry-run applies every object as `kustomize-controller`, and prints what would be created,
 * changed (dyff-style) or pruned — `flux diff kustomization`'s report. Exit 1 on any change.
 */
import type { InventoryEntry } from '../../api/kinds/kustomization.js';
import type { KubeObject } from '../../api/meta.js';
import { refOf, subjectOf } from '../../api/meta.js';
import { inventoryId, parseEntry } from '../../apply/inventory.js';
import { CommandError, defineCommand } from '../output/command.js';
import { dyff, renderDyff } from '../output/dyff.js';
import { specOf, statusOf } from '../output/kinds.js';
import type { Cluster } from '../../cluster/types.js';
import { buildLocal, isKustomization, nestedKustomization, parseLocalSources } from '../output/ks-build.js';
import { kustomizationFor, kustomizationNameArg } from './build.js';

const FIELD_MANAGER = 'kustomize-controller';

/** What a diff compares: the object without status and server-managed metadata. */
function comparable(obj: KubeObject): Record<string, unknown> {
  const { status: _s, ...rest } = obj;
  const { managedFields: _m, resourceVersion: _r, generation: _g, uid: _u, creationTimestamp: _c, ...metadata } = obj.metadata;
  return { ...rest, metadata };
}

/**
 * One Kustomization's report: created, drifted (dyff) and, with prune, deleted objects. With
 * `recursive`, a Kustomization in the build that already exists is diffed the same way from its
 * local source, its report under `📁 Kustomization/NS/NAME changed` when it has changes, as flux
 * prints it.
 */
async function diffKustomization(ks: KubeObject, dir: string, cluster: Cluster, options: { recursive: boolean; localSources: Map<string, string> }, seen: Set<string>): Promise<{ output: string; changed: boolean }> {
  seen.add(`${ks.metadata.namespace ?? 'default'}/${ks.metadata.name}`);
  const objects = await buildLocal(ks, dir, cluster);
  let changed = false;
  let out = '';
  for (const obj of objects) {
    const ref = refOf(obj);
    if (!ref.namespace) {
      const info = await cluster.resourceFor(obj.apiVersion, obj.kind);
      if (info?.namespaced) ref.namespace = 'default';
    }
    const subject = subjectOf(ref);
    const live = await cluster.get(ref);
    if (!live) {
      out += `► ${subject} created\n`;
      changed = true;
      continue;
    }
    let dry: KubeObject;
    try {
      dry = await cluster.apply({ ...obj, metadata: { ...obj.metadata, ...(ref.namespace ? { namespace: ref.namespace } : {}) } }, { fieldManager: FIELD_MANAGER, force: true, dryRun: true });
    } catch (err) {
      throw new CommandError(`${subject} dry-run failed: ${(err as Error).message}`);
    }
    const diffs = dyff(comparable(live), comparable(dry), { secret: obj.kind === 'Secret' && !obj.apiVersion.includes('/') });
    if (diffs.length) {
      out += `► ${subject} drifted\n${renderDyff(diffs)}`;
      changed = true;
    }
    if (options.recursive && isKustomization(obj) && !seen.has(`${ref.namespace ?? 'default'}/${obj.metadata.name}`)) {
      if ((obj.spec as { kubeConfig?: unknown } | undefined)?.kubeConfig) {
        out += `⚠️ ${subject} skipped: diff not supported for remote clusters\n`;
        continue;
      }
      const nested = await nestedKustomization(obj, ks, options.localSources, cluster);
      const sub = await diffKustomization(nested.ks, nested.dir, cluster, options, seen);
      if (sub.changed) {
        changed = true;
        out += `📁 ${subject} changed\n${sub.output}`;
      }
    }
  }
  if (specOf(ks).prune === true) {
    const built = new Set(objects.map((o) => inventoryId(refOf(o))));
    const entries = ((statusOf(ks).inventory as { entries?: InventoryEntry[] } | undefined)?.entries ?? []) as InventoryEntry[];
    for (const e of entries) {
      if (built.has(e.id)) continue;
      out += `► ${subjectOf(parseEntry(e))} deleted\n`;
      changed = true;
    }
  }
  return { output: out, changed };
}

export const diffCommand = defineCommand({
  name: 'diff',
  summary: 'Diff a flux resource',
  description: `The diff kustomization command builds a local directory as the named Kustomization would, server-side
dry-run applies the result (field manager kustomize-controller) and prints the differences with the cluster.
It exits 1 when anything would change.`,
  usageLine: 'fluxion diff kustomization NAME --path DIR [--kustomization-file FILE] [--recursive --local-sources KIND/NS/NAME=DIR] [flags]',
  examples: `  # Preview local changes as they were applied on the cluster
  fluxion diff kustomization my-app --path ./path/to/local/manifests

  # Preview using a local flux-kustomization file
  fluxion diff kustomization my-app --path ./path/to/local/manifests \\
    --kustomization-file ./path/to/local/my-app.yaml

  # Diff the Kustomizations the build contains too, from local copies of their sources
  fluxion diff kustomization my-app --path ./path/to/local/manifests \\
    --recursive --local-sources GitRepository/flux-system/my-repo=./path/to/local/git`,
  flags: {
    path: { type: 'string', help: 'Path to a local directory that matches the specified Kustomization.spec.path.' },
    'kustomization-file': { type: 'string', help: 'Path to the Flux Kustomization YAML file.' },
    recursive: { type: 'bool', short: 'r', help: 'Recursively diff Kustomizations' },
    'local-sources': { type: 'strings', help: 'Comma-separated list of repositories in format: Kind/namespace/name=path' },
  },
  async run(ctx) {
    const { name, dir } = kustomizationNameArg(ctx, 'diff');
    const ks = await kustomizationFor(ctx, name);
    const cluster = await ctx.cluster();
    const options = { recursive: ctx.flags.recursive === true, localSources: parseLocalSources((ctx.flags['local-sources'] as string[] | undefined) ?? [], ctx.io.cwd) };
    const { output, changed } = await diffKustomization(ks, dir, cluster, options, new Set());
    ctx.io.stdout.write(output);
    if (changed) throw new CommandError('identified at least one change, exiting with non-zero exit code');
    return 0;
  },
});
