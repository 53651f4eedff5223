/**
 * Finds and loads Kubernetes client configuration with controller-runtime's precedence (what
 * Flux's controllers use): an explicit `--kubeconfig` file, then `KUBECONFIG` (a list of files,
 * merged — the first file to define a name or the current context wins, as client-go merges),
 * then the in-cluster service account, then `~/.kube/config`. A file that cannot be used fails
 * with a `KubeConfigError` naming the file and what is wrong with it.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { Cluster as KcCluster, Context as KcContext, User as KcUser } from '@kubernetes/client-node';
import { parseDocument } from 'yaml';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export class KubeConfigError extends Error {
  /** The file at fault, when there is one. */
  readonly file: string | undefined;

  constructor(message: string, file?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KubeConfigError';
    this.file = file;
  }
}

export interface LoadKubeConfigOptions {
  /** Explicit kubeconfig file (`--kubeconfig`); wins over everything else. */
  kubeconfig?: string;
  /** Context to use instead of the file's `current-context`. */
  context?: string;
  /** Environment to read `KUBECONFIG`, `HOME`, `KUBERNETES_SERVICE_HOST/PORT` from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Where the in-cluster service account is mounted (tests point it elsewhere). */
  serviceAccountDir?: string;
}

export interface LoadedKubeConfig {
  kubeConfig: KubeConfig;
  /** Where it came from: the file(s), or `in-cluster`. */
  source: string;
}

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads and checks one kubeconfig file, then loads it through client-node. */
export function loadKubeConfigFile(file: string): KubeConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new KubeConfigError(code === 'ENOENT' ? `kubeconfig ${file}: no such file` : `kubeconfig ${file}: cannot read: ${(err as Error).message}`, file, { cause: err });
  }
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length) {
    const first = doc.errors[0] as { message: string };
    throw new KubeConfigError(`kubeconfig ${file} is not valid YAML: ${first.message.split('\n')[0]?.replace(/:$/, '')}`, file);
  }
  const root: unknown = doc.toJS();
  if (root === null || root === undefined) throw new KubeConfigError(`kubeconfig ${file} is empty`, file);
  if (!isMap(root)) throw new KubeConfigError(`kubeconfig ${file} is invalid: expected a mapping with clusters, contexts and users, got ${Array.isArray(root) ? 'a list' : typeof root}`, file);
  for (const [list, inner] of [['clusters', 'cluster'], ['contexts', 'context'], ['users', 'user']] as const) {
    const entries = root[list];
    if (entries === undefined || entries === null) continue;
    if (!Array.isArray(entries)) throw new KubeConfigError(`kubeconfig ${file} is invalid: "${list}" must be a list`, file);
    entries.forEach((e: unknown, i) => {
      if (!isMap(e)) throw new KubeConfigError(`kubeconfig ${file} is invalid: ${list}[${i}] must be a mapping`, file);
      if (typeof e.name !== 'string' || !e.name) throw new KubeConfigError(`kubeconfig ${file} is invalid: ${list}[${i}].name is missing`, file);
      if (list !== 'users' && !isMap(e[inner])) throw new KubeConfigError(`kubeconfig ${file} is invalid: ${list}[${i}] ("${e.name}") has no "${inner}" mapping`, file);
    });
  }
  const kc = new KubeConfig();
  try {
    kc.loadFromString(text);
    kc.makePathsAbsolute(path.dirname(path.resolve(file)));
  } catch (err) {
    throw new KubeConfigError(`kubeconfig ${file} is invalid: ${(err as Error).message}`, file, { cause: err });
  }
  return kc;
}

/** client-go's merge: the first file to define a name (or the current context) wins. */
function merge(configs: KubeConfig[]): KubeConfig {
  const clusters = new Map<string, KcCluster>();
  const users = new Map<string, KcUser>();
  const contexts = new Map<string, KcContext>();
  let currentContext: string | undefined;
  for (const kc of configs) {
    for (const c of kc.clusters) if (!clusters.has(c.name)) clusters.set(c.name, c);
    for (const u of kc.users) if (!users.has(u.name)) users.set(u.name, u);
    for (const c of kc.contexts) if (!contexts.has(c.name)) contexts.set(c.name, c);
    if (!currentContext && kc.currentContext) currentContext = kc.currentContext;
  }
  const out = new KubeConfig();
  out.loadFromOptions({ clusters: [...clusters.values()], users: [...users.values()], contexts: [...contexts.values()], currentContext });
  return out;
}

