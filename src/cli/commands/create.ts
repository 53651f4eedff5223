/**
 * `fluxion create source git|oci|bucket|kustomization|alert-provider|alert|receiver`: builds the
 * object as `flux create` does and either prints it (`--export`, YAML exactly like flux's) or
 * applies it and waits for it to be Ready.
 */
import { formatDuration } from '../../api/duration.js';
import type { KubeObject } from '../../api/meta.js';
import { ApiError } from '../../cluster/errors.js';
import { CommandError, defineCommand } from '../output/command.js';
import type { CommandContext } from '../output/command.js';
import { ALERT, ALERT_PROVIDER, BUCKET, GIT, KUSTOMIZATION, OCI, RECEIVER, statusOf } from '../output/kinds.js';
import type { CliKind } from '../output/kinds.js';
import { OCI_PROVIDERS } from '../output/oci-access.js';
import { isObjectReady, isStaticObjectReady } from '../output/readiness.js';
import { waitForObject } from '../output/wait.js';
import type { WaitCheck } from '../output/wait.js';
import { CREATE_RECEIVER_TYPES, alertFrom, alertProviderFrom, receiverFrom } from './create-notification.js';
import { exportYaml } from '../output/yaml.js';

/** The flags each kind takes (the others are refused, as cobra refuses another command's flags). */
const KIND_FLAGS = {
  git: ['url', 'branch', 'tag', 'tag-semver', 'semver', 'commit', 'ref-name', 'secret-ref', 'ignore-paths', 'recurse-submodules', 'provider'],
  oci: ['url', 'tag', 'tag-semver', 'digest', 'secret-ref', 'cert-ref', 'proxy-secret-ref', 'service-account', 'ignore-paths', 'provider', 'insecure', 'layer-selector'],
  bucket: ['bucket-name', 'endpoint', 'provider', 'region', 'insecure', 'secret-ref', 'proxy-secret-ref', 'ignore-paths', 'access-key', 'secret-key', 'fetch-timeout'],
  kustomization: ['source', 'path', 'prune', 'wait', 'health-check-timeout', 'target-namespace', 'depends-on', 'service-account', 'retry-interval'],
  'alert-provider': ['type', 'channel', 'username', 'address', 'secret-ref'],
  alert: ['provider-ref', 'event-severity', 'event-source'],
  receiver: ['type', 'secret-ref', 'event', 'resource'],
} as const;
type CreateKind = keyof typeof KIND_FLAGS;
const SOURCE_CREATE_KINDS: readonly CreateKind[] = ['git', 'oci', 'bucket'];
const CREATE_KINDS = 'source git, source oci, source bucket, kustomization, alert-provider, alert, receiver';

/** The kind `create` was asked for: `source git|oci|bucket`, `kustomization`/`ks`, `alert-provider`, `alert`, `receiver`. */
function createKindOf(first: string | undefined, second: string | undefined): CreateKind | undefined {
  if (first === 'source' || first === 'sources') return SOURCE_CREATE_KINDS.find((k) => k === second);
  if (first === 'ks') return 'kustomization';
  return first === 'kustomization' || first === 'alert-provider' || first === 'alert' || first === 'receiver' ? first : undefined;
}
const KIND_SPECIFIC: readonly string[] = [...new Set(Object.values(KIND_FLAGS).flat())];

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

/** The object without its undefined fields (Go's `omitempty`). */
function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** flux's parseLayerSelector: `<media-type>:<operation>`, the operation `extract` or `copy`. */
function layerSelectorOf(selector: string): { mediaType: string; operation: string } | undefined {
  if (!selector) return undefined;
  const i = selector.indexOf(':');
  const mediaType = i < 0 ? '' : selector.slice(0, i);
  const operation = i < 0 ? '' : selector.slice(i + 1);
  if (!mediaType || !operation) throw new CommandError(`invalid --layer-selector "${selector}": must be in the format '<media-type>:<operation>'`);
  if (operation !== 'extract' && operation !== 'copy') throw new CommandError(`invalid --layer-selector "${selector}": operation must be "extract" or "copy"`);
  return { mediaType, operation };
}

