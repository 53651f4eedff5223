/**
 * The in-process notification-controller: fluxion's controllers hand it every event they record
 * (as Flux's controllers POST them to `--events-addr`); it drops duplicates (rate limit), finds
 * the Alerts that take the event, and sends it to each Alert's Provider. Sending is detached
 * from the caller: `dispatch` returns at once and never throws, so a slow or failing webhook
 * cannot hold up or fail a reconcile. Failures are reported through `onFailure` (the engine
 * records them as Warning events on the Alert, as Flux does).
 *
 * It reads Alerts, Providers and labels through a `NotificationResolver` (values, no cluster).
 */
import type { Clock } from '../api/clock.js';
import type { Alert } from '../api/kinds/alert.js';
import type { Provider } from '../api/kinds/provider.js';
import type { FluxEvent, RecordedEvent } from './event.js';
import { EVENT_GROUP, cleanupMetadata, toFluxEvent } from './event.js';
import { COMMIT_STATUS_TYPES, GIT_PROVIDER_TYPES, sendCommitStatus } from './commit-status.js';
import { alertTakes, combineMetadata, isCommitStatusUpdate, needsLabels } from './match.js';
import type { MatchProblems } from './match.js';
import { EventRateLimiter } from './rate-limit.js';
import { buildRequest } from './providers.js';
import type { ResolvedProvider } from './providers.js';
import { postWithRetries } from './http-post.js';

/** What the dispatcher needs to know of the cluster, as values. */
export interface NotificationResolver {
  /** Every Alert (storage version, defaults applied). */
  alerts(): Promise<Alert[]>;
  /** The Provider named by an Alert, or undefined when it does not exist. */
  provider(namespace: string, name: string): Promise<Provider | undefined>;
  /** The Provider with its Secrets read (address, token, headers, TLS); throws when a Secret is missing. */
  resolve(provider: Provider): Promise<ResolvedProvider>;
  /** Labels of the event's involved object (for `matchLabels`); undefined when it is gone. */
  labelsOf(event: FluxEvent): Promise<Record<string, string> | undefined>;
}

/** A notification that could not be sent, or an Alert that is misconfigured. */
export interface DispatchProblem {
  alert: { namespace: string; name: string };
  /** `NotificationDispatchFailed`, `InvalidConfig` or `MetadataAppendFailed`, as Flux names them. */
  reason: string;
  message: string;
}

/** One notification handed to a provider (for logs and tests). */
export interface DispatchRecord {
  alert: { namespace: string; name: string };
  provider: { namespace: string; name: string; type: string };
  event: FluxEvent;
  ok: boolean;
  error?: string;
}

export interface DispatcherOptions {
  clock: Clock;
  resolver?: NotificationResolver;
  /** Flux's `--rate-limit-interval` (5m); 0 turns duplicate suppression off. */
  rateLimitMs?: number;
  /** `reportingInstance` of the events (Flux: the pod's hostname). */
  reportingInstance?: string;
  onProblem?: (problem: DispatchProblem) => void;
  onSent?: (record: DispatchRecord) => void;
  /** Flux's `--no-cross-namespace-refs`: an Alert takes only events from its own namespace. */
  noCrossNamespaceRefs?: boolean;
}

/** Replaces the token in an error message, as Flux masks it. */
export function maskToken(message: string, token: string | undefined): string {
  return token ? message.split(token).join('*****') : message;
}

export class Dispatcher {
  readonly limiter: EventRateLimiter;
  private resolver: NotificationResolver | undefined;
  private sink: ((problem: DispatchProblem) => void) | undefined;
  private readonly pending = new Set<Promise<void>>();
  private readonly options: DispatcherOptions;
  /** Counters: events seen, dropped as duplicates, notifications sent and failed. */
  readonly stats = { events: 0, rateLimited: 0, sent: 0, failed: 0 };

  constructor(options: DispatcherOptions) {
    this.options = options;
    this.resolver = options.resolver;
    this.limiter = new EventRateLimiter(options.clock, options.rateLimitMs);
  }

  /** Sets where Alerts and Providers are read from (the engine does, for an injected dispatcher). */
  setResolver(resolver: NotificationResolver, onProblem?: (problem: DispatchProblem) => void): void {
    this.resolver = resolver;
    this.sink = onProblem;
  }

  /** Takes an event as a controller recorded it; returns at once, never throws. */
  dispatch(recorded: RecordedEvent): void {
    let event: FluxEvent;
    try {
      event = toFluxEvent(recorded, this.options.clock.now(), this.options.reportingInstance);
    } catch {
      return;
    }
    this.dispatchEvent(event);
  }

  /** Takes an event already in Flux's JSON shape (what `POST /` of notification-controller takes). */
  dispatchEvent(raw: FluxEvent): void {
    this.stats.events++;
    const event = cleanupMetadata(raw);
    if (!this.limiter.allow(event)) {
      this.stats.rateLimited++;
      return;
    }
    this.track(this.route(event));
  }

