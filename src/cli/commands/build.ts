/**
 * `fluxion build kustomization NAME --path DIR`: prints the objects the Kustomization would
 * apply if its source held DIR — built with fluxion's kustomize engine, the spec merged,
 * substituted and labelled — as `flux build kustomization` does. With `--kustomization-file`
 * and `--dry-run` it needs no cluster.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../api/meta.js';
import { emitDocuments } from '../../kustomize/index.js';
import { CommandError, defineCommand } from '../output/command.js';
import type { CommandContext } from '../output/command.js';
import { KUSTOMIZATION, notFound } from '../output/kinds.js';
import { buildTree, parseLocalSources } from '../output/ks-build.js';

/** The Kustomization named NAME: from `--kustomization-file` when given, else from the cluster. */
export async function kustomizationFor(ctx: CommandContext, name: string): Promise<KubeObject> {
  const file = ctx.flags['kustomization-file'] as string | undefined;
  if (file) {
    const text = await readFile(path.resolve(ctx.io.cwd, file), 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new CommandError(`failed to read kustomization file ${file}: ${err.code === 'ENOENT' ? 'no such file or directory' : err.message}`);
    });
    const docs = parseAllDocuments(text).map((d) => d.toJS() as KubeObject | null);
    const ks = docs.find((d) => d?.kind === 'Kustomization' && d.apiVersion?.startsWith('kustomize.toolkit.fluxcd.io/') && d.metadata?.name === name);
    if (!ks) throw new CommandError(`failed to find Kustomization '${name}' in ${file}`);
    ks.metadata.namespace ??= ctx.namespace;
    return ks;
  }
  if (ctx.flags['dry-run'] === true) throw new CommandError('dry-run mode requires a kustomization file');
  const cluster = await ctx.cluster();
  const ks = await cluster.get({ apiVersion: KUSTOMIZATION.apiVersion, kind: 'Kustomization', name, namespace: ctx.namespace });
  if (!ks) throw new CommandError(notFound(KUSTOMIZATION, name));
  return ks;
}

export function kustomizationNameArg(ctx: CommandContext, command: string): { name: string; dir: string } {
  const [what, name, ...extra] = ctx.args;
  if (!what || !['kustomization', 'ks'].includes(what)) throw new CommandError(what ? `unknown kind "${what}" for "fluxion ${command}": only kustomization` : `a kind is required: fluxion ${command} kustomization NAME --path DIR`);
  if (!name) throw new CommandError('name is required');
  if (extra.length) throw new CommandError(`accepts 1 arg(s), received ${extra.length + 1}`);
  const dir = ctx.flags.path as string | undefined;
  if (!dir) throw new CommandError('invalid resource path ""');
  return { name, dir: path.resolve(ctx.io.cwd, dir) };
}

export const buildCommand = defineCommand({
  name: 'build',
  summary: 'Build a flux resource',
  description: `The build kustomization command builds a local directory as the named Kustomization would build it in
the cluster: spec overlays, post-build substitution and owner labels included.`,
  usageLine: 'fluxion build kustomization NAME --path DIR [--kustomization-file FILE] [--dry-run] [--recursive --local-sources KIND/NS/NAME=DIR] [flags]',
  examples: `  # Build the local manifests as they were built on the cluster
  fluxion build kustomization my-app --path ./path/to/local/manifests

  # Build using a local flux-kustomization file, without a cluster
  fluxion build kustomization my-app --path ./path/to/local/manifests \\
    --kustomization-file ./path/to/local/my-app.yaml --dry-run

  # Build every Kustomization the build contains too, from local copies of their sources
  fluxion build kustomization my-app --path ./path/to/local/manifests \
    --recursive --local-sources GitRepository/flux-system/my-repo=./path/to/local/git`,
  flags: {
    path: { type: 'string', help: 'Path to the manifests location.' },
    'kustomization-file': { type: 'string', help: 'Path to the Flux Kustomization YAML file.' },
    'dry-run': { type: 'bool', help: 'Dry run mode: no cluster is contacted (requires --kustomization-file).' },
    recursive: { type: 'bool', short: 'r', help: 'Recursively build Kustomizations' },
    'local-sources': { type: 'strings', help: 'Comma-separated list of repositories in format: Kind/namespace/name=path' },
  },
  async run(ctx) {
    const { name, dir } = kustomizationNameArg(ctx, 'build');
    const ks = await kustomizationFor(ctx, name);
    const options = { recursive: ctx.flags.recursive === true, localSources: parseLocalSources((ctx.flags['local-sources'] as string[] | undefined) ?? [], ctx.io.cwd) };
    const objects = await buildTree(ks, dir, ctx.flags['dry-run'] === true ? undefined : await ctx.cluster(), options);
    ctx.io.stdout.write(emitDocuments(objects));
    return 0;
  },
});
