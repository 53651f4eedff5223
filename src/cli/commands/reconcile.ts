/**
 * `fluxion reconcile`: sets `reconcile.fluxcd.io/requestedAt` and waits until the controller
 * has handled that request (`status.lastHandledReconcileAt`) and the object settled, printing
 * what `flux reconcile` prints.
 */
import { Annotations } from '../../api/annotations.js';
import type { KubeObject, ObjectRef } from '../../api/meta.js';
import type { Cluster } from '../../cluster/types.js';
import { CommandError, defineCommand } from '../output/command.js';
import type { CommandContext } from '../output/command.js';
import { HELM_CHART, HELM_RELEASE, KUSTOMIZATION, isSuspendedObject, kindByName, parseKindArgs, readyCondition, specOf, statusOf } from '../output/kinds.js';
import type { CliKind } from '../output/kinds.js';
import { kstatus } from '../output/readiness.js';
import { notFound } from '../output/kinds.js';
import { waitForObject } from '../output/wait.js';

/** Go's `time.Now().Format(time.RFC3339Nano)` in UTC: trailing zeros of the fraction dropped. */
export function requestStamp(now = new Date()): string {
  return now.toISOString().replace(/\.?0+Z$/, 'Z');
}

const refOf = (kind: CliKind, name: string, namespace: string): ObjectRef => ({ apiVersion: kind.apiVersion, kind: kind.kind, name, namespace });

/** Merge-patches the request annotation (and `forceAt`/`resetAt` for a HelmRelease). */
export async function requestReconciliation(cluster: Cluster, ref: ObjectRef, stamp: string, extra: Record<string, string> = {}): Promise<void> {
  await cluster.patch(ref, { metadata: { annotations: { [Annotations.requestedAt]: stamp, ...extra } } }, 'merge');
}

interface SourceTarget {
  kind: CliKind | undefined;
  kindName: string;
  name: string;
  namespace: string;
}

/** The source `--with-source` reconciles first (flux's `getSource`). */
function sourceOf(obj: KubeObject): SourceTarget {
  const spec = specOf(obj);
  const ns = obj.metadata.namespace ?? 'default';
  if (obj.kind === 'HelmRelease') {
    const chartRef = spec.chartRef as { kind?: string; name?: string; namespace?: string } | undefined;
    if (chartRef) return { kind: kindByName(chartRef.kind ?? ''), kindName: chartRef.kind ?? '', name: chartRef.name ?? '', namespace: chartRef.namespace || ns };
    const sourceRef = ((spec.chart as { spec?: { sourceRef?: { namespace?: string } } } | undefined)?.spec?.sourceRef ?? {}) as { namespace?: string };
    return { kind: HELM_CHART, kindName: 'HelmChart', name: `${ns}-${obj.metadata.name}`, namespace: sourceRef.namespace || ns };
  }
  const r = (spec.sourceRef ?? {}) as { kind?: string; name?: string; namespace?: string };
  // A HelmChart's source is always in its own namespace.
  const kind = kindByName(r.kind ?? '');
  return { kind: kind && kind !== KUSTOMIZATION && kind !== HELM_RELEASE && kind !== HELM_CHART ? kind : undefined, kindName: r.kind ?? '', name: r.name ?? '', namespace: obj.kind === 'HelmChart' ? ns : r.namespace || ns };
}

/**
 * One reconciliation as flux runs it; `withSource` first reconciles the source (a HelmChart
 * always reconciles its own source first, as flux forces it).
 */
