/**
 * `fluxion create source git|kustomization`: builds the object as `flux create` does and either
 * prints it (`--export`, YAML exactly like flux's) or applies it and waits for it to be Ready.
 */
import { formatDuration } from '../../api/duration.js';
import type { KubeObject } from '../../api/meta.js';
import { ApiError } from '../../cluster/errors.js';
import { CommandError, defineCommand } from '../output/command.js';
import type { CommandContext } from '../output/command.js';
import { GIT, KUSTOMIZATION, statusOf } from '../output/kinds.js';
import type { CliKind } from '../output/kinds.js';
import { isObjectReady } from '../output/readiness.js';
import { waitForObject } from '../output/wait.js';
import { exportYaml } from '../output/yaml.js';

const GIT_FLAGS = ['url', 'branch', 'tag', 'tag-semver', 'semver', 'commit', 'ref-name', 'secret-ref', 'ignore-paths', 'recurse-submodules', 'provider'];
const KS_FLAGS = ['source', 'path', 'prune', 'wait', 'health-check-timeout', 'target-namespace', 'depends-on', 'service-account', 'retry-interval'];

/** `--label a=b,c=d` → labels, as flux's parseLabels. */
function labelsOf(ctx: CommandContext): Record<string, string> | undefined {
  const list = (ctx.flags.label as string[] | undefined) ?? [];
  if (!list.length) return undefined;
  const out: Record<string, string> = {};
  for (const l of list) {
    const [k, v] = l.split('=', 2);
    if (!k || v === undefined) throw new CommandError(`invalid label format '${l}', must be key=value`);
    out[k] = v;
  }
  return out;
}

function meta(ctx: CommandContext, name: string): KubeObject['metadata'] {
  const labels = labelsOf(ctx);
  return { name, namespace: ctx.namespace, ...(labels ? { labels } : {}) };
}

export function gitRepositoryFrom(ctx: CommandContext, name: string): KubeObject {
  const url = ctx.flags.url as string | undefined;
  if (!url) throw new CommandError('url is required');
  let scheme: string;
  try {
    scheme = new URL(url).protocol.replace(/:$/, '');
  } catch (err) {
    throw new CommandError(`git URL parse failed: ${(err as Error).message}`);
  }
  if (!['ssh', 'http', 'https'].includes(scheme)) throw new CommandError(`git URL scheme '${scheme}' not supported, can be: ssh, http and https`);
  const f = (k: string): string | undefined => (ctx.flags[k] as string | undefined) || undefined;
  const semver = f('tag-semver') ?? f('semver');
  if (!f('branch') && !f('tag') && !semver && !f('commit') && !f('ref-name')) throw new CommandError('a Git ref is required, use one of the following: --branch, --tag, --commit, --ref-name or --tag-semver');
  const ref: Record<string, string> = {};
  if (f('commit')) {
    ref.commit = f('commit')!;
    if (f('branch')) ref.branch = f('branch')!;
  } else if (f('ref-name')) ref.name = f('ref-name')!;
  else if (semver) ref.semver = semver;
  else if (f('tag')) ref.tag = f('tag')!;
  else ref.branch = f('branch')!;
  const ignore = (ctx.flags['ignore-paths'] as string[] | undefined) ?? [];
  return {
    apiVersion: GIT.apiVersion,
    kind: GIT.kind,
    metadata: meta(ctx, name),
    spec: {
      ...(ignore.length ? { ignore: ignore.join('\n') } : {}),
      interval: formatDuration(Number(ctx.flags.interval)),
      ...(f('provider') ? { provider: f('provider') } : {}),
      ...(ctx.flags['recurse-submodules'] === true ? { recurseSubmodules: true } : {}),
      ref,
      ...(f('secret-ref') ? { secretRef: { name: f('secret-ref') } } : {}),
      url,
    },
  };
}

/** `[<kind>/]<name>[.<namespace>]`, kind GitRepository by default (flux's KustomizationSource). */
function parseSource(s: string): { kind: string; name: string; namespace?: string } {
  const slash = s.indexOf('/');
  const kind = slash >= 0 ? s.slice(0, slash) : 'GitRepository';
  const rest = slash >= 0 ? s.slice(slash + 1) : s;
  const dot = rest.indexOf('.');
  const name = dot >= 0 ? rest.slice(0, dot) : rest;
  const namespace = dot >= 0 ? rest.slice(dot + 1) : undefined;
  const kinds = ['GitRepository', 'OCIRepository', 'Bucket', 'ExternalArtifact'];
  const canonical = kinds.find((k) => k.toLowerCase() === kind.toLowerCase());
  if (!canonical) throw new CommandError(`invalid argument "${s}" for "--source" flag: source kind '${kind}' is not supported, must be one of: ${kinds.join(', ')}`);
  if (!name) throw new CommandError(`invalid argument "${s}" for "--source" flag: no name given for source of kind '${canonical}'`);
  return { kind: canonical, name, ...(namespace ? { namespace } : {}) };
}

