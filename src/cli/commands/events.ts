/**
 * `fluxion events`: the Kubernetes Events of Flux objects, as `flux events` prints them
 * (LAST SEEN TYPE REASON OBJECT MESSAGE; NAMESPACE with `-A` or when `--for` reaches into
 * another namespace). `--for Kind/name` adds the events of the object's source.
 */
import type { KubeObject } from '../../api/meta.js';
import type { Cluster } from '../../cluster/types.js';
import { CommandError, defineCommand } from '../output/command.js';
import type { CommandContext } from '../output/command.js';
import { kindByName, specOf } from '../output/kinds.js';
import { renderTable } from '../output/table.js';
import { since } from '../output/time.js';
import { untilAborted } from '../output/wait.js';

/** Kinds whose events flux shows (its `fluxKindMap`). */
const FLUX_EVENT_KINDS = ['Kustomization', 'HelmRelease', 'Alert', 'Receiver', 'Provider', 'ImagePolicy', 'ImageRepository', 'ImageUpdateAutomation', 'HelmChart', 'GitRepository', 'OCIRepository', 'HelmRepository', 'Bucket', 'ExternalArtifact'];

interface Target {
  kind: string;
  name: string | undefined;
  namespace: string | undefined;
}

type Json = Record<string, unknown>;
const involved = (e: KubeObject): Json => (e.involvedObject ?? {}) as Json;

function eventTime(e: KubeObject): number {
  const t = (e.eventTime as string | undefined) || (e.lastTimestamp as string | undefined) || (e.firstTimestamp as string | undefined) || e.metadata.creationTimestamp;
  return t ? Date.parse(t) : 0;
}

/** flux's `getLastSeen`: `5m`, or `30s (x3 over 5m)` for a repeated event. */
export function lastSeen(e: KubeObject, now: number): string {
  const first = e.eventTime ? since(String(e.eventTime), now) : since(e.firstTimestamp as string | undefined, now);
  const series = e.series as { lastObservedTime?: string; count?: number } | undefined;
  if (series) return `${since(series.lastObservedTime, now)} (x${series.count ?? 0} over ${first})`;
  const count = Number(e.count ?? 0);
  if (count > 1) return `${since(e.lastTimestamp as string | undefined, now)} (x${count} over ${first})`;
  return first;
}

function rowOf(e: KubeObject, showNs: boolean, now: number): string[] {
  const io = involved(e);
  return [...(showNs ? [e.metadata.namespace ?? ''] : []), lastSeen(e, now), String(e.type ?? ''), String(e.reason ?? ''), `${String(io.kind ?? '')}/${String(io.name ?? '')}`, String(e.message ?? '')];
}

const headers = (showNs: boolean): string[] => [...(showNs ? ['Namespace'] : []), 'Last seen', 'Type', 'Reason', 'Object', 'Message'];

/** The object itself plus what flux also shows for it: its source (and a HelmRelease's chart). */
async function targetsFor(cluster: Cluster, selector: string, namespace: string): Promise<Target[]> {
  const [kindName, name] = selector.split('/', 2) as [string, string | undefined];
  if (!kindName) throw new CommandError('--for selector must be of format <kind>[/<name>]');
  const fluxKind = FLUX_EVENT_KINDS.find((k) => k.toLowerCase() === kindName.toLowerCase());
  if (!fluxKind) throw new CommandError(`'${kindName}' is not a recognized Flux kind`);
  const targets: Target[] = [{ kind: fluxKind, name: name || undefined, namespace }];
  const kind = kindByName(fluxKind);
  if (!name || !kind || (fluxKind !== 'Kustomization' && fluxKind !== 'HelmRelease' && fluxKind !== 'HelmChart')) return targets;
  const obj = await cluster.get({ apiVersion: kind.apiVersion, kind: kind.kind, name, namespace });
  if (!obj) throw new CommandError(`${kind.kind.toLowerCase()}s.${kind.apiVersion.split('/')[0]} "${name}" not found`);
  const spec = specOf(obj);
  let ref: Json | undefined;
  if (fluxKind === 'HelmRelease') {
    ref = ((((spec.chart ?? {}) as Json).spec ?? {}) as Json).sourceRef as Json | undefined;
    if (!ref) throw new CommandError(`field 'spec.chart.spec.sourceRef' for '${name}' not found`);
  } else ref = spec.sourceRef as Json | undefined;
  if (!ref) return targets;
  const refNs = fluxKind === 'HelmChart' ? namespace : String(ref.namespace || namespace);
  targets.push({ kind: String(ref.kind), name: String(ref.name), namespace: refNs });
  if (fluxKind === 'HelmRelease') targets.push({ kind: 'HelmChart', name: `${namespace}-${name}`, namespace: refNs });
  return targets;
}

