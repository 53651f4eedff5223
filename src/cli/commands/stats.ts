/**
 * `fluxion stats`: per Flux kind, how many objects reconcile, fail (Ready=False) and are
 * suspended, and the artifact storage the sources use — `flux stats`' table.
 */
import { defineCommand } from '../output/command.js';
import { renderTable } from '../output/table.js';
import { formatSize } from '../output/time.js';

/** The kinds `flux stats` reports on, in its order. */
const STATS_KINDS: readonly [string, string][] = [
  ['GitRepository', 'source.toolkit.fluxcd.io/v1'],
  ['OCIRepository', 'source.toolkit.fluxcd.io/v1'],
  ['HelmRepository', 'source.toolkit.fluxcd.io/v1'],
  ['HelmChart', 'source.toolkit.fluxcd.io/v1'],
  ['Bucket', 'source.toolkit.fluxcd.io/v1'],
  ['Kustomization', 'kustomize.toolkit.fluxcd.io/v1'],
  ['HelmRelease', 'helm.toolkit.fluxcd.io/v2'],
  ['Alert', 'notification.toolkit.fluxcd.io/v1beta3'],
  ['Provider', 'notification.toolkit.fluxcd.io/v1beta3'],
  ['Receiver', 'notification.toolkit.fluxcd.io/v1'],
  ['ImageUpdateAutomation', 'image.toolkit.fluxcd.io/v1'],
  ['ImagePolicy', 'image.toolkit.fluxcd.io/v1'],
  ['ImageRepository', 'image.toolkit.fluxcd.io/v1'],
];

type Json = Record<string, unknown>;

export const statsCommand = defineCommand({
  name: 'stats',
  summary: 'Stats of Flux reconciles',
  description: `The stats command prints a report of Flux custom resources present on a cluster,
including their reconcile status and the amount of cumulative storage used for each source type.`,
  usageLine: 'fluxion stats [-A] [flags]',
  examples: `  # Print the stats report for a namespace
  fluxion stats --namespace default

  # Print the stats report for the whole cluster
  fluxion stats -A`,
  flags: { 'all-namespaces': { type: 'bool', short: 'A', help: 'list the statistics for objects across all namespaces' } },
  async run(ctx) {
    if (ctx.args.length) throw new Error(`unknown command "${ctx.args[0]}" for "fluxion stats"`);
    const cluster = await ctx.cluster();
    const all = ctx.flags['all-namespaces'] === true;
    const rows: string[][] = [];
    for (const [kind, apiVersion] of STATS_KINDS) {
      let total = 0;
      let suspended = 0;
      let failing = 0;
      let size = 0;
      try {
        const { items } = await cluster.list({ apiVersion, kind, ...(all ? {} : { namespace: ctx.namespace }) });
        total = items.length;
        for (const item of items) {
          if ((item.spec as Json | undefined)?.suspend === true) suspended++;
          const status = (item.status ?? {}) as Json;
          const conditions = Array.isArray(status.conditions) ? (status.conditions as Json[]) : [];
          if (conditions.some((c) => c.type === 'Ready' && c.status === 'False')) failing++;
          const s = (status.artifact as Json | undefined)?.size;
          if (typeof s === 'number') size += s;
        }
      } catch {
        // A kind the cluster does not serve counts as none, as flux ignores the list error.
      }
      rows.push([kind, String(total - suspended), String(failing), String(suspended), formatSize(size)]);
    }
    ctx.io.stdout.write(renderTable(['Reconcilers', 'Running', 'Failing', 'Suspended', 'Storage'], rows));
    return 0;
  },
});