/** An OCIRepository as `flux create source oci` builds it (the provider defaults to `generic`). */
export function ociRepositoryFrom(ctx: CommandContext, name: string): KubeObject {
  const f = (k: string): string | undefined => (ctx.flags[k] as string | undefined) || undefined;
  const url = f('url');
  if (!url) throw new CommandError('url is required');
  if (!f('tag') && !f('tag-semver') && !f('digest')) throw new CommandError('--tag, --tag-semver or --digest is required');
  const provider = f('provider') ?? 'generic';
  if (!(OCI_PROVIDERS as readonly string[]).includes(provider)) throw new CommandError(`invalid argument "${provider}" for "--provider" flag: source OCI provider '${provider}' is not supported, must be one of: ${OCI_PROVIDERS.join(', ')}`);
  const layerSelector = layerSelectorOf(f('layer-selector') ?? '');
  const ignore = (ctx.flags['ignore-paths'] as string[] | undefined) ?? [];
  const secret = (k: string): { name: string } | undefined => (f(k) ? { name: f(k)! } : undefined);
  return {
    apiVersion: OCI.apiVersion,
    kind: OCI.kind,
    metadata: meta(ctx, name),
    spec: defined({
      certSecretRef: secret('cert-ref'),
      ignore: ignore.length ? ignore.join('\n') : undefined,
      insecure: ctx.flags.insecure === true ? true : undefined,
      interval: formatDuration(Number(ctx.flags.interval)),
      layerSelector,
      provider,
      proxySecretRef: secret('proxy-secret-ref'),
      // flux sets every reference it is given; source-controller prefers digest, then semver, then tag.
      ref: defined({ digest: f('digest'), semver: f('tag-semver'), tag: f('tag') }),
      secretRef: secret('secret-ref'),
      serviceAccountName: f('service-account'),
      url,
    }),
  };
}

/** The S3-compatible providers `flux create source bucket --provider` accepts. */
export const BUCKET_PROVIDERS = ['generic', 'aws', 'azure', 'gcp'] as const;

/** A Bucket as `flux create source bucket` builds it (the provider defaults to `generic`). */
export function bucketFrom(ctx: CommandContext, name: string): KubeObject {
  const f = (k: string): string | undefined => (ctx.flags[k] as string | undefined) || undefined;
  if (!f('bucket-name')) throw new CommandError('bucket-name is required');
  if (!f('endpoint')) throw new CommandError('endpoint is required');
  const provider = f('provider') ?? 'generic';
  if (!(BUCKET_PROVIDERS as readonly string[]).includes(provider)) throw new CommandError(`invalid argument "${provider}" for "--provider" flag: source bucket provider '${provider}' is not supported, must be one of: ${BUCKET_PROVIDERS.join(', ')}`);
  const ignore = (ctx.flags['ignore-paths'] as string[] | undefined) ?? [];
  const secret = (k: string): { name: string } | undefined => (f(k) ? { name: f(k)! } : undefined);
  const fetchTimeout = Number(ctx.flags['fetch-timeout'] ?? 0);
  return {
    apiVersion: BUCKET.apiVersion,
    kind: BUCKET.kind,
    metadata: meta(ctx, name),
    spec: defined({
      bucketName: f('bucket-name'),
      endpoint: f('endpoint'),
      ignore: ignore.length ? ignore.join('\n') : undefined,
      insecure: ctx.flags.insecure === true ? true : undefined,
      interval: formatDuration(Number(ctx.flags.interval)),
      provider,
      proxySecretRef: secret('proxy-secret-ref'),
      region: f('region'),
      secretRef: secret('secret-ref'),
      timeout: fetchTimeout > 0 ? formatDuration(fetchTimeout) : undefined,
    }),
  };
}

/**
 * flux's static Bucket credentials: with `--access-key` and `--secret-key` and no `--secret-ref`,
 * the keys go into a Secret `bucket-NAME` (created, or its keys replaced) that the Bucket refers to.
 */
async function applyBucketCredentials(ctx: CommandContext, bucket: KubeObject): Promise<void> {
  const [accessKey, secretKey] = [ctx.flags['access-key'], ctx.flags['secret-key']].map((v) => (typeof v === 'string' ? v : ''));
  if (ctx.flags['secret-ref'] || !accessKey || !secretKey) return;
  const name = `bucket-${bucket.metadata.name}`;
  const namespace = bucket.metadata.namespace!;
  const keys = { accesskey: Buffer.from(accessKey).toString('base64'), secretkey: Buffer.from(secretKey).toString('base64') };
  ctx.log.action('applying secret with the bucket credentials');
  const cluster = await ctx.cluster();
  const existing = await cluster.get({ apiVersion: 'v1', kind: 'Secret', name, namespace });
  const labels = bucket.metadata.labels;
  if (!existing) await cluster.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace, ...(labels ? { labels } : {}) }, data: keys });
  else {
    const data = { ...((existing.data as Record<string, string> | undefined) ?? {}), ...keys };
    await cluster.update({ ...existing, metadata: { ...existing.metadata, ...(labels ? { labels: { ...existing.metadata.labels, ...labels } } : {}) }, data });
  }
  (bucket.spec as Record<string, unknown>).secretRef = { name };
  ctx.log.success('authentication configured');
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