const matches = (e: KubeObject, t: Target): boolean => {
  const io = involved(e);
  return io.kind === t.kind && (t.name === undefined || io.name === t.name) && (t.namespace === undefined || e.metadata.namespace === t.namespace);
};

export const eventsCommand = defineCommand({
  name: 'events',
  summary: 'Display Kubernetes events for Flux resources',
  description: 'The events sub-command shows Kubernetes events from Flux resources.',
  usageLine: 'fluxion events [--for Kind/name] [-A] [-w] [flags]',
  examples: `  # Display events for flux resources in default namespace
  fluxion events -n default

  # Display events for flux resources in all namespaces
  fluxion events -A

  # Display events for a Kustomization named podinfo
  fluxion events --for Kustomization/podinfo

  # Display warning events for a GitRepository
  fluxion events --for GitRepository/podinfo --types warning`,
  flags: {
    'all-namespaces': { type: 'bool', short: 'A', help: 'display events from Flux resources across all namespaces' },
    watch: { type: 'bool', short: 'w', help: 'indicate if the events should be streamed' },
    for: { type: 'string', help: 'get events for a particular object' },
    types: { type: 'strings', help: 'filter events for certain types (valid types are: Normal, Warning)' },
  },
  async run(ctx: CommandContext) {
    const types = ((ctx.flags.types as string[] | undefined) ?? []).map((t) => {
      if (!['normal', 'warning'].includes(t.toLowerCase())) throw new CommandError(`type '${t}' not supported. Supported types are Normal, Warning`);
      return t.toLowerCase();
    });
    if (ctx.args.length > 0) throw new CommandError(`unknown command "${ctx.args[0]}" for "fluxion events"`);
    const all = ctx.flags['all-namespaces'] === true;
    const cluster = await ctx.cluster();
    const targets = ctx.flags.for ? await targetsFor(cluster, String(ctx.flags.for), ctx.namespace) : [{ kind: '', name: undefined, namespace: all ? undefined : ctx.namespace }];
    const showNs = all || targets.some((t) => t.namespace !== undefined && t.namespace !== ctx.namespace);
    const wanted = (e: KubeObject): boolean => {
      const kind = String(involved(e).kind ?? '');
      if (!FLUX_EVENT_KINDS.includes(kind)) return false;
      if (types.length && !types.includes(String(e.type ?? '').toLowerCase())) return false;
      if (!ctx.flags.for) return all || e.metadata.namespace === ctx.namespace;
      return targets.some((t) => matches(e, t));
    };
    if (ctx.flags.watch === true) {
      let first = true;
      const watch = await cluster.watch({ apiVersion: 'v1', kind: 'Event', ...(all || showNs ? {} : { namespace: ctx.namespace }) }, (e) => {
        if ((e.type !== 'ADDED' && e.type !== 'MODIFIED') || !wanted(e.object)) return;
        ctx.io.stdout.write(renderTable(first ? headers(showNs) : [], [rowOf(e.object, showNs, Date.now())]));
        first = false;
      });
      await Promise.race([untilAborted(ctx.io.signal), watch.done]);
      watch.stop();
      return 0;
    }
    const namespaces = all ? [undefined] : [...new Set(targets.map((t) => t.namespace ?? ctx.namespace))];
    const events: KubeObject[] = [];
    for (const ns of namespaces) events.push(...(await cluster.list({ apiVersion: 'v1', kind: 'Event', ...(ns ? { namespace: ns } : {}) })).items);
    const rows = events
      .filter(wanted)
      .sort((a, b) => eventTime(a) - eventTime(b))
      .map((e) => rowOf(e, showNs, Date.now()));
    if (rows.length === 0) {
      ctx.log.failure(all ? 'No events found.' : `No events found in ${ctx.namespace} namespace.`);
      return 0;
    }
    ctx.io.stdout.write(renderTable(headers(showNs), rows));
    return 0;
  },
});

