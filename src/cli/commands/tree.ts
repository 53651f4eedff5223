/**
 * `fluxion tree kustomization NAME`: the objects a Kustomization applied (its inventory), with
 * nested Kustomizations and HelmReleases (from the release in Helm's storage) expanded, drawn
 * as `flux tree` draws them.
 */
import { gunzipSync } from 'node:zlib';
import { parseAllDocuments, stringify } from 'yaml';
import type { InventoryEntry } from '../../api/kinds/kustomization.js';
import type { KubeObject } from '../../api/meta.js';
import { splitApiVersion } from '../../api/meta.js';
import { parseEntry } from '../../apply/inventory.js';
import type { Cluster } from '../../cluster/types.js';
import { CommandError, defineCommand } from '../output/command.js';
import { KUSTOMIZATION, notFound, specOf, statusOf } from '../output/kinds.js';
import type { ObjMetadata, ObjTree } from '../output/tree.js';
import { printTree } from '../output/tree.js';

const COMPACT_GROUP = 'toolkit.fluxcd.io';

function meta(ns: string, name: string, group: string, kind: string): ObjMetadata {
  return { Namespace: ns, Name: name, GroupKind: { Group: group, Kind: kind } };
}

/** The objects of a HelmRelease's latest release, read from its Helm storage Secret. */
async function helmReleaseInventory(cluster: Cluster, ns: string, name: string): Promise<ObjMetadata[]> {
  const hr = await cluster.get({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', name, namespace: ns });
  if (!hr || specOf(hr).kubeConfig) return [];
  const status = statusOf(hr);
  const storageNs = status.storageNamespace as string | undefined;
  const latest = Array.isArray(status.history) ? (status.history[0] as { name?: string; version?: number; namespace?: string } | undefined) : undefined;
  if (!storageNs || !latest?.name) return [];
  const secret = await cluster.get({ apiVersion: 'v1', kind: 'Secret', name: `sh.helm.release.v1.${latest.name}.v${latest.version}`, namespace: storageNs });
  const data = (secret?.data as Record<string, string> | undefined)?.release;
  if (!data) return [];
  let bytes = Buffer.from(Buffer.from(data, 'base64').toString('utf8'), 'base64');
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  const release = JSON.parse(bytes.toString('utf8')) as { manifest?: string };
  const out: ObjMetadata[] = [];
  for (const doc of parseAllDocuments(release.manifest ?? '')) {
    const o = doc.toJS() as KubeObject | null;
    if (!o?.kind || !o.metadata?.name) continue;
    let objNs = o.metadata.namespace ?? '';
    if (!objNs && (await cluster.resourceFor(o.apiVersion, o.kind))?.namespaced !== false) objNs = latest.namespace ?? ns;
    out.push(meta(objNs, o.metadata.name, splitApiVersion(o.apiVersion).group, o.kind));
  }
  return out;
}

async function treeKustomization(cluster: Cluster, node: ObjTree, ks: KubeObject, compact: boolean): Promise<void> {
  const entries = ((statusOf(ks).inventory as { entries?: InventoryEntry[] } | undefined)?.entries ?? []) as InventoryEntry[];
  for (const entry of entries) {
    const ref = parseEntry(entry);
    const group = splitApiVersion(ref.apiVersion).group;
    if (compact && !group.includes(COMPACT_GROUP)) continue;
    const isKs = group === 'kustomize.toolkit.fluxcd.io' && ref.kind === 'Kustomization';
    if (isKs && ref.namespace === ks.metadata.namespace && ref.name === ks.metadata.name) continue;
    const child: ObjTree = { resource: meta(ref.namespace ?? '', ref.name, group, ref.kind) };
    (node.resources ??= []).push(child);
    if (group === 'helm.toolkit.fluxcd.io' && ref.kind === 'HelmRelease') {
      for (const m of await helmReleaseInventory(cluster, ref.namespace ?? '', ref.name)) {
        if (compact && !m.GroupKind.Group.includes(COMPACT_GROUP)) continue;
        (child.resources ??= []).push({ resource: m });
      }
    }
    if (isKs && !specOf(ks).kubeConfig) {
      const nested = await cluster.get({ apiVersion: KUSTOMIZATION.apiVersion, kind: 'Kustomization', name: ref.name, namespace: ref.namespace ?? '' });
      if (!nested) throw new CommandError(`failed to find object: ${notFound(KUSTOMIZATION, ref.name)}`);
      await treeKustomization(cluster, child, nested, compact);
    }
  }
}

export const treeCommand = defineCommand({
  name: 'tree',
  summary: 'Print the resources reconciled by Flux',
  description: 'The tree command prints the resource list reconciled by a Kustomization, recursing into nested Kustomizations and HelmReleases.',
  usageLine: 'fluxion tree kustomization NAME [--compact] [-o json|yaml] [flags]',
  examples: `  # Print the resources managed by the root Kustomization
  fluxion tree kustomization flux-system

  # Print the Flux resources managed by the root Kustomization
  fluxion tree kustomization flux-system --compact`,
  flags: {
    compact: { type: 'bool', help: 'list Flux resources only.' },
    output: { type: 'string', short: 'o', help: "the format in which the tree should be printed. can be 'json' or 'yaml'" },
  },
  async run(ctx) {
    const [what, name, ...extra] = ctx.args;
    if (!what || !['kustomization', 'kustomizations', 'ks'].includes(what)) throw new CommandError(what ? `unknown kind "${what}" for "fluxion tree": only kustomization` : 'a kind is required: fluxion tree kustomization NAME');
    if (!name) throw new CommandError('kustomization name is required');
    if (extra.length) throw new CommandError(`accepts 1 arg(s), received ${extra.length + 1}`);
    const output = (ctx.flags.output as string | undefined) ?? '';
    if (!['', 'json', 'yaml'].includes(output)) throw new CommandError(`invalid output format "${output}": json or yaml`);
    const cluster = await ctx.cluster();
    const ks = await cluster.get({ apiVersion: KUSTOMIZATION.apiVersion, kind: 'Kustomization', name, namespace: ctx.namespace });
    if (!ks) throw new CommandError(notFound(KUSTOMIZATION, name));
    const root: ObjTree = { resource: meta(ks.metadata.namespace ?? '', name, 'kustomize.toolkit.fluxcd.io', 'Kustomization') };
    await treeKustomization(cluster, root, ks, ctx.flags.compact === true);
    if (output === 'json') ctx.io.stdout.write(`${JSON.stringify(root, null, 2)}\n`);
    else if (output === 'yaml') ctx.io.stdout.write(`${stringify(root)}\n`);
    else ctx.io.stdout.write(`${printTree(root)}\n`);
    return 0;
  },
});