function inCluster(env: NodeJS.ProcessEnv, dir: string): KubeConfig | undefined {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  const tokenFile = path.join(dir, 'token');
  if (!host || !port || !existsSync(tokenFile)) return undefined;
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const nsFile = path.join(dir, 'namespace');
  const namespace = existsSync(nsFile) ? readFileSync(nsFile, 'utf8').trim() : undefined;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'inCluster', server, caFile: path.join(dir, 'ca.crt'), skipTLSVerify: false }],
    users: [{ name: 'inClusterUser', authProvider: { name: 'tokenFile', config: { tokenFile } } }],
    contexts: [{ name: 'inClusterContext', cluster: 'inCluster', user: 'inClusterUser', ...(namespace ? { namespace } : {}) }],
    currentContext: 'inClusterContext',
  });
  return kc;
}

export function loadKubeConfig(options: LoadKubeConfigOptions = {}): LoadedKubeConfig {
  const env = options.env ?? process.env;
  let kc: KubeConfig | undefined;
  let source: string;
  if (options.kubeconfig) {
    kc = loadKubeConfigFile(options.kubeconfig);
    source = options.kubeconfig;
  } else if (env.KUBECONFIG) {
    const files = env.KUBECONFIG.split(path.delimiter).filter(Boolean);
    // client-go skips listed files that do not exist, but fails when none does.
    const present = files.filter((f) => existsSync(f));
    if (!present.length) throw new KubeConfigError(`KUBECONFIG=${env.KUBECONFIG}: no such file`, files[0]);
    kc = merge(present.map(loadKubeConfigFile));
    source = present.join(path.delimiter);
  } else if ((kc = inCluster(env, options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR))) {
    source = 'in-cluster';
  } else {
    const home = env.HOME ?? env.USERPROFILE;
    const file = home ? path.join(home, '.kube', 'config') : undefined;
    if (!file || !existsSync(file)) throw new KubeConfigError('no Kubernetes configuration: pass --kubeconfig, set KUBECONFIG, run in a cluster, or create ~/.kube/config');
    kc = loadKubeConfigFile(file);
    source = file;
  }
  if (options.context) {
    if (!kc.getContextObject(options.context)) {
      const names = kc.contexts.map((c) => c.name);
      throw new KubeConfigError(`context "${options.context}" not found in ${source}${names.length ? ` (contexts: ${names.join(', ')})` : ''}`, source);
    }
    kc.setCurrentContext(options.context);
  }
  const current = kc.getCurrentContext();
  if (!current) throw new KubeConfigError(`${source} has no current-context; pass --context`, source);
  const context = kc.getContextObject(current);
  if (!context) throw new KubeConfigError(`${source}: current-context "${current}" is not defined in contexts`, source);
  if (!kc.getCluster(context.cluster)) throw new KubeConfigError(`${source}: context "${current}" refers to cluster "${context.cluster}", which is not defined`, source);
  if (context.user && !kc.getUser(context.user)) throw new KubeConfigError(`${source}: context "${current}" refers to user "${context.user}", which is not defined`, source);
  return { kubeConfig: plainHttpAllowed(kc), source };
}

/**
 * client-go talks plain HTTP to an `http://` server (a local proxy, the served simulator);
 * client-node refuses unless `insecure-skip-tls-verify` is set, though there is no TLS to
 * verify. Setting it for `http://` clusters only gives client-go's behaviour back.
 */
function plainHttpAllowed(kc: KubeConfig): KubeConfig {
  if (!kc.clusters.some((c) => c.server.startsWith('http:') && !c.skipTLSVerify)) return kc;
  const clusters = kc.clusters.map((c) => (c.server.startsWith('http:') ? { ...c, skipTLSVerify: true } : c));
  const out = new KubeConfig();
  out.loadFromOptions({ clusters, users: kc.users, contexts: kc.contexts, currentContext: kc.currentContext });
  return out;
}