export function kustomizationFrom(ctx: CommandContext, name: string): KubeObject {
  const p = String(ctx.flags.path ?? './');
  if (!p) throw new CommandError('path is required');
  if (!p.startsWith('./')) throw new CommandError('path must begin with ./');
  if (!ctx.flags.source) throw new CommandError('source is required');
  const source = parseSource(String(ctx.flags.source));
  const dependsOn = ((ctx.flags['depends-on'] as string[] | undefined) ?? []).map((d) => {
    const [a, b] = d.split('/', 2);
    return b ? { name: b, namespace: a } : { name: a };
  });
  const timeout = ctx.flags.wait === true ? { timeout: formatDuration(Number(ctx.flags['health-check-timeout'])) } : {};
  const retry = Number(ctx.flags['retry-interval'] ?? 0);
  return {
    apiVersion: KUSTOMIZATION.apiVersion,
    kind: KUSTOMIZATION.kind,
    metadata: meta(ctx, name),
    spec: {
      ...(dependsOn.length ? { dependsOn } : {}),
      interval: formatDuration(Number(ctx.flags.interval)),
      path: p.replace(/\\/g, '/'),
      prune: ctx.flags.prune === true,
      ...(retry > 0 ? { retryInterval: formatDuration(retry) } : {}),
      ...(ctx.flags['service-account'] ? { serviceAccountName: String(ctx.flags['service-account']) } : {}),
      sourceRef: source,
      ...(ctx.flags['target-namespace'] ? { targetNamespace: String(ctx.flags['target-namespace']) } : {}),
      ...timeout,
      ...(ctx.flags.wait === true ? { wait: true } : {}),
    },
  };
}

/** Creates or updates (spec, labels) the object; returns `created` or `updated`. */
async function upsert(ctx: CommandContext, obj: KubeObject): Promise<'created' | 'updated'> {
  const cluster = await ctx.cluster();
  const existing = await cluster.get({ apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, namespace: obj.metadata.namespace! });
  if (!existing) {
    try {
      await cluster.create(obj);
      return 'created';
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 409)) throw err;
    }
  }
  await cluster.patch({ apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, namespace: obj.metadata.namespace! }, { metadata: { labels: obj.metadata.labels ?? {} }, spec: obj.spec }, 'merge');
  return 'updated';
}

async function applyAndWait(ctx: CommandContext, kind: CliKind, obj: KubeObject, label: string): Promise<KubeObject> {
  ctx.log.action(`applying ${label}`);
  ctx.log.success(`${label} ${await upsert(ctx, obj)}`);
  ctx.log.waiting(`waiting for ${label} reconciliation`);
  const cluster = await ctx.cluster();
  const done = await waitForObject(cluster, { apiVersion: kind.apiVersion, kind: kind.kind, name: obj.metadata.name, namespace: ctx.namespace }, isObjectReady, {
    timeoutMs: ctx.timeoutMs,
    ...(ctx.io.signal ? { signal: ctx.io.signal } : {}),
  });
  return done!;
}

