/** `fluxion export`: Flux objects as clean YAML to re-apply elsewhere, as `flux export` prints them. */
import { CommandError, defineCommand } from '../output/command.js';
import { exportObject } from '../output/export.js';
import { notFound, parseKindArgs } from '../output/kinds.js';
import { exportYaml } from '../output/yaml.js';

export const exportCommand = defineCommand({
  name: 'export',
  summary: 'Export resources in YAML format',
  description: `The export sub-commands export resources in YAML format: apiVersion, kind, metadata (name, namespace,
labels, annotations) and spec, without status or server-set fields.`,
  usageLine: 'fluxion export source git|source oci|source helm|source chart|source bucket|kustomization|helmrelease|alert|alert-provider|receiver|image repository|image policy NAME|--all [flags]',
  examples: `  # Export all Kustomization resources
  fluxion export kustomization --all > kustomizations.yaml

  # Export a GitRepository
  fluxion export source git podinfo > source.yaml

  # Export a HelmRelease from another namespace
  fluxion export hr podinfo -n apps`,
  flags: { all: { type: 'bool', help: 'select all resources' } },
  async run(ctx) {
    const { kind, rest } = parseKindArgs(ctx.args, 'export');
    const all = ctx.flags.all === true;
    if (!all && rest.length < 1) throw new CommandError('name is required');
    const cluster = await ctx.cluster();
    if (all) {
      const { items } = await cluster.list({ apiVersion: kind.apiVersion, kind: kind.kind, namespace: ctx.namespace });
      if (items.length === 0) throw new CommandError(`no objects found in ${ctx.namespace} namespace`);
      for (const o of items.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) ctx.io.stdout.write(exportYaml(exportObject(o)));
      return 0;
    }
    const obj = await cluster.get({ apiVersion: kind.apiVersion, kind: kind.kind, name: rest[0]!, namespace: ctx.namespace });
    if (!obj) throw new CommandError(notFound(kind, rest[0]!));
    ctx.io.stdout.write(exportYaml(exportObject(obj)));
    return 0;
  },
});
