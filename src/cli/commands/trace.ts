/**
 * `fluxion trace`: which Kustomization or HelmRelease manages an object (its
 * `kustomize.toolkit.fluxcd.io/name|namespace` or `helm.toolkit.fluxcd.io/name|namespace`
 * labels, or an owner's), from which source and revision, and how their last reconciliation
 * went — printed as `flux trace` prints it.
 */
import type { Condition } from '../../api/conditions.js';
import type { KubeObject, ObjectRef } from '../../api/meta.js';
import type { Cluster, ResourceInfo } from '../../cluster/types.js';
import { CommandError, defineCommand } from '../output/command.js';
import type { CommandContext } from '../output/command.js';
import { readyCondition, specOf, statusOf } from '../output/kinds.js';
import { goTimeString } from '../output/time.js';

type Json = Record<string, unknown>;

/** The `group/name` + `group/namespace` labels of `obj` or of one of its owners. */
async function managedBy(cluster: Cluster, obj: KubeObject, group: string, depth = 0): Promise<{ name: string; namespace: string } | undefined> {
  const labels = obj.metadata.labels ?? {};
  const name = labels[`${group}/name`];
  if (name) return { name, namespace: labels[`${group}/namespace`] ?? '' };
  if (depth > 5) return undefined;
  for (const owner of obj.metadata.ownerReferences ?? []) {
    const o = await cluster.get({ apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name, ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}) });
    if (!o) return undefined;
    const found = await managedBy(cluster, o, group, depth + 1);
    if (found) return found;
  }
  return undefined;
}

const pad = (label: string, width: number): string => label.padEnd(width);

/** One `Status:`/`Message:` pair, flux's template for a Ready condition (or `Unknown`). */
function statusLines(ready: Condition | undefined, w: number, failedForm: boolean): string {
  if (!ready) return `${pad('Status:', w)}Unknown\n`;
  const verb = failedForm && ready.status === 'False' ? 'Last reconciliation failed at' : 'Last reconciled at';
  return `${pad('Status:', w)}${verb} ${goTimeString(ready.lastTransitionTime)}\n${pad('Message:', w)}${ready.message}\n`;
}

function gitSection(repo: KubeObject, w: number, label = 'GitRepository:'): string {
  const spec = specOf(repo);
  const ref = (spec.ref ?? undefined) as Json | undefined;
  let out = `---\n${pad(label, w)}${repo.metadata.name}\n${pad('Namespace:', w)}${repo.metadata.namespace}\n${pad('URL:', w)}${String(spec.url ?? '')}\n`;
  if (ref) {
    if (ref.tag) out += `${pad('Tag:', w)}${String(ref.tag)}\n`;
    else if (ref.semver) out += `${pad('Tag:', w)}${String(ref.semver)}\n`;
    else if (ref.branch) out += `${pad('Branch:', w)}${String(ref.branch)}\n`;
  }
  const artifact = statusOf(repo).artifact as Json | undefined;
  if (artifact) out += `${pad('Revision:', w)}${String(artifact.revision ?? '')}\n`;
  return out + statusLines(readyCondition(repo), w, true);
}

/** flux's OCIRepository section, with the artifact's origin annotations when it has metadata. */
function ociSection(repo: KubeObject): string {
  const w = 17;
  const spec = specOf(repo);
  const ref = (spec.ref ?? undefined) as Json | undefined;
  let out = `---\n${pad('OCIRepository:', w)}${repo.metadata.name}\n${pad('Namespace:', w)}${repo.metadata.namespace}\n${pad('URL:', w)}${String(spec.url ?? '')}\n`;
  if (ref) {
    if (ref.tag) out += `${pad('Tag:', w)}${String(ref.tag)}\n`;
    else if (ref.semver) out += `${pad('Tag:', w)}${String(ref.semver)}\n`;
    else if (ref.digest) out += `${pad('Digest:', w)}${String(ref.digest)}\n`;
  }
  const artifact = statusOf(repo).artifact as Json | undefined;
  if (artifact) {
    out += `${pad('Revision:', w)}${String(artifact.revision ?? '')}\n`;
    const metadata = (artifact.metadata ?? {}) as Record<string, string>;
    if (Object.keys(metadata).length) {
      for (const [label, key] of [
        ['Origin Revision: ', 'org.opencontainers.image.revision'],
        ['Origin Source:   ', 'org.opencontainers.image.source'],
      ] as const) {
        out += metadata[key] ? `${label}${metadata[key]}\n` : '\n';
      }
    }
  }
  return out + statusLines(readyCondition(repo), w, true);
}