export async function reconcileObject(ctx: CommandContext, kind: CliKind, name: string, namespace: string, withSource: boolean): Promise<void> {
  const cluster = await ctx.cluster();
  const ref = refOf(kind, name, namespace);
  const obj = await cluster.get(ref);
  if (!obj) throw new CommandError(notFound(kind, name));
  if (isSuspendedObject(obj)) throw new CommandError('resource is suspended');
  if (withSource || kind === HELM_CHART) {
    const src = sourceOf(obj);
    if (!src.kind) throw new CommandError(`cannot reconcile source of kind ${src.kindName}`);
    await reconcileObject(ctx, src.kind, src.name, src.namespace, src.kind === HELM_CHART);
  }
  const lastHandled = statusOf(obj).lastHandledReconcileAt;
  ctx.log.action(`annotating ${kind.kind} ${name} in ${namespace} namespace`);
  const stamp = requestStamp();
  const extra: Record<string, string> = {};
  if (kind === HELM_RELEASE && ctx.flags.force === true) extra[Annotations.forceAt] = stamp;
  if (kind === HELM_RELEASE && ctx.flags.reset === true) extra[Annotations.resetAt] = stamp;
  await requestReconciliation(cluster, ref, stamp, extra);
  ctx.log.success(`${kind.kind} annotated`);
  ctx.log.waiting(`waiting for ${kind.kind} reconciliation`);
  const done = await waitForObject(
    cluster,
    ref,
    (o) => {
      if (!o) throw new CommandError(`${kind.kind} ${namespace}/${name} was deleted`);
      const handled = statusOf(o).lastHandledReconcileAt;
      if (typeof handled !== 'string' || handled === lastHandled) return false;
      // Our request, or a later one the controller coalesced with it.
      const [h, mine] = [Date.parse(handled), Date.parse(stamp)];
      if (handled !== stamp && !Number.isNaN(h) && h < mine) return false;
      const k = kstatus(o);
      if (k.status === 'Failed') throw new CommandError(k.message);
      return k.status === 'Current';
    },
    { timeoutMs: ctx.timeoutMs, ...(ctx.io.signal ? { signal: ctx.io.signal } : {}) },
  );
  const ready = done ? readyCondition(done) : undefined;
  if (!ready) throw new CommandError("status can't be determined");
  if (ready.status !== 'True') throw new CommandError(kind.withSource ? `${kind.kind} reconciliation failed: ${ready.message}` : `${kind.kind} reconciliation failed: '${ready.message}'`);
  ctx.log.success(kind.successMessage(done!));
}

export const reconcileCommand = defineCommand({
  name: 'reconcile',
  summary: 'Reconcile sources and resources',
  description: `The reconcile sub-commands trigger a reconciliation of sources and resources and wait for it to finish:
they set the reconcile.fluxcd.io/requestedAt annotation and wait until the controller has handled it.`,
  usageLine: 'fluxion reconcile source git|source oci|source helm|source chart|source bucket|kustomization|helmrelease|receiver|image repository|image policy NAME [flags]',
  examples: `  # Trigger a git pull for an existing source
  fluxion reconcile source git podinfo

  # Trigger a Kustomization apply outside of the reconciliation interval
  fluxion reconcile kustomization podinfo

  # Trigger a sync of the Kustomization's source and apply changes
  fluxion reconcile kustomization podinfo --with-source

  # Force a one-off upgrade of a HelmRelease
  fluxion reconcile hr podinfo --force

  # Trigger a reconciliation for an existing Receiver
  fluxion reconcile receiver main`,
  flags: {
    'with-source': { type: 'bool', help: 'reconcile the source (Kustomization, HelmRelease) first' },
    force: { type: 'bool', help: 'force a one-off install or upgrade of the HelmRelease resource' },
    reset: { type: 'bool', help: 'reset the failure count for this HelmRelease resource' },
  },
  async run(ctx) {
    const { kind, rest } = parseKindArgs(ctx.args, 'reconcile');
    // flux has no `reconcile alert|alert-provider`: nothing reconciles those static objects.
    if (kind.isStatic) throw new CommandError(`unknown kind "${ctx.args[0]}" for "fluxion reconcile": one of source git, source oci, source helm, source chart, source bucket, kustomization, helmrelease, receiver, image repository, image policy`);
    const name = rest[0];
    if (!name) throw new CommandError(`${kind.kind} name is required`);
    if ((ctx.flags.force || ctx.flags.reset) && kind !== HELM_RELEASE) throw new CommandError('--force and --reset apply to helmrelease only');
    if (ctx.flags['with-source'] && kind !== KUSTOMIZATION && kind !== HELM_RELEASE) throw new CommandError(`--with-source applies to kustomization and helmrelease, not ${kind.humanKind}`);
    await reconcileObject(ctx, kind, name, ctx.namespace, ctx.flags['with-source'] === true);
    return 0;
  },
});
