/**
 * `fluxion check [--pre]`: the prerequisites (a reachable API server of a supported version),
 * then the installation: fluxion's version in the cluster, the fluxion-controller Deployment
 * ready, every Flux CRD present and Established — printed as `flux check` prints its checks.
 */
import { fluxCrds } from '../../api/crds.js';
import { computeHealth } from '../../apply/kstatus.js';
import { defineCommand } from '../output/command.js';
import type { CommandContext } from '../output/command.js';
import { semverOf, serverVersion, versionAtLeast } from '../output/server-version.js';

/** The oldest Kubernetes fluxion supports (Flux 2.8 asks for 1.33; fluxion's simulator serves 1.32). */
export const MIN_KUBERNETES = '1.30.0';

async function prerequisites(ctx: CommandContext): Promise<boolean> {
  ctx.log.action('checking prerequisites');
  try {
    const v = semverOf(
      (
        await serverVersion({
          ...(ctx.flags.kubeconfig ? { kubeconfig: String(ctx.flags.kubeconfig) } : {}),
          ...(ctx.flags.context ? { context: String(ctx.flags.context) } : {}),
          env: ctx.io.env,
        })
      ).gitVersion,
    );
    if (!versionAtLeast(v, MIN_KUBERNETES)) {
      ctx.log.failure(`Kubernetes version ${v} does not match >=${MIN_KUBERNETES}-0`);
      return false;
    }
    ctx.log.success(`Kubernetes ${v} >=${MIN_KUBERNETES}-0`);
    return true;
  } catch (err) {
    ctx.log.failure(`Kubernetes client initialization failed: ${(err as Error).message}`);
    return false;
  }
}

async function installation(ctx: CommandContext): Promise<boolean> {
  const cluster = await ctx.cluster();
  let ok = true;
  const deployment = await cluster.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'fluxion-controller', namespace: ctx.namespace });
  ctx.log.action('checking version in cluster');
  const version = deployment?.metadata.labels?.['app.kubernetes.io/version'];
  if (version) ctx.log.success(`distribution: fluxion-${version}`);
  else {
    ctx.log.failure(`fluxion is not installed in the ${ctx.namespace} namespace`);
    ok = false;
  }
  ctx.log.action('checking controllers');
  if (!deployment) {
    ctx.log.failure('fluxion-controller: deployment not found');
    ok = false;
  } else {
    const health = computeHealth(deployment);
    if (health.status === 'Current') ctx.log.success('fluxion-controller: deployment ready');
    else {
      ctx.log.failure(`fluxion-controller: deployment not ready: ${health.message}`);
      ok = false;
    }
    const containers = ((deployment.spec as { template?: { spec?: { containers?: { image?: string }[] } } } | undefined)?.template?.spec?.containers ?? []);
    for (const c of containers) if (c.image) ctx.log.action(c.image);
  }
  ctx.log.action('checking crds');
  for (const crd of fluxCrds()) {
    const name = crd.metadata.name;
    const live = await cluster.get({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name });
    const versions = ((live?.spec as { versions?: { name: string; storage?: boolean }[] } | undefined)?.versions ?? []);
    const storage = versions.find((v) => v.storage)?.name ?? versions[0]?.name ?? '';
    const established = ((live?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True');
    if (!live) {
      ctx.log.failure(`${name}: not found`);
      ok = false;
    } else if (!established) {
      ctx.log.failure(`${name}/${storage}: not established`);
      ok = false;
    } else ctx.log.success(`${name}/${storage}`);
  }
  return ok;
}

export const checkCommand = defineCommand({
  name: 'check',
  summary: 'Check requirements and installation',
  description: `The check command verifies that the cluster meets the requirements and that fluxion is installed and
working: the fluxion-controller Deployment is ready and every Flux CRD is present and established.`,
  usageLine: 'fluxion check [--pre] [flags]',
  examples: `  # Run installation checks
  fluxion check

  # Run pre-installation checks
  fluxion check --pre`,
  flags: { pre: { type: 'bool', help: 'only run pre-installation checks' } },
  async run(ctx) {
    const pre = await prerequisites(ctx);
    if (ctx.flags.pre === true) {
      if (!pre) {
        ctx.log.failure('prerequisites checks failed');
        return 1;
      }
      ctx.log.success('prerequisites checks passed');
      return 0;
    }
    const ok = (await installation(ctx)) && pre;
    if (!ok) {
      ctx.log.failure('check failed');
      return 1;
    }
    ctx.log.success('all checks passed');
    return 0;
  },
});