function objectHeader(obj: KubeObject, w: number): string {
  return `\n${pad('Object:', w)}${obj.kind}/${obj.metadata.name}\n${obj.metadata.namespace ? `${pad('Namespace:', w)}${obj.metadata.namespace}\n` : ''}${pad('Status:', w)}Managed by Flux\n`;
}

async function traceKustomization(cluster: Cluster, ref: { name: string; namespace: string }, obj: KubeObject): Promise<string> {
  const ks = await cluster.get({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name: ref.name, namespace: ref.namespace });
  if (!ks) throw new CommandError(`failed to find kustomization: kustomizations.kustomize.toolkit.fluxcd.io "${ref.name}" not found`);
  const w = 17;
  const spec = specOf(ks);
  let out = objectHeader(obj, w);
  out += `---\n${pad('Kustomization:', w)}${ks.metadata.name}\n${pad('Namespace:', w)}${ks.metadata.namespace}\n`;
  if (spec.targetNamespace) out += `${pad('Target:', w)}${String(spec.targetNamespace)}\n`;
  out += `${pad('Path:', w)}${String(spec.path ?? '')}\n${pad('Revision:', w)}${String(statusOf(ks).lastAppliedRevision ?? '')}\n`;
  out += statusLines(readyCondition(ks), w, false);
  const sourceRef = (spec.sourceRef ?? {}) as Json;
  if (sourceRef.kind === 'GitRepository') {
    const repo = await cluster.get({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', name: String(sourceRef.name), namespace: String(sourceRef.namespace || ks.metadata.namespace) });
    if (!repo) throw new CommandError(`failed to find GitRepository: gitrepositories.source.toolkit.fluxcd.io "${String(sourceRef.name)}" not found`);
    out += gitSection(repo, w);
  } else if (sourceRef.kind === 'OCIRepository') {
    const repo = await cluster.get({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository', name: String(sourceRef.name), namespace: String(sourceRef.namespace || ks.metadata.namespace) });
    if (!repo) throw new CommandError(`failed to find OCIRepository: ocirepositories.source.toolkit.fluxcd.io "${String(sourceRef.name)}" not found`);
    out += ociSection(repo);
  }
  return out;
}

async function traceHelmRelease(cluster: Cluster, ref: { name: string; namespace: string }, obj: KubeObject): Promise<string> {
  const hr = await cluster.get({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', name: ref.name, namespace: ref.namespace });
  if (!hr) throw new CommandError(`failed to find HelmRelease: helmreleases.helm.toolkit.fluxcd.io "${ref.name}" not found`);
  const w = 16;
  const spec = specOf(hr);
  let out = objectHeader(obj, w);
  out += `---\n${pad('HelmRelease:', w)}${hr.metadata.name}\n${pad('Namespace:', w)}${hr.metadata.namespace}\n`;
  if (spec.targetNamespace) out += `${pad('Target:', w)}${String(spec.targetNamespace)}\n`;
  out += `${pad('Revision:', w)}${String(statusOf(hr).lastAttemptedRevision ?? '')}\n`;
  out += statusLines(readyCondition(hr), w, false);
  const chartName = statusOf(hr).helmChart as string | undefined;
  if (chartName) {
    const [ns, name] = chartName.includes('/') ? (chartName.split('/', 2) as [string, string]) : [hr.metadata.namespace ?? '', chartName];
    const chart = await cluster.get({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmChart', name, namespace: ns });
    if (!chart) throw new CommandError(`failed to find HelmChart: helmcharts.source.toolkit.fluxcd.io "${name}" not found`);
    const cs = specOf(chart);
    out += `---\n${pad('HelmChart:', w)}${name}\n${pad('Namespace:', w)}${ns}\n${pad('Chart:', w)}${String(cs.chart ?? '')}\n${pad('Version:', w)}${String(cs.version ?? '')}\n`;
    const artifact = statusOf(chart).artifact as Json | undefined;
    if (artifact) out += `${pad('Revision:', w)}${String(artifact.revision ?? '')}\n`;
    out += statusLines(readyCondition(chart), w, false);
  }
  const chartRef = spec.chartRef as Json | undefined;
  if (!spec.chart && chartRef?.kind === 'OCIRepository') {
    const repo = await cluster.get({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository', name: String(chartRef.name), namespace: String(chartRef.namespace || hr.metadata.namespace) });
    if (!repo) throw new CommandError(`failed to find OCIRepository: ocirepositories.source.toolkit.fluxcd.io "${String(chartRef.name)}" not found`);
    out += ociSection(repo);
  }
  const sourceRef = ((((spec.chart ?? {}) as Json).spec ?? {}) as Json).sourceRef as Json | undefined;
  if (sourceRef) {
    const ns = String(sourceRef.namespace || hr.metadata.namespace);
    if (sourceRef.kind === 'HelmRepository') {
      const repo = await cluster.get({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', name: String(sourceRef.name), namespace: ns });
      if (!repo) throw new CommandError(`failed to find HelmRepository: helmrepositories.source.toolkit.fluxcd.io "${String(sourceRef.name)}" not found`);
      out += `---\n${pad('HelmRepository:', w)}${repo.metadata.name}\n${pad('Namespace:', w)}${ns}\n${pad('URL:', w)}${String(specOf(repo).url ?? '')}\n`;
      const artifact = statusOf(repo).artifact as Json | undefined;
      if (artifact) out += `${pad('Revision:', w)}${String(artifact.revision ?? '')}\n`;
      out += statusLines(readyCondition(repo), w, false);
    } else if (sourceRef.kind === 'GitRepository') {
      const repo = await cluster.get({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', name: String(sourceRef.name), namespace: ns });
      if (!repo) throw new CommandError(`failed to find GitRepository: gitrepositories.source.toolkit.fluxcd.io "${String(sourceRef.name)}" not found`);
      out += gitSection(repo, 15);
    }
  }
  return out;
}

/** `deployment`, `deploy`, `deployments`, `Deployment`, `deployment.apps` → the served kind. */
export function resolveResource(resources: readonly ResourceInfo[], word: string): ResourceInfo | undefined {
  const [name, ...groupParts] = word.toLowerCase().split('.');
  const group = groupParts.join('.');
  const candidates = resources.filter(
    (r) => (group === '' || r.group === group) && (r.kind.toLowerCase() === name || r.plural === name || r.singular === name || (r.shortNames ?? []).includes(name!)),
  );
  // As kubectl: the core group first, then the rest in discovery order.
  return candidates.find((r) => r.group === '') ?? candidates[0];
}

async function resolveObjects(ctx: CommandContext, cluster: Cluster): Promise<ObjectRef[]> {
  const args = ctx.args;
  const kindFlag = ctx.flags.kind as string | undefined;
  const apiVersion = ctx.flags['api-version'] as string | undefined;
  if (kindFlag || apiVersion) {
    if (args.length < 1) throw new CommandError('object name is required');
    if (!kindFlag) throw new CommandError('object kind is required (--kind)');
    if (!apiVersion) throw new CommandError('object apiVersion is required (--api-version)');
    const info = await cluster.resourceFor(apiVersion, kindFlag);
    const kind = info?.kind ?? (kindFlag.charAt(0).toUpperCase() + kindFlag.slice(1));
    return [{ apiVersion, kind, name: args[0]!, ...(info?.namespaced === false ? {} : { namespace: ctx.namespace }) }];
  }
  if (args.length === 0) throw new CommandError('either `<resource>/<name>` or `<resource> <name>` is required as an argument');
  const resources = await cluster.resources();
  const lookup = (word: string): ResourceInfo => {
    const info = resolveResource(resources, word);
    if (!info) throw new CommandError(`the server doesn't have a resource type "${word}"`);
    return info;
  };
  const refOf = (info: ResourceInfo, name: string): ObjectRef => ({ apiVersion: info.group ? `${info.group}/${info.version}` : info.version, kind: info.kind, name, ...(info.namespaced ? { namespace: ctx.namespace } : {}) });
  if (args.every((a) => a.includes('/'))) {
    return args.map((a) => {
      const [word, name] = a.split('/', 2) as [string, string];
      return refOf(lookup(word), name);
    });
  }
  if (args.some((a) => a.includes('/'))) throw new CommandError('there is no need to specify a resource type as a separate argument when passing arguments in resource/name form');
  if (args.length < 2) throw new CommandError('either `<resource>/<name>` or `<resource> <name>` is required as an argument');
  const info = lookup(args[0]!);
  return args.slice(1).map((name) => refOf(info, name));
}

export const traceCommand = defineCommand({
  name: 'trace',
  summary: 'Trace in-cluster objects throughout the GitOps delivery pipeline',
  description: `The trace command shows how one or more objects are managed by Flux,
from which source and revision they come, and what the latest reconciliation status is.

You can also trace multiple objects with different resource kinds using <resource>/<name> multiple times.`,
  usageLine: 'fluxion trace <resource> <name> [<name> ...] | <resource>/<name>... | NAME --kind KIND --api-version V [flags]',
  examples: `  # Trace a Kubernetes Deployment
  fluxion trace -n apps deployment my-app

  # Trace a Kubernetes Pod and a config map
  fluxion trace -n redis pod/redis-master-0 cm/redis

  # Trace a Kubernetes global object
  fluxion trace namespace redis

  # API Version and Kind can also be specified explicitly
  fluxion trace redis --kind=helmrelease --api-version=helm.toolkit.fluxcd.io/v2 -n redis`,
  flags: {
    kind: { type: 'string', help: "the Kubernetes object kind, e.g. 'Deployment'" },
    'api-version': { type: 'string', help: "the Kubernetes object API version, e.g. 'apps/v1'" },
  },
  async run(ctx) {
    const cluster = await ctx.cluster();
    const refs = await resolveObjects(ctx, cluster);
    let failed = 0;
    for (const [i, ref] of refs.entries()) {
      try {
        const obj = await cluster.get(ref);
        if (!obj) throw new CommandError(`failed to find object: ${ref.kind.toLowerCase()}s "${ref.name}" not found`);
        const ks = await managedBy(cluster, obj, 'kustomize.toolkit.fluxcd.io');
        if (ks) ctx.io.stdout.write(await traceKustomization(cluster, ks, obj));
        else {
          const hr = await managedBy(cluster, obj, 'helm.toolkit.fluxcd.io');
          if (!hr) throw new CommandError('object not managed by Flux');
          ctx.io.stdout.write(await traceHelmRelease(cluster, hr, obj));
        }
      } catch (err) {
        failed++;
        ctx.log.failure(`failed to trace ${ref.kind}/${ref.name} in namespace ${ref.namespace ?? ''}: ${(err as Error).message}`);
      }
      if (i < refs.length - 1) ctx.io.stdout.write('---\n');
    }
    return failed ? 1 : 0;
  },
});
