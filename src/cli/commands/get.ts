/**
 * `fluxion get`: status tables of Flux objects, as `flux get` prints them (NAME REVISION
 * SUSPENDED READY MESSAGE; `-A` adds NAMESPACE; `get all` prefixes names with the kind).
 */
import type { KubeObject } from '../../api/meta.js';
import { ApiError } from '../../cluster/errors.js';
import type { Cluster } from '../../cluster/types.js';
import { CommandError, defineCommand, namespaceNameOrAny } from '../output/command.js';
import type { CommandContext } from '../output/command.js';
import { HELM_RELEASE, IMAGE_KINDS, KUSTOMIZATION, NOTIFICATION_KINDS, SOURCE_KINDS, conditionsOf, isSuspendedObject, parseKindArgs, specOf, titleBool } from '../output/kinds.js';
import type { CliKind } from '../output/kinds.js';
import { renderTable } from '../output/table.js';
import { untilAborted } from '../output/wait.js';

const examples = `  # List all Flux objects in a namespace
  fluxion get all --namespace=flux-system

  # List all Git repositories and their status, in every namespace
  fluxion get sources git --all-namespaces

  # List the Kustomizations that are not Ready
  fluxion get kustomizations --status-selector ready=false

  # Watch the HelmReleases
  fluxion get helmreleases --watch

  # List all Alerts, Providers and Receivers and their status
  fluxion get alerts
  fluxion get alert-providers
  fluxion get receivers

  # List all ImageRepositories and ImagePolicies and their status, in every namespace
  fluxion get images all -A
  fluxion get images repository
  fluxion get images policy`;

/** The source of a Kustomization/HelmRelease as `--show-source` prints it: `Kind/ns/name`. */
function sourceColumn(obj: KubeObject): string {
  const spec = specOf(obj);
  const ns = obj.metadata.namespace ?? '';
  let ref: Record<string, unknown> = {};
  if (obj.kind === 'Kustomization') ref = (spec.sourceRef ?? {}) as Record<string, unknown>;
  else if (spec.chartRef) ref = spec.chartRef as Record<string, unknown>;
  else ref = ((((spec.chart ?? {}) as Record<string, unknown>).spec ?? {}) as Record<string, unknown>).sourceRef as Record<string, unknown>;
  ref ??= {};
  return `${String(ref.kind ?? '')}/${String(ref.namespace || ns)}/${String(ref.name ?? '')}`;
}

interface GetOptions {
  allNamespaces: boolean;
  includeKind: boolean;
  showSource: boolean;
}

export function headersFor(kind: CliKind, o: GetOptions): string[] {
  if (kind.table) {
    const h = ['Name', ...kind.table.headers, 'Ready', 'Message'];
    return o.allNamespaces ? ['Namespace', ...h] : h;
  }
  const cols = kind.columns ?? { revision: true, suspended: true };
  const h = [
    'Name',
    ...(o.showSource && (kind === KUSTOMIZATION || kind === HELM_RELEASE) ? ['Source'] : []),
    ...(cols.revision ? ['Revision'] : []),
    ...(cols.suspended ? ['Suspended'] : []),
    'Ready',
    'Message',
  ];
  return o.allNamespaces ? ['Namespace', ...h] : h;
}

export function rowFor(kind: CliKind, obj: KubeObject, o: GetOptions): string[] {
  const name = o.includeKind ? `${obj.kind.toLowerCase()}/${obj.metadata.name}` : obj.metadata.name;
  const [ready, message] = kind.readyColumns(obj);
  if (kind.table) return [...(o.allNamespaces ? [obj.metadata.namespace ?? ''] : []), name, ...kind.table.cells(obj), ready, message];
  const cols = kind.columns ?? { revision: true, suspended: true };
  return [
    ...(o.allNamespaces ? [obj.metadata.namespace ?? ''] : []),
    name,
    ...(o.showSource && (kind === KUSTOMIZATION || kind === HELM_RELEASE) ? [sourceColumn(obj)] : []),
    ...(cols.revision ? [kind.revision(obj)] : []),
    ...(cols.suspended ? [titleBool(isSuspendedObject(obj))] : []),
    ready,
    message,
  ];
}

/**
 * `--status-selector type=status` or `type!=status`, compared without case. A static kind
 * (Alert, Provider) has no conditions: flux matches it only on `ready=true`.
 */
export function statusFilter(selector: string | undefined, kind?: CliKind): (obj: KubeObject) => boolean {
  if (!selector) return () => true;
  const negate = selector.includes('!=');
  const parts = selector.split(negate ? '!=' : '=');
  if (parts.length < 2) throw new CommandError(`expected status selector in type=status or type!=status format, but found: ${selector}`);
  const [type, status] = [parts[0]!, parts.slice(1).join(negate ? '!=' : '=')];
  const matches = (obj: KubeObject): boolean => {
    if (kind?.isStatic) return type.toLowerCase() === 'ready' && status.toLowerCase() === 'true';
    const c = [...conditionsOf(obj)].reverse().find((x) => x.type.toLowerCase() === type.toLowerCase());
    return c !== undefined && c.status.toLowerCase() === status.toLowerCase();
  };
  return negate ? (obj) => !matches(obj) : matches;
}