export const createCommand = defineCommand({
  name: 'create',
  summary: 'Create or update sources and resources',
  description: `The create sub-commands generate sources and resources: with --export they print the YAML,
otherwise they apply it and wait for the object to be Ready.`,
  usageLine: 'fluxion create source git NAME --url URL --branch|--tag|--tag-semver|--commit|--ref-name REF | create kustomization NAME --source SRC [--path ./p] [--prune] [flags]',
  examples: `  # Print a GitRepository that follows the main branch
  fluxion create source git podinfo --url=https://github.com/stefanprodan/podinfo --branch=main --interval=1m --export

  # Create a GitRepository that follows the latest 6.x tag, and wait for its artifact
  fluxion create source git podinfo --url=https://github.com/stefanprodan/podinfo --tag-semver=">=6.0.0 <7.0.0"

  # Create a Kustomization from a GitRepository at a given path
  fluxion create kustomization podinfo --source=GitRepository/podinfo --path="./kustomize" --prune=true --interval=5m`,
  flags: {
    interval: { type: 'duration', default: '1m0s', help: 'source sync interval' },
    export: { type: 'bool', help: 'export in YAML format to stdout' },
    label: { type: 'strings', help: 'set labels on the resource (can specify multiple labels with commas: label1=value1,label2=value2)' },
    url: { type: 'string', help: 'git address, e.g. ssh://git@host/org/repository' },
    branch: { type: 'string', help: 'git branch' },
    tag: { type: 'string', help: 'git tag' },
    'tag-semver': { type: 'string', help: 'git tag semver range' },
    semver: { type: 'string', help: 'git tag semver range (alias of --tag-semver)' },
    'ref-name': { type: 'string', help: 'git reference name' },
    commit: { type: 'string', help: 'git commit' },
    'secret-ref': { type: 'string', help: 'the name of an existing secret containing SSH or basic credentials' },
    'ignore-paths': { type: 'strings', help: 'set paths to ignore in git resource (can specify multiple paths with commas: path1,path2)' },
    'recurse-submodules': { type: 'bool', help: 'when enabled, configures the GitRepository source to initialize and include Git submodules' },
    provider: { type: 'string', help: 'the Git provider name (generic, azure, github)' },
    source: { type: 'string', help: "source that contains the Kubernetes manifests in the format '[<kind>/]<name>.<namespace>', where kind must be one of: (GitRepository, OCIRepository, Bucket, ExternalArtifact), if kind is not specified it defaults to GitRepository" },
    path: { type: 'string', default: './', help: 'path to the directory containing a kustomization.yaml file' },
    prune: { type: 'bool', help: 'enable garbage collection' },
    wait: { type: 'bool', help: 'enable health checking of all the applied resources' },
    'health-check-timeout': { type: 'duration', default: '2m0s', help: 'timeout of health checking operations' },
    'target-namespace': { type: 'string', help: 'overrides the namespace of all Kustomization objects reconciled by this Kustomization' },
    'depends-on': { type: 'strings', help: "Kustomization that must be ready before this Kustomization can be applied, supported formats '<name>' and '<namespace>/<name>'" },
    'service-account': { type: 'string', help: 'the name of the service account to impersonate when reconciling this Kustomization' },
    'retry-interval': { type: 'duration', help: 'the interval at which to retry a previously failed reconciliation' },
  },
  async run(ctx) {
    const [first, second, third, ...extra] = ctx.args;
    const isGit = (first === 'source' || first === 'sources') && second === 'git';
    const isKs = first === 'kustomization' || first === 'ks';
    if (!isGit && !isKs) throw new CommandError(first ? `unknown kind "${[first, second].filter(Boolean).join(' ')}" for "fluxion create": one of source git, kustomization` : 'a kind is required: fluxion create source git|kustomization NAME');
    const name = isGit ? third : second;
    if (!name) throw new CommandError(`${isGit ? 'GitRepository source' : 'Kustomization'} name is required`);
    if ((isGit ? extra : [third, ...extra]).some((a) => a !== undefined)) throw new CommandError('accepts 1 arg(s)');
    const foreign = (isGit ? KS_FLAGS : GIT_FLAGS).filter((f) => ctx.flags[f] !== undefined && !(f === 'path' && ctx.flags.path === './') && !(f === 'health-check-timeout' && ctx.flags[f] === 120_000));
    if (foreign.length) throw new CommandError(`unknown flag: --${foreign[0]} for "fluxion create ${isGit ? 'source git' : 'kustomization'}"`);
    if (isGit) {
      const obj = gitRepositoryFrom(ctx, name);
      if (ctx.flags.export === true) {
        ctx.io.stdout.write(exportYaml(obj));
        return 0;
      }
      ctx.log.generate('generating GitRepository source');
      const done = await applyAndWait(ctx, GIT, obj, 'GitRepository source');
      ctx.log.success('GitRepository source reconciliation completed');
      const artifact = statusOf(done).artifact as { revision?: string } | undefined;
      if (!artifact) throw new CommandError('GitRepository source reconciliation completed but no artifact was found');
      ctx.log.success(`fetched revision: ${artifact.revision ?? ''}`);
      return 0;
    }
    const obj = kustomizationFrom(ctx, name);
    if (ctx.flags.export === true) {
      ctx.io.stdout.write(exportYaml(obj));
      return 0;
    }
    ctx.log.generate('generating Kustomization');
    const done = await applyAndWait(ctx, KUSTOMIZATION, obj, 'Kustomization');
    ctx.log.success(`Kustomization ${name} is ready`);
    ctx.log.success(`applied revision ${String(statusOf(done).lastAppliedRevision ?? '')}`);
    return 0;
  },
});
