import { stringify } from 'yaml';
import type { KubeObject } from '../../api/meta.js';
import { refOf } from '../../api/meta.js';
import { computeHealth } from '../../apply/kstatus.js';
import type { FlagValues } from '../flags.js';
import { installManifests } from '../install.js';
import type { InstallOptions } from '../install.js';
import { CommandError, defineCommand } from '../output/command.js';

/** The manifests as one multi-document YAML stream, as `flux install --export` prints them. */
export function manifestsYaml(objects: readonly KubeObject[]): string {
  return objects.map((o) => `---\n${stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })}`).join('');
}

export function installOptionsFrom(flags: FlagValues): InstallOptions {
  const selector = flags['watch-label-selector'] as string | undefined;
  return {
    namespace: flags.namespace as string,
    replicas: flags.replicas as number,
    logLevel: flags['log-level'] as InstallOptions['logLevel'],
    ...(flags.image ? { image: flags.image as string } : {}),
    ...(selector ? { args: [`--watch-label-selector=${selector}`] } : {}),
  };
}

export const installCommand = defineCommand({
  name: 'install',
  summary: 'Install fluxion in a cluster, or print its manifests (--export)',
  description: `The install command applies what runs fluxion in a cluster, in order: the CRDs of every Flux
kind fluxion serves (waiting until they are established), the namespace, the controller's
ServiceAccount and ClusterRoleBinding, the metrics Service and the Deployment running
\`fluxion controller\` with leader election, probes and metrics; then it waits for the Deployment
to become ready. With --export it prints the same objects as YAML instead.`,
  usageLine: 'fluxion install [--export] [flags]',
  examples: `  # Install fluxion in the flux-system namespace of the current cluster
  fluxion install

  # Print the manifests, e.g. to commit them or to apply them with kubectl
  fluxion install --export > fluxion.yaml && kubectl apply --server-side -f fluxion.yaml

  # A second shard with its own controller
  fluxion install --namespace shard1 --watch-label-selector sharding.fluxcd.io/key=shard1`,
  flags: {
    export: { type: 'bool', help: 'print the manifests as YAML instead of applying them' },
    image: { type: 'string', help: 'container image of the controller (default fluxion:v<version>)' },
    replicas: { type: 'int', default: 1, help: 'controller replicas; they elect a leader' },
    'watch-label-selector': { type: 'string', help: 'reconcile only objects matching this selector (sharding)' },
    'log-level': { type: 'string', default: 'info', help: 'debug, info or error' },
  },
  async run(ctx) {
    if (ctx.args.length) throw new CommandError(`unknown command "${ctx.args[0]}" for "fluxion install"`);
    if (!['debug', 'info', 'error'].includes(ctx.flags['log-level'] as string)) throw new CommandError(`--log-level must be debug, info or error, not ${String(ctx.flags['log-level'])}`);
    if ((ctx.flags.replicas as number) < 1) throw new CommandError('--replicas must be at least 1');
    const objects = installManifests(installOptionsFrom(ctx.flags));
    if (ctx.flags.export) {
      ctx.io.stdout.write(manifestsYaml(objects));
      return 0;
    }
    ctx.log.generate('generating manifests');
    ctx.log.success('manifests build completed');
    const cluster = await ctx.cluster();
    ctx.log.action(`installing components in ${ctx.namespace} namespace`);
    const deadline = Date.now() + ctx.timeoutMs;
    const waitFor = async (obj: KubeObject, what: string): Promise<void> => {
      for (;;) {
        const live = await cluster.get(refOf(obj));
        if (computeHealth(live, Date.now()).status === 'Current') return;
        if (Date.now() >= deadline) throw new CommandError(`timeout waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    for (const o of objects) {
      const subject = o.metadata.namespace ? `${o.kind}/${o.metadata.namespace}/${o.metadata.name}` : `${o.kind}/${o.metadata.name}`;
      await cluster.apply(o, { fieldManager: 'fluxion', force: true });
      ctx.log.success(`${subject} applied`);
      // The kinds must be served before anything of theirs is created.
      if (o.kind === 'CustomResourceDefinition') await waitFor(o, `CustomResourceDefinition/${o.metadata.name} to be established`);
    }
    ctx.log.success('install completed');
    ctx.log.waiting('verifying installation');
    for (const o of objects.filter((x) => x.kind === 'Deployment')) {
      await waitFor(o, `${o.metadata.name} deployment`);
      ctx.log.success(`${o.metadata.name}: deployment ready`);
    }
    ctx.log.success('install finished');
    return 0;
  },
});