const byNamespaceName = (a: KubeObject, b: KubeObject): number =>
  (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') || a.metadata.name.localeCompare(b.metadata.name);

async function listKind(cluster: Cluster, kind: CliKind, ctx: CommandContext, name: string | undefined): Promise<KubeObject[] | undefined> {
  const all = ctx.flags['all-namespaces'] === true;
  try {
    const { items } = await cluster.list({
      apiVersion: kind.apiVersion,
      kind: kind.kind,
      ...(all ? {} : { namespace: ctx.namespace }),
      ...(ctx.flags['label-selector'] ? { labelSelector: String(ctx.flags['label-selector']) } : {}),
    });
    return items.filter((o) => name === undefined || o.metadata.name === name).sort(byNamespaceName);
  } catch (err) {
    // A kind whose CRD is not installed: `get all` skips it, as flux skips NoMatch errors.
    if (err instanceof ApiError && err.status === 404) return undefined;
    throw err;
  }
}

async function getOne(ctx: CommandContext, kind: CliKind, name: string | undefined, getAll: boolean): Promise<void> {
  const all = ctx.flags['all-namespaces'] === true;
  const cluster = await ctx.cluster();
  const items = await listKind(cluster, kind, ctx, name);
  if (items === undefined) {
    if (getAll) return;
    throw new CommandError(`no matches for kind "${kind.kind}" in version "${kind.apiVersion}"`);
  }
  if (items.length === 0) {
    if (name !== undefined) throw new CommandError(`${kind.kind} object '${name}' not found in ${namespaceNameOrAny(all, ctx.namespace)} namespace`);
    if (!getAll) throw new CommandError(`no ${kind.kind} objects found in ${namespaceNameOrAny(all, ctx.namespace)} namespace`);
    return;
  }
  const opts: GetOptions = { allNamespaces: all, includeKind: getAll, showSource: ctx.flags['show-source'] === true };
  const filter = statusFilter(ctx.flags['status-selector'] as string | undefined, kind);
  const rows = items.filter(filter).map((o) => rowFor(kind, o, opts));
  if (getAll && rows.length === 0) return;
  ctx.io.stdout.write(renderTable(ctx.flags['no-header'] === true ? [] : headersFor(kind, opts), rows));
  if (getAll) ctx.io.stdout.write('\n');
}

/** `-w`: the header with the first object, then one line per change, until aborted. */
async function watchKind(ctx: CommandContext, kind: CliKind, name: string | undefined): Promise<number> {
  const all = ctx.flags['all-namespaces'] === true;
  const cluster = await ctx.cluster();
  const opts: GetOptions = { allNamespaces: all, includeKind: false, showSource: ctx.flags['show-source'] === true };
  const filter = statusFilter(ctx.flags['status-selector'] as string | undefined, kind);
  let first = true;
  const watch = await cluster.watch(
    {
      apiVersion: kind.apiVersion,
      kind: kind.kind,
      ...(all ? {} : { namespace: ctx.namespace }),
      ...(name ? { fieldSelector: `metadata.name=${name}` } : {}),
      ...(ctx.flags['label-selector'] ? { labelSelector: String(ctx.flags['label-selector']) } : {}),
    },
    (e) => {
      if (e.type === 'BOOKMARK' || e.type === 'ERROR') return;
      if (name !== undefined && e.object.metadata.name !== name) return;
      const rows = filter(e.object) ? [rowFor(kind, e.object, opts)] : [];
      const header = first && ctx.flags['no-header'] !== true ? headersFor(kind, opts) : [];
      if (first && rows.length === 0 && header.length === 0) return;
      ctx.io.stdout.write(renderTable(first ? header : [], rows));
      first = false;
    },
  );
  await Promise.race([untilAborted(ctx.io.signal), watch.done]);
  watch.stop();
  return 0;
}

export const getCommand = defineCommand({
  name: 'get',
  summary: 'Get the resources and their status',
  description: 'The get sub-commands print the statuses of Flux resources.',
  usageLine: 'fluxion get all|sources [all|git|oci|helm|chart|bucket]|kustomizations|helmreleases|alerts|alert-providers|receivers|images [all|repository|policy] [name] [flags]',
  examples,
  flags: {
    'all-namespaces': { type: 'bool', short: 'A', help: 'list the requested object(s) across all namespaces' },
    'no-header': { type: 'bool', help: 'skip the header when printing the results' },
    watch: { type: 'bool', short: 'w', help: 'After listing/getting the requested object, watch for changes.' },
    'status-selector': { type: 'string', help: 'specify the status condition name and the desired state to filter the get result, e.g. ready=false or ready!=true' },
    'label-selector': { type: 'string', short: 'l', help: 'filter objects by label selector' },
    'show-source': { type: 'bool', help: 'show the source reference for each kustomization or helmrelease' },
  },
  async run(ctx) {
    const [first, second] = ctx.args;
    const watch = ctx.flags.watch === true;
    const images = (first === 'images' || first === 'image') && second === 'all';
    if (first === 'all' || images || ((first === 'sources' || first === 'source') && (second === 'all' || second === undefined))) {
      if (watch) throw new CommandError('expected a single resource type, but found all');
      const name = first === 'all' ? second : ctx.args[2];
      // flux's `get all` order: sources, image kinds, HelmReleases, Kustomizations, notification kinds.
      const kinds = first === 'all' ? [...SOURCE_KINDS, ...IMAGE_KINDS, HELM_RELEASE, KUSTOMIZATION, ...NOTIFICATION_KINDS] : images ? IMAGE_KINDS : SOURCE_KINDS;
      for (const kind of kinds) {
        try {
          await getOne(ctx, kind, name, true);
        } catch (err) {
          ctx.log.failure(err instanceof Error ? err.message : String(err));
        }
      }
      return 0;
    }
    const { kind, rest } = parseKindArgs(ctx.args, 'get');
    if (rest.length > 1) throw new CommandError(`accepts at most 1 arg(s), received ${rest.length}`);
    if (watch) return watchKind(ctx, kind, rest[0]);
    await getOne(ctx, kind, rest[0], false);
    return 0;
  },
});
