/**
 * `fluxion uninstall`: removes fluxion from the cluster as `flux uninstall` removes Flux —
 * the controller's objects, the finalizers on every Flux object (so deleting the CRDs does not
 * hang and nothing is pruned), the Flux CRDs and, unless `--keep-namespace`, the namespace.
 */
import { fluxCrds } from '../../api/crds.js';
import { FLUX_FINALIZER } from '../../api/annotations.js';
import { CommandError, defineCommand } from '../output/command.js';
import { ALL_KINDS } from '../output/kinds.js';
import { confirm } from './delete.js';

const COMPONENT_KINDS: readonly [string, string, boolean][] = [
  ['apps/v1', 'Deployment', true],
  ['v1', 'Service', true],
  ['networking.k8s.io/v1', 'NetworkPolicy', true],
  ['v1', 'ServiceAccount', true],
  ['rbac.authorization.k8s.io/v1', 'ClusterRole', false],
  ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', false],
];

export const uninstallCommand = defineCommand({
  name: 'uninstall',
  summary: "Uninstall fluxion and its custom resource definitions",
  description: "The uninstall command removes fluxion's controller, the Flux CRDs and the namespace from the cluster, leaving the objects fluxion applied in place.",
  usageLine: 'fluxion uninstall [--keep-namespace] [--dry-run] [-s] [flags]',
  examples: `  # Uninstall fluxion components, its custom resources and namespace
  fluxion uninstall --namespace=flux-system

  # Uninstall fluxion but keep the namespace
  fluxion uninstall --namespace=infra --keep-namespace=true`,
  flags: {
    'keep-namespace': { type: 'bool', help: 'skip namespace deletion' },
    'dry-run': { type: 'bool', help: 'only print the objects that would be deleted' },
    silent: { type: 'bool', short: 's', help: 'delete components without asking for confirmation' },
  },
  async run(ctx) {
    if (ctx.args.length) throw new CommandError(`unknown command "${ctx.args[0]}" for "fluxion uninstall"`);
    const dryRun = ctx.flags['dry-run'] === true;
    if (!dryRun && ctx.flags.silent !== true && !(await confirm(ctx, 'Are you sure you want to delete fluxion and its custom resource definitions'))) throw new CommandError('aborting');
    const suffix = dryRun ? '(dry run)' : '';
    const cluster = await ctx.cluster();
    const opts = dryRun ? { dryRun: true } : {};
    let failed = 0;
    ctx.log.action(`deleting components in ${ctx.namespace} namespace`);
    const selector = `app.kubernetes.io/part-of=fluxion,app.kubernetes.io/instance=${ctx.namespace}`;
    for (const [apiVersion, kind, namespaced] of COMPONENT_KINDS) {
      let items;
      try {
        items = (await cluster.list({ apiVersion, kind, labelSelector: selector, ...(namespaced ? { namespace: ctx.namespace } : {}) })).items;
      } catch {
        continue;
      }
      for (const o of items.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
        const subject = namespaced ? `${kind}/${o.metadata.namespace}/${o.metadata.name}` : `${kind}/${o.metadata.name}`;
        try {
          await cluster.delete({ apiVersion, kind, name: o.metadata.name, ...(namespaced ? { namespace: ctx.namespace } : {}) }, opts);
          ctx.log.success(`${subject} deleted ${suffix}`);
        } catch (err) {
          failed++;
          ctx.log.failure(`${subject} deletion failed: ${(err as Error).message}`);
        }
      }
    }
    ctx.log.action('deleting toolkit.fluxcd.io finalizers in all namespaces');
    for (const k of ALL_KINDS) {
      let items;
      try {
        items = (await cluster.list({ apiVersion: k.apiVersion, kind: k.kind })).items;
      } catch {
        continue;
      }
      for (const o of items) {
        const subject = `${k.kind}/${o.metadata.namespace}/${o.metadata.name}`;
        try {
          const rest = (o.metadata.finalizers ?? []).filter((f) => f !== FLUX_FINALIZER);
          await cluster.patch({ apiVersion: k.apiVersion, kind: k.kind, name: o.metadata.name, namespace: o.metadata.namespace! }, { metadata: { finalizers: rest.length ? rest : null } }, 'merge', opts);
          ctx.log.success(`${subject} finalizers deleted ${suffix}`);
        } catch (err) {
          failed++;
          ctx.log.failure(`${subject} removing finalizers failed: ${(err as Error).message}`);
        }
      }
    }
    ctx.log.action('deleting toolkit.fluxcd.io custom resource definitions');
    for (const crd of fluxCrds()) {
      const ref = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: crd.metadata.name };
      if (!(await cluster.get(ref))) continue;
      try {
        await cluster.delete(ref, opts);
        ctx.log.success(`CustomResourceDefinition/${crd.metadata.name} deleted ${suffix}`);
      } catch (err) {
        failed++;
        ctx.log.failure(`CustomResourceDefinition/${crd.metadata.name} deletion failed: ${(err as Error).message}`);
      }
    }
    if (ctx.flags['keep-namespace'] !== true) {
      const ref = { apiVersion: 'v1', kind: 'Namespace', name: ctx.namespace };
      if (await cluster.get(ref)) {
        try {
          await cluster.delete(ref, opts);
          ctx.log.success(`Namespace/${ctx.namespace} deleted ${suffix}`);
        } catch (err) {
          failed++;
          ctx.log.failure(`Namespace/${ctx.namespace} deletion failed: ${(err as Error).message}`);
        }
      }
    }
    if (failed) throw new CommandError('uninstall failed');
    ctx.log.success('uninstall finished');
    return 0;
  },
});