/**
 * Creates the object, or replaces the spec and labels of the one there (as flux's upserts do: a
 * replaced spec leaves no stale field behind, e.g. `ref.tag` when switching to `--digest`).
 */
async function upsert(ctx: CommandContext, obj: KubeObject): Promise<'created' | 'updated'> {
  const cluster = await ctx.cluster();
  const ref = { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, namespace: obj.metadata.namespace! };
  let existing = await cluster.get(ref);
  if (!existing) {
    try {
      await cluster.create(obj);
      return 'created';
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 409)) throw err;
      existing = await cluster.get(ref);
      if (!existing) throw err;
    }
  }
  const { labels: _old, ...metadata } = existing.metadata;
  await cluster.update({ ...existing, metadata: { ...metadata, ...(obj.metadata.labels ? { labels: obj.metadata.labels } : {}) }, spec: obj.spec });
  return 'updated';
}

async function applyAndWait(ctx: CommandContext, kind: CliKind, obj: KubeObject, label: string, ready: WaitCheck = isObjectReady): Promise<KubeObject> {
  ctx.log.action(`applying ${label}`);
  ctx.log.success(`${label} ${await upsert(ctx, obj)}`);
  ctx.log.waiting(`waiting for ${label} reconciliation`);
  const cluster = await ctx.cluster();
  const done = await waitForObject(cluster, { apiVersion: kind.apiVersion, kind: kind.kind, name: obj.metadata.name, namespace: ctx.namespace }, ready, {
    timeoutMs: ctx.timeoutMs,
    ...(ctx.io.signal ? { signal: ctx.io.signal } : {}),
  });
  return done!;
}

const NOTIFICATION_CREATE = {
  'alert-provider': { kind: ALERT_PROVIDER, build: alertProviderFrom },
  alert: { kind: ALERT, build: alertFrom },
  receiver: { kind: RECEIVER, build: receiverFrom },
} as const;

/**
 * `create alert-provider|alert|receiver`: Alert and Provider are static (Ready once they exist);
 * a Receiver waits for its Ready condition and prints the webhook path the controller generated.
 */
async function createNotification(ctx: CommandContext, which: keyof typeof NOTIFICATION_CREATE, name: string): Promise<number> {
  const { kind, build } = NOTIFICATION_CREATE[which];
  const obj = build(ctx.flags, meta(ctx, name));
  if (ctx.flags.export === true) {
    ctx.io.stdout.write(exportYaml(obj));
    return 0;
  }
  ctx.log.generate(`generating ${kind.kind}`);
  const done = await applyAndWait(ctx, kind, obj, kind.kind, kind.isStatic ? isStaticObjectReady : isObjectReady);
  ctx.log.success(`${kind.kind} ${name} is ready`);
  if (kind === RECEIVER) ctx.log.success(`generated webhook URL ${String(statusOf(done).webhookPath ?? '')}`);
  return 0;
}