  /** Resolves once every dispatch started so far has finished (sent, failed or dropped). */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  private track(p: Promise<void>): void {
    const tracked = p.catch(() => undefined).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  private problem(alert: Alert, reason: string, message: string): void {
    const problem = { alert: { namespace: alert.metadata.namespace ?? 'default', name: alert.metadata.name }, reason, message };
    this.options.onProblem?.(problem);
    this.sink?.(problem);
  }

  private async route(event: FluxEvent): Promise<void> {
    const resolver = this.resolver;
    if (!resolver) return;
    const alerts = await resolver.alerts();
    let labels: Promise<Record<string, string> | undefined> | undefined;
    const o = event.involvedObject;
    const subject = `${o.kind}/${o.namespace}/${o.name}`;
    for (const alert of alerts) {
      const problems: MatchProblems = { invalidRegexps: [] };
      const needs = needsLabels(alert) && !alert.spec.suspend;
      const objectLabels = needs ? await (labels ??= resolver.labelsOf(event).catch(() => undefined)) : undefined;
      const verdict = alertTakes(event, alert, objectLabels, problems);
      for (const exp of problems.invalidRegexps) this.problem(alert, 'InvalidConfig', `failed to compile regex: ${exp}`);
      if (!verdict.matched) continue;
      const ns = alert.metadata.namespace ?? 'default';
      if (this.options.noCrossNamespaceRefs && o.namespace !== ns) {
        this.problem(alert, 'NotificationDispatchFailed', `failed to dispatch notification for ${subject}: discarding event, access denied to cross-namespace sources: alert '${ns}/${alert.metadata.name}' can't process event from '${subject}', cross-namespace references have been blocked`);
        continue;
      }
      this.track(this.notify(event, alert, subject));
    }
  }

  private async notify(event: FluxEvent, alert: Alert, subject: string): Promise<void> {
    const resolver = this.resolver!;
    const ns = alert.metadata.namespace ?? 'default';
    const provider = await resolver.provider(ns, alert.spec.providerRef.name);
    if (!provider) {
      this.problem(alert, 'NotificationDispatchFailed', `failed to dispatch notification for ${subject}: failed to read provider: Provider.notification.toolkit.fluxcd.io "${alert.spec.providerRef.name}" not found`);
      return;
    }
    if (provider.spec.suspend) return;
    const type = provider.spec.type;
    const generic = type === 'generic' || type === 'generic-hmac';
    const commitStatusProvider = GIT_PROVIDER_TYPES.includes(type);
    // Only git providers set commit statuses; generic ones forward such events as they are.
    if (!commitStatusProvider && !generic && isCommitStatusUpdate(event)) return;
    // A git provider takes commit-status updates, events naming a commit, and failures.
    if (commitStatusProvider && !event.metadata?.[`${EVENT_GROUP}/commit`] && !isCommitStatusUpdate(event) && event.severity !== 'error') return;
    const { metadata, conflicts } = combineMetadata(event, alert);
    if (conflicts.length) this.problem(alert, 'MetadataAppendFailed', 'metadata key conflicts detected (please refer to the Alert API docs and Flux RFC 0008 for more information)');
    const notification: FluxEvent = { ...event, ...(metadata ? { metadata } : {}) };
    const record = (ok: boolean, error?: string): void => {
      if (ok) this.stats.sent++;
      else this.stats.failed++;
      this.options.onSent?.({ alert: { namespace: ns, name: alert.metadata.name }, provider: { namespace: ns, name: provider.metadata.name, type }, event: notification, ok, ...(error ? { error } : {}) });
    };
    let resolved: ResolvedProvider | undefined;
    try {
      if (provider.spec.proxy || provider.spec.proxySecretRef) throw new Error('sending through a proxy (spec.proxy, spec.proxySecretRef) is not supported by fluxion');
      if (provider.spec.serviceAccountName) throw new Error('spec.serviceAccountName (workload identity) is not supported by fluxion');
      resolved = await resolver.resolve(provider);
      if (provider.spec.commitStatusExpr) throw new Error('spec.commitStatusExpr is a CEL expression, which fluxion does not evaluate');
      if (COMMIT_STATUS_TYPES.includes(type)) {
        await sendCommitStatus(resolved, notification, { clock: this.options.clock });
      } else {
        const request = buildRequest(resolved, notification);
        await postWithRetries({ ...request, clock: this.options.clock, timeoutMs: resolved.timeoutMs, ...(resolved.tls ? { tls: resolved.tls } : {}) });
      }
      record(true);
    } catch (err) {
      const message = maskToken((err as Error).message, resolved?.token);
      record(false, message);
      this.problem(alert, 'NotificationDispatchFailed', `failed to send notification for ${subject}: ${message}`);
    }
  }
}
