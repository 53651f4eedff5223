/**
 * notification-controller inside the engine. Alerts and Providers are static objects (Flux
 * v1beta3 keeps no status for them): the dispatcher reads them when an event comes. Receivers
 * are reconciled here — token Secret read, `status.webhookPath` and Ready written, again every
 * `spec.interval` — and `receive` serves their webhook: verify the request, then annotate each
 * referenced resource with `reconcile.fluxcd.io/requestedAt`, which the supervisor turns into a
 * reconcile.
 */
import { parse as parseYaml } from 'yaml';
import type { Clock } from '../api/clock.js';
import type { KubeObject, ObjectRef } from '../api/meta.js';
import { keyOf, refOf } from '../api/meta.js';
import { Annotations } from '../api/annotations.js';
import { setCondition } from '../api/conditions.js';
import type { Condition } from '../api/conditions.js';
import { parseDuration } from '../api/duration.js';
import { tryNormalize } from '../api/kinds.js';
import type { Alert } from '../api/kinds/alert.js';
import type { Provider } from '../api/kinds/provider.js';
import { DEFAULT_PROVIDER_TIMEOUT } from '../api/kinds/provider.js';
import type { Receiver, ReceiverResource } from '../api/kinds/receiver.js';
import { RECEIVER_WEBHOOK_PREFIX, receiverWebhookPath } from '../api/kinds/receiver.js';
import { FluxionReasons, MetaReasons, NotificationReasons } from '../api/reasons.js';
import type { Cluster, Watch } from '../cluster/types.js';
import { isApiError } from '../cluster/errors.js';
import type { Dispatcher, DispatchProblem, NotificationResolver } from '../notify/dispatcher.js';
import type { FluxEvent } from '../notify/event.js';
import type { ResolvedProvider } from '../notify/providers.js';
import type { ReceiverRequest } from '../notify/receiver.js';
import { SUPPORTED_RECEIVER_TYPES, verifyReceiverRequest } from '../notify/receiver.js';

const GROUP = 'notification.toolkit.fluxcd.io';
const ALERT = { apiVersion: `${GROUP}/v1beta3`, kind: 'Alert' } as const;
const PROVIDER = { apiVersion: `${GROUP}/v1beta3`, kind: 'Provider' } as const;
const RECEIVER = { apiVersion: `${GROUP}/v1`, kind: 'Receiver' } as const;
const REPORTING_CONTROLLER = 'notification-controller';

/** The API versions Flux assumes when a Receiver resource names none (receiver_handlers.go). */
const DEFAULT_API_VERSIONS: Record<string, string> = {
  Bucket: 'source.toolkit.fluxcd.io/v1',
  HelmChart: 'source.toolkit.fluxcd.io/v1',
  HelmRepository: 'source.toolkit.fluxcd.io/v1',
  GitRepository: 'source.toolkit.fluxcd.io/v1',
  OCIRepository: 'source.toolkit.fluxcd.io/v1',
  ImageRepository: 'image.toolkit.fluxcd.io/v1',
  ArtifactGenerator: 'source.extensions.fluxcd.io/v1beta1',
};

/** What a webhook call is answered with. */
export interface ReceiveResult {
  status: number;
  message: string;
  /** The resources annotated (`Kind/namespace/name`). */
  annotated: string[];
}

export interface NotificationControllerOptions {
  cluster: Cluster;
  clock: Clock;
  dispatcher?: Dispatcher;
  /** Only this namespace (Flux's --watch-all-namespaces=false). */
  namespace?: string;
  /** Flux's --no-cross-namespace-refs for Receiver resources. */
  noCrossNamespaceRefs?: boolean;
  onError?: (message: string, err: unknown) => void;
}

function decode(secret: KubeObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((secret.data as Record<string, string> | undefined) ?? {})) out[k] = Buffer.from(v, 'base64').toString('utf8');
  for (const [k, v] of Object.entries((secret.stringData as Record<string, string> | undefined) ?? {})) out[k] = v;
  return out;
}

export class NotificationController {
  /** Receiver key → the webhook path its status holds. */
  private readonly paths = new Map<string, string>();
  private readonly timers = new Map<string, unknown>();
  private readonly generations = new Map<string, string>();
  private readonly watches = new Set<Watch>();
  /** Alerts by key, while watched (`start`); before that, every event lists them. */
  private readonly alertCache = new Map<string, Alert>();
  private alertsCached = false;
  private running = false;
  private seq = 0;
  private lastRequestedAt: string | undefined;
  private readonly onError: (message: string, err: unknown) => void;