export const createCommand = defineCommand({
  name: 'create',
  summary: 'Create or update sources and resources',
  description: `The create sub-commands generate sources (GitRepository, OCIRepository, Bucket), Kustomizations, alert Providers,
Alerts and Receivers: with --export they print the YAML, otherwise they apply it and wait for the object to be Ready.`,
  usageLine: 'fluxion create source git NAME --url URL --branch|--tag|--tag-semver|--commit|--ref-name REF | create source oci NAME --url oci://HOST/REPO --tag|--tag-semver|--digest REF | create source bucket NAME --bucket-name B --endpoint HOST | create kustomization NAME --source SRC [--path ./p] [--prune] | create alert-provider NAME --type T | create alert NAME --provider-ref P --event-source Kind/name | create receiver NAME --type T --secret-ref S --resource Kind/name [flags]',
  examples: `  # Print a GitRepository that follows the main branch
  fluxion create source git podinfo --url=https://github.com/stefanprodan/podinfo --branch=main --interval=1m --export

  # Create a GitRepository that follows the latest 6.x tag, and wait for its artifact
  fluxion create source git podinfo --url=https://github.com/stefanprodan/podinfo --tag-semver=">=6.0.0 <7.0.0"

  # Follow a tag of a public artifact repository
  fluxion create source oci podinfo --url=oci://ghcr.io/stefanprodan/manifests/podinfo --tag=6.6.2 --interval=10m

  # Follow the newest 1.x artifact pushed to a plain-HTTP registry on this machine
  fluxion create source oci app --url=oci://localhost:5000/app --tag-semver=">=1.0.0 <2.0.0" --insecure

  # Create a Kustomization from a GitRepository at a given path
  fluxion create kustomization podinfo --source=GitRepository/podinfo --path="./kustomize" --prune=true --interval=5m

  # Follow an S3-compatible bucket on a plain-HTTP endpoint
  fluxion create source bucket podinfo --bucket-name=podinfo --endpoint=minio.minio.svc.cluster.local:9000 --insecure --secret-ref=minio-creds --interval=10m

  # Send the events of every Kustomization to a Slack channel
  fluxion create alert-provider slack --type slack --channel general --secret-ref webhook-url
  fluxion create alert flux-system --provider-ref slack --event-severity info --event-source 'Kustomization/*'

  # Reconcile a GitRepository when GitHub calls the generated webhook
  fluxion create receiver github-receiver --type github --event ping --event push --secret-ref webhook-token --resource GitRepository/webapp`,
  flags: {
    interval: { type: 'duration', default: '1m0s', help: 'source sync interval' },
    export: { type: 'bool', help: 'export in YAML format to stdout' },
    label: { type: 'strings', help: 'set labels on the resource (can specify multiple labels with commas: label1=value1,label2=value2)' },
    url: { type: 'string', help: 'git address, e.g. ssh://git@host/org/repository, or the OCI repository URL, e.g. oci://ghcr.io/org/manifests/app' },
    branch: { type: 'string', help: 'git branch' },
    tag: { type: 'string', help: 'git tag, or the OCI artifact tag' },
    'tag-semver': { type: 'string', help: 'git tag semver range, or the OCI artifact tag semver range' },
    digest: { type: 'string', help: 'the OCI artifact digest' },
    semver: { type: 'string', help: 'git tag semver range (alias of --tag-semver)' },
    'ref-name': { type: 'string', help: 'git reference name' },
    commit: { type: 'string', help: 'git commit' },
    'secret-ref': { type: 'string', help: "the name of an existing secret containing SSH or basic credentials, for OCI the Kubernetes image pull secret (type 'kubernetes.io/dockerconfigjson'), for a Bucket its credentials, for an alert provider its token, for a receiver its webhook token" },
    'cert-ref': { type: 'string', help: 'the name of a secret to use for TLS certificates (OCI)' },
    'proxy-secret-ref': { type: 'string', help: 'the name of an existing secret containing the proxy address and credentials (OCI, Bucket)' },
    insecure: { type: 'bool', help: 'for when connecting to a non-TLS registries over plain HTTP (OCI), or to a non-TLS S3 HTTP endpoint (Bucket)' },
    'layer-selector': { type: 'string', help: "the OCI artifact layer selector in the format '<media-type>:<operation>'" },
    'ignore-paths': { type: 'strings', help: 'set paths to ignore in git or bucket resource (can specify multiple paths with commas: path1,path2)' },
    'recurse-submodules': { type: 'bool', help: 'when enabled, configures the GitRepository source to initialize and include Git submodules' },
    provider: { type: 'string', help: 'the Git provider name (generic, azure, github), or the OCI or Bucket provider name (generic, aws, azure, gcp; default generic)' },
    'bucket-name': { type: 'string', help: 'the bucket name' },
    endpoint: { type: 'string', help: 'the bucket endpoint address' },
    region: { type: 'string', help: 'the bucket region' },
    'access-key': { type: 'string', help: 'the bucket access key' },
    'fetch-timeout': { type: 'duration', help: 'set a timeout for fetch operations performed by source-controller (Bucket)' },
    'secret-key': { type: 'string', help: 'the bucket secret key' },
    type: { type: 'string', help: `type of provider (alert-provider), or the receiver type (${CREATE_RECEIVER_TYPES.join('|')})` },
    channel: { type: 'string', help: 'channel to send messages to in the case of a chat provider' },
    username: { type: 'string', help: 'bot username used by the provider' },
    address: { type: 'string', help: 'path to either the git repository, chat provider or webhook' },
    'provider-ref': { type: 'string', help: 'reference to provider' },
    'event-severity': { type: 'string', help: 'severity of events to send alerts for' },
    'event-source': { type: 'strings', help: 'sources that should generate alerts (<kind>/<name>), also accepts comma-separated values' },
    event: { type: 'strings', help: 'the receiver events, also accepts comma-separated values' },
    resource: { type: 'strings', help: 'the resources the receiver reconciles (<kind>/<name>), also accepts comma-separated values' },
    source: { type: 'string', help: "source that contains the Kubernetes manifests in the format '[<kind>/]<name>.<namespace>', where kind must be one of: (GitRepository, OCIRepository, Bucket, ExternalArtifact), if kind is not specified it defaults to GitRepository" },
    path: { type: 'string', default: './', help: 'path to the directory containing a kustomization.yaml file' },
    prune: { type: 'bool', help: 'enable garbage collection' },
    wait: { type: 'bool', help: 'enable health checking of all the applied resources' },
    'health-check-timeout': { type: 'duration', default: '2m0s', help: 'timeout of health checking operations' },
    'target-namespace': { type: 'string', help: 'overrides the namespace of all Kustomization objects reconciled by this Kustomization' },
    'depends-on': { type: 'strings', help: "Kustomization that must be ready before this Kustomization can be applied, supported formats '<name>' and '<namespace>/<name>'" },
    'service-account': { type: 'string', help: 'the name of the service account to impersonate when reconciling this Kustomization, or for OCI the one that refers to an image pull secret' },
    'retry-interval': { type: 'duration', help: 'the interval at which to retry a previously failed reconciliation' },
  },
  async run(ctx) {
    const [first, second, third, ...extra] = ctx.args;
    const isSource = first === 'source' || first === 'sources';
    const kind = createKindOf(first, second);
    if (!kind) throw new CommandError(first ? `unknown kind "${[first, second].filter(Boolean).join(' ')}" for "fluxion create": one of ${CREATE_KINDS}` : `a kind is required: fluxion create ${CREATE_KINDS.replace(/, /g, '|')} NAME`);
    const name = isSource ? third : second;
    if (!name) throw new CommandError(kind === 'git' ? 'GitRepository source name is required' : kind === 'kustomization' ? 'Kustomization name is required' : 'name is required');
    if ((isSource ? extra : [third, ...extra]).some((a) => a !== undefined)) throw new CommandError('accepts 1 arg(s)');
    const allowed: readonly string[] = KIND_FLAGS[kind];
    const isDefault = (f: string): boolean => (f === 'path' && ctx.flags.path === './') || (f === 'health-check-timeout' && ctx.flags[f] === 120_000);
    const foreign = KIND_SPECIFIC.filter((f) => !allowed.includes(f) && ctx.flags[f] !== undefined && !isDefault(f));
    if (foreign.length) throw new CommandError(`unknown flag: --${foreign[0]} for "fluxion create ${isSource ? `source ${kind}` : kind}"`);
    if (kind === 'alert-provider' || kind === 'alert' || kind === 'receiver') return createNotification(ctx, kind, name);
    if (kind === 'bucket') {
      const obj = bucketFrom(ctx, name);
      if (ctx.flags.export === true) {
        ctx.io.stdout.write(exportYaml(obj));
        return 0;
      }
      ctx.log.generate('generating Bucket source');
      await applyBucketCredentials(ctx, obj);
      const done = await applyAndWait(ctx, BUCKET, obj, 'Bucket source');
      ctx.log.success('Bucket source reconciliation completed');
      const artifact = statusOf(done).artifact as { revision?: string } | undefined;
      if (!artifact) throw new CommandError('Bucket source reconciliation but no artifact was found');
      ctx.log.success(`fetched revision: ${artifact.revision ?? ''}`);
      return 0;
    }
    if (kind === 'oci') {
      const obj = ociRepositoryFrom(ctx, name);
      if (ctx.flags.export === true) {
        ctx.io.stdout.write(exportYaml(obj));
        return 0;
      }
      // flux prints no "generating" line for an OCIRepository.
      const done = await applyAndWait(ctx, OCI, obj, 'OCIRepository');
      ctx.log.success('OCIRepository reconciliation completed');
      const artifact = statusOf(done).artifact as { revision?: string } | undefined;
      if (!artifact) throw new CommandError('no artifact was found');
      ctx.log.success(`fetched revision: ${artifact.revision ?? ''}`);
      return 0;
    }
    if (kind === 'git') {
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