  constructor(private readonly options: NotificationControllerOptions) {
    this.onError = options.onError ?? (() => undefined);
    options.dispatcher?.setResolver(this.resolver(), (p) => this.recordProblem(p));
  }

  // ---- Alerts and Providers, for the dispatcher ------------------------------------------

  /** Reads Alerts, Providers, Secrets and labels from the cluster, as values. */
  resolver(): NotificationResolver {
    const { cluster } = this.options;
    const scope = this.options.namespace ? { namespace: this.options.namespace } : {};
    return {
      alerts: async () => {
        if (this.alertsCached) return [...this.alertCache.values()];
        if (!(await cluster.resourceFor(ALERT.apiVersion, ALERT.kind))) return [];
        const list = await cluster.list({ ...ALERT, ...scope });
        return list.items.flatMap((o) => {
          const r = tryNormalize(o);
          return r.ok ? [r.object as Alert] : [];
        });
      },
      provider: async (namespace, name) => {
        const o = await cluster.get({ ...PROVIDER, namespace, name }).catch((err: unknown) => (isApiError(err, 404) ? undefined : Promise.reject(err)));
        if (!o) return undefined;
        const r = tryNormalize(o);
        if (!r.ok) throw new Error(`invalid provider: ${r.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
        return r.object as Provider;
      },
      resolve: (provider) => this.resolveProvider(provider),
      labelsOf: async (event: FluxEvent) => {
        const o = event.involvedObject;
        const obj = await cluster.get({ apiVersion: o.apiVersion, kind: o.kind, name: o.name, namespace: o.namespace });
        return obj?.metadata.labels ?? undefined;
      },
    };
  }

  private async secret(namespace: string, name: string): Promise<Record<string, string>> {
    const s = await this.options.cluster.get({ apiVersion: 'v1', kind: 'Secret', namespace, name });
    if (!s) throw new Error(`failed to get secret '${namespace}/${name}': not found`);
    return decode(s);
  }

  /** The Provider's address, token, credentials, headers and TLS, from its Secrets (event_handlers.go createNotifier). */
  private async resolveProvider(p: Provider): Promise<ResolvedProvider> {
    const namespace = p.metadata.namespace ?? 'default';
    const out: ResolvedProvider = {
      namespace,
      name: p.metadata.name,
      ...(p.metadata.uid ? { uid: p.metadata.uid } : {}),
      type: p.spec.type,
      address: p.spec.address ?? '',
      ...(p.spec.channel ? { channel: p.spec.channel } : {}),
      ...(p.spec.username ? { username: p.spec.username } : {}),
      timeoutMs: parseDuration(p.spec.timeout ?? DEFAULT_PROVIDER_TIMEOUT),
    };
    if (p.spec.secretRef) {
      const data = await this.secret(namespace, p.spec.secretRef.name);
      if (data.address !== undefined) {
        if (data.address.length > 2048) throw new Error('invalid address in secret: address exceeds maximum length of 2048 bytes');
        out.address = data.address.trim();
      }
      if (data.proxy !== undefined) throw new Error(`the 'proxy' key of secret '${namespace}/${p.spec.secretRef.name}' asks for a proxy, which fluxion does not support`);
      if (data.headers !== undefined) {
        let headers: unknown;
        try {
          headers = parseYaml(data.headers);
        } catch (err) {
          throw new Error(`failed to read headers from secret: ${(err as Error).message}`);
        }
        if (headers && typeof headers === 'object') out.headers = Object.fromEntries(Object.entries(headers as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
      }
      if (data.token !== undefined) out.token = data.token.trim();
      if (data.username !== undefined && data.password !== undefined) out.basicAuth = { username: data.username, password: data.password };
    }
    if (p.spec.certSecretRef) {
      const data = await this.secret(namespace, p.spec.certSecretRef.name);
      const ca = data['ca.crt'] ?? data.caFile;
      const cert = data['tls.crt'] ?? data.certFile;
      const key = data['tls.key'] ?? data.keyFile;
      out.tls = { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
    }
    return out;
  }

  /** A dispatch problem becomes a Warning event on the Alert, as notification-controller records it. */
  recordProblem(problem: DispatchProblem): void {
    void this.options.cluster
      .recordEvent({
        involvedObject: { ...ALERT, namespace: problem.alert.namespace, name: problem.alert.name },
        type: 'Warning',
        reason: problem.reason,
        message: problem.message,
        reportingController: REPORTING_CONTROLLER,
      })
      .catch((err: unknown) => this.onError('recording a notification event failed', err));
  }

  // ---- Receivers --------------------------------------------------------------------------

  /** Watches Alerts (kept in memory, as Flux's cached client keeps them) and Receivers. */
  async start(): Promise<void> {
    const { cluster } = this.options;
    this.running = true;
    if (await cluster.resourceFor(ALERT.apiVersion, ALERT.kind)) {
      await this.follow(ALERT, 'Alerts', () => this.relistAlerts(), (type, obj) => {
        const key = keyOf(refOf(obj));
        const r = type === 'DELETED' ? undefined : tryNormalize(obj);
        if (r?.ok) this.alertCache.set(key, r.object as Alert);
        else this.alertCache.delete(key);
      });
      this.alertsCached = true;
    }
    if (await cluster.resourceFor(RECEIVER.apiVersion, RECEIVER.kind)) {
      await this.follow(RECEIVER, 'Receivers', () => this.relist(), (type, obj) => (type === 'DELETED' ? this.forget(obj) : this.observe(obj)));
    }
  }

  /** Lists, then watches from the list's resourceVersion; relists when the watch expires. */
  private async follow(kind: { apiVersion: string; kind: string }, what: string, relist: () => Promise<string>, apply: (type: string, obj: KubeObject) => void): Promise<void> {
    const { cluster } = this.options;
    let resourceVersion = await relist();
    const loop = async (): Promise<void> => {
      while (this.running) {
        let gone = false;
        const watch = await cluster.watch({ ...kind, resourceVersion, ...(this.options.namespace ? { namespace: this.options.namespace } : {}) }, (event) => {
          if (event.type === 'ERROR') {
            gone = true;
            return;
          }
          if (event.type === 'BOOKMARK') return;
          resourceVersion = event.object.metadata.resourceVersion ?? resourceVersion;
          apply(event.type, event.object);
        });
        this.watches.add(watch);
        if (!this.running) watch.stop();
        await watch.done;
        this.watches.delete(watch);
        if (!this.running) return;
        if (gone) resourceVersion = await relist();
      }
    };
    void loop().catch((err: unknown) => this.onError(`watching ${what} failed`, err));
  }

  stop(): void {
    this.running = false;
    this.alertsCached = false;
    for (const w of this.watches) w.stop();
    this.watches.clear();
    for (const t of this.timers.values()) this.options.clock.clearTimeout(t);
    this.timers.clear();
  }

  private async relistAlerts(): Promise<string> {
    const list = await this.options.cluster.list({ ...ALERT, ...(this.options.namespace ? { namespace: this.options.namespace } : {}) });
    this.alertCache.clear();
    for (const o of list.items) {
      const r = tryNormalize(o);
      if (r.ok) this.alertCache.set(keyOf(refOf(o)), r.object as Alert);
    }
    return list.resourceVersion;
  }

  private async relist(): Promise<string> {
    const list = await this.options.cluster.list({ ...RECEIVER, ...(this.options.namespace ? { namespace: this.options.namespace } : {}) });
    const present = new Set(list.items.map((o) => keyOf(refOf(o))));
    for (const key of [...this.paths.keys(), ...this.timers.keys()]) if (!present.has(key)) this.forgetKey(key);
    for (const o of list.items) this.observe(o);
    return list.resourceVersion;
  }

  private forget(obj: KubeObject): void {
    this.forgetKey(keyOf(refOf(obj)));
  }

  private forgetKey(key: string): void {
    this.paths.delete(key);
    this.generations.delete(key);
    const t = this.timers.get(key);
    if (t !== undefined) this.options.clock.clearTimeout(t);
    this.timers.delete(key);
  }

  /** Reconciles on a spec change or a reconcile request; our own status writes change neither. */
  private observe(obj: KubeObject): void {
    const key = keyOf(refOf(obj));
    const path = (obj.status as { webhookPath?: string } | undefined)?.webhookPath;
    if (path) this.paths.set(key, path);
    else this.paths.delete(key);
    const stamp = `${obj.metadata.generation ?? 1}/${obj.metadata.annotations?.[Annotations.requestedAt] ?? ''}`;
    if (this.generations.get(key) === stamp) return;
    this.generations.set(key, stamp);
    void this.reconcileReceiver(refOf(obj)).catch((err: unknown) => this.onError(`reconciling Receiver ${key} failed`, err));
  }

  private schedule(ref: ObjectRef, ms: number): void {
    const key = keyOf(ref);
    const old = this.timers.get(key);
    if (old !== undefined) this.options.clock.clearTimeout(old);
    this.timers.set(
      key,
      this.options.clock.setTimeout(() => {
        this.timers.delete(key);
        if (this.running) void this.reconcileReceiver(ref).catch((err: unknown) => this.onError(`reconciling Receiver ${key} failed`, err));
      }, ms),
    );
  }

  /** One reconcile of a Receiver: Ready with its webhook path, or why not (receiver_controller.go). */
  async reconcileReceiver(ref: ObjectRef): Promise<void> {
    const { cluster, clock } = this.options;
    const live = await cluster.get(ref);
    if (!live || live.metadata.deletionTimestamp) return;
    const normalized = tryNormalize(live);
    const generation = live.metadata.generation ?? 1;
    const before = (live.status ?? {}) as Receiver['status'] & Record<string, unknown>;
    const now = new Date(clock.now());
    let conditions: Condition[] = before.conditions ?? [];
    let webhookPath: string | undefined = before.webhookPath;
    let retryMs: number | undefined;
    const mark = (status: 'True' | 'False', reason: string, message: string): void => {
      conditions = setCondition(conditions, { type: 'Ready', status, reason, message }, now, generation);
    };
    const stall = (reason: string, message: string): void => {
      mark('False', reason, message);
      conditions = setCondition(conditions, { type: 'Stalled', status: 'True', reason, message }, now, generation);
    };
    if (!normalized.ok) {
      stall(FluxionReasons.InvalidSpec, normalized.errors.map((e) => `${e.field}: ${e.message}`).join('; '));
    } else {
      const receiver = normalized.object as Receiver;
      if (receiver.spec.suspend) return;
      const intervalMs = parseDuration(receiver.spec.interval ?? '10m');
      const cel = receiver.spec.resourceFilter || receiver.spec.resources.some((r) => r.filter);
      if (!(SUPPORTED_RECEIVER_TYPES as readonly string[]).includes(receiver.spec.type)) {
        stall(NotificationReasons.ValidationFailed, `receiver type "${receiver.spec.type}" is not supported by fluxion (supported: ${SUPPORTED_RECEIVER_TYPES.join(', ')})`);
      } else if (cel) {
        stall(NotificationReasons.ValidationFailed, 'resourceFilter and resources[].filter are CEL expressions, which fluxion does not evaluate');
      } else {
        conditions = conditions.filter((c) => c.type !== 'Stalled');
        const token = await this.token(receiver).catch((err: Error) => err);
        if (token instanceof Error) {
          mark('False', NotificationReasons.TokenNotFound, token.message);
          webhookPath = undefined;
          retryMs = Math.min(intervalMs, 30_000);
        } else {
          webhookPath = receiverWebhookPath(token, receiver.metadata.name, receiver.metadata.namespace ?? 'default');
          mark('True', MetaReasons.Succeeded, `Receiver initialized for path: ${webhookPath}`);
          retryMs = intervalMs;
        }
      }
    }
    conditions = conditions.filter((c) => c.type !== 'Reconciling');
    const requestedAt = live.metadata.annotations?.[Annotations.requestedAt];
    const next: Record<string, unknown> = { ...before, conditions, observedGeneration: generation };
    if (webhookPath) next.webhookPath = webhookPath;
    else delete next.webhookPath;
    if (requestedAt) next.lastHandledReconcileAt = requestedAt;
    const key = keyOf(ref);
    if (webhookPath) this.paths.set(key, webhookPath);
    else this.paths.delete(key);
    if (JSON.stringify(next) !== JSON.stringify(before)) {
      const { resourceVersion: _rv, managedFields: _mf, ...metadata } = live.metadata;
      await cluster.updateStatus({ ...live, metadata, status: next }, { fieldManager: REPORTING_CONTROLLER }).catch((err: unknown) => {
        if (!isApiError(err, 404)) this.onError(`writing the status of Receiver ${key} failed`, err);
      });
    }
    if (retryMs !== undefined && this.running) this.schedule(ref, retryMs);
  }

  private async token(receiver: Receiver): Promise<string> {
    const ns = receiver.metadata.namespace ?? 'default';
    if (!receiver.spec.secretRef) throw new Error('spec.secretRef is required');
    const s = await this.options.cluster.get({ apiVersion: 'v1', kind: 'Secret', namespace: ns, name: receiver.spec.secretRef.name });
    if (!s) throw new Error(`unable to read token from secret '${ns}/${receiver.spec.secretRef.name}' error: secret not found`);
    const data = decode(s);
    if (data.token === undefined) throw new Error(`invalid '${ns}/${receiver.spec.secretRef.name}' secret data: required field 'token'`);
    return data.token;
  }

  /**
   * Serves one webhook call at `path` (`/hook/<sha256>`): 404 for an unknown path, 503 when the
   * Receiver is suspended or not Ready, 400 when the request does not verify (bad signature or
   * token, an event not in `spec.events`), 500 when a resource cannot be annotated, else 200.
   */
  async receive(path: string, req: ReceiverRequest): Promise<ReceiveResult> {
    const { cluster } = this.options;
    const answer = (status: number, message: string, annotated: string[] = []): ReceiveResult => ({ status, message, annotated });
    if (!path.startsWith(RECEIVER_WEBHOOK_PREFIX)) return answer(404, 'not found');
    let found: KubeObject | undefined;
    for (const [key, p] of this.paths) {
      if (p !== path) continue;
      const [, , namespace, name] = key.split('/');
      found = await cluster.get({ ...RECEIVER, namespace: namespace!, name: name! });
      if ((found?.status as { webhookPath?: string } | undefined)?.webhookPath === path) break;
      found = undefined;
    }
    if (!found) return answer(404, 'not found');
    const normalized = tryNormalize(found);
    if (!normalized.ok) return answer(503, 'unable to process request: receiver is not ready');
    const receiver = normalized.object as Receiver;
    const ready = (found.status as { conditions?: Condition[] } | undefined)?.conditions?.find((c) => c.type === 'Ready');
    if (receiver.spec.suspend) return answer(503, 'unable to process request: receiver is suspended');
    if (ready?.status !== 'True') return answer(503, 'unable to process request: receiver is not ready');
    let token: string;
    try {
      token = await this.token(receiver);
    } catch (err) {
      return answer(400, `unable to validate payload: unable to read secret, error: ${(err as Error).message}`);
    }
    const verdict = verifyReceiverRequest(receiver.spec.type, req, token, receiver.spec.events);
    if (!verdict.ok) return answer(400, `unable to validate payload: ${verdict.message}`);
    const annotated: string[] = [];
    const errors: string[] = [];
    for (const resource of receiver.spec.resources) {
      try {
        annotated.push(...(await this.requestReconciliation(resource, receiver.metadata.namespace ?? 'default')));
      } catch (err) {
        errors.push((err as Error).message);
      }
    }
    if (errors.length) return answer(500, `unable to request reconciliation: ${errors.join('; ')}`, annotated);
    return answer(200, 'ok', annotated);
  }

  private async requestReconciliation(resource: ReceiverResource, defaultNamespace: string): Promise<string[]> {
    const { cluster, clock } = this.options;
    let namespace = defaultNamespace;
    if (resource.namespace) {
      if (this.options.noCrossNamespaceRefs && resource.namespace !== defaultNamespace) throw new Error('cross-namespace references are not allowed');
      namespace = resource.namespace;
    }
    const apiVersion = resource.apiVersion || DEFAULT_API_VERSIONS[resource.kind];
    if (!apiVersion) throw new Error(`apiVersion must be specified for kind "${resource.kind}"`);
    let targets: KubeObject[];
    if (resource.name === '*') {
      if (!resource.matchLabels) throw new Error("matchLabels field not set when using wildcard '*' as name");
      targets = (await cluster.list({ apiVersion, kind: resource.kind, namespace, labelSelector: resource.matchLabels })).items;
    } else {
      const obj = await cluster.get({ apiVersion, kind: resource.kind, name: resource.name, namespace });
      if (!obj) throw new Error(`unable to read ${resource.kind} "${namespace}/${resource.name}": not found`);
      targets = [obj];
    }
    const iso = new Date(clock.now()).toISOString();
    const done: string[] = [];
    for (const t of targets) {
      // A new value each call (Flux writes the time to the nanosecond), or a second call at the same instant would not reconcile.
      let requestedAt = iso;
      if (t.metadata.annotations?.[Annotations.requestedAt] === requestedAt || this.lastRequestedAt === requestedAt) requestedAt = `${iso.slice(0, -1)}${String(++this.seq).padStart(6, '0')}Z`;
      this.lastRequestedAt = requestedAt;
      await cluster.patch(refOf(t), { metadata: { annotations: { [Annotations.requestedAt]: requestedAt } } }, 'merge');
      done.push(`${t.kind}/${t.metadata.namespace ?? namespace}/${t.metadata.name}`);
    }
    return done;
  }
}
