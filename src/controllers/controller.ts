/**
 * The generic binding of a lifecycle machine to cluster objects: the one place where machines
 * and services meet. It provides the machine's named actions — status writes (status
 * subresource only, serialized per object), Kubernetes Events, notifications through the
 * runtime — and lets a kind-specific controller provide the reconcile steps.
 */
import { randomUUID } from 'node:crypto';
import { createActor, fromPromise } from 'xstate';
import type { AnyActorLogic } from 'xstate';
import type { Clock } from '../api/clock.js';
import type { KubeObject, ObjectRef } from '../api/meta.js';
import { refOf, slim } from '../api/meta.js';
import { StalledError } from '../api/errors.js';
import { tryNormalize, timingOf } from '../api/kinds.js';
import { FluxionReasons, MetaReasons } from '../api/reasons.js';
import type { Cluster, KubeEvent } from '../cluster/types.js';
import { isApiError } from '../cluster/errors.js';
import type { LifecycleContext, LifecycleMachine, NotifyReadyParams, NotifyRevisionParams, RecordEventParams, StepInput, StepOutput, WriteStatusParams } from '../../machines/lifecycle.js';
import type { StatusFields } from '../../machines/status.js';
import type { Registration, Routing, SupervisedActor } from '../runtime/supervisor.js';
import type { Metrics, MetricsSubject } from '../runtime/metrics.js';
import type { Logger } from '../runtime/logging.js';
import { formatDuration } from '../api/duration.js';
import type { ChangeEntry } from '../apply/change-set.js';
import { backoffMs } from '../../machines/lifecycle.js';

export interface ControllerDeps {
  cluster: Cluster;
  clock: Clock;
  /** Randomness for interval jitter. */
  random?: () => number;
  /** Interval jitter fraction (Flux's --interval-jitter-percentage / 100). */
  jitter?: number;
  /** Flux's --requeue-dependency. */
  requeueDependencyMs?: number;
  onError?: (message: string, err: unknown) => void;
  /** Flux's `gotk_*` metrics, recorded where status is written and runs start and end. */
  metrics?: Metrics;
  /** Reconcile outcomes, logged as a Flux controller logs them. */
  logger?: Logger;
  /**
   * Record Flux's Normal events too (ReconciliationSucceeded, NewArtifact, the applied change set,
   * DependencyNotReady), not only the Warnings of failures, as Flux always does.
   */
  normalEvents?: boolean;
  /**
   * Every event recorded, handed on as Flux's controllers POST theirs to notification-controller
   * (`--events-addr`). Must return at once and never throw: alerting cannot hold up a reconcile.
   */
  notify?: (event: KubeEvent) => void;
}

/** Everything a kind-specific effect gets: the object being reconciled, the runtime, the cluster. */
export interface EffectContext {
  routing: Routing;
  cluster: Cluster;
  clock: Clock;
  /**
   * Lets `ms` of clock time pass. Inside a step this frees the kind's concurrency slot meanwhile,
   * so waiting for rollouts does not hold back other objects' reconciles.
   */
  sleep(ms: number): Promise<void>;
}

export interface ControllerSpec {
  apiVersion: string;
  kind: string;
  machine: LifecycleMachine;
  /** The Flux controller name used in Events and field managers (`source-controller`…). */
  reportingController: string;
  /** Sources report `Succeeded` and have no lastApplied/AttemptedRevision fields. */
  isSource: boolean;
  /** The kind's pipeline steps (and `checkHealth`), by name. */
  steps: Record<string, (input: StepInput, ctx: EffectContext) => Promise<StepOutput>>;
  /** Cleanup when the object is deleted (prune what it applied). Default: nothing to clean. */
  finalize?: (object: KubeObject, ctx: EffectContext) => Promise<void>;
  /** Kind-specific status fields taken from the steps' data (artifact, inventory…). */
  statusFrom?: (data: Record<string, unknown>) => Record<string, unknown> | undefined;
  /** A source's `NewArtifact` event message in its controller's words; the Ready message by default. */
  newArtifactMessage?: (context: LifecycleContext) => string | undefined;
  /** Adds the kind's own conditions (ArtifactInStorage, FetchFailed…) to the status about to be written. */
  decorate?: (status: Record<string, unknown>, context: LifecycleContext, now: Date, previous: Record<string, unknown>) => void;
}

/** Status fields the lifecycle writes for every kind; sources omit the revision pair. */
function lifecycleStatus(status: StatusFields, isSource: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { conditions: status.conditions };
  if (status.observedGeneration !== undefined) out.observedGeneration = status.observedGeneration;
  if (status.lastHandledReconcileAt) out.lastHandledReconcileAt = status.lastHandledReconcileAt;
  if (!isSource) {
    if (status.lastAppliedRevision) out.lastAppliedRevision = status.lastAppliedRevision;
    if (status.lastAttemptedRevision) out.lastAttemptedRevision = status.lastAttemptedRevision;
  }
  return out;
}

/** What one actor's effects need to know: its object, the runtime, its pending status writes. */
interface ActorEnv {
  ref: ObjectRef;
  uid: string | undefined;
  routing: Routing;
  ctx: EffectContext;
  /** Status writes of this object, in order; notifications wait for them. */
  writes: Promise<void>;
  /** The status as last read or written: steps see it on their object (stored artifact, inventory…). */
  status: Record<string, unknown> | undefined;
  /** Labels of this object's metric series. */
  subject: MetricsSubject;
  /** The reconcile under way: its id, when it started (engine clock), its logger. */
  run: { id: string; startedAt: number; log: Logger | undefined } | undefined;
  /** Top-level machine state last seen. */
  state: string | undefined;
  /** The object's `event.toolkit.fluxcd.io/*` annotations, which Flux's recorder copies onto every event. */
  eventAnnotations: Record<string, string> | undefined;
}

/** The object's annotations in the event group, or undefined when it has none. */
function eventGroupAnnotations(object: KubeObject): Record<string, string> | undefined {
  const picked = Object.entries(object.metadata.annotations ?? {}).filter(([k]) => k.startsWith('event.toolkit.fluxcd.io/'));
  return picked.length ? Object.fromEntries(picked) : undefined;
}

const envOf = (context: LifecycleContext): ActorEnv => context.env as ActorEnv;

/** Builds the supervisor registration for one kind. The machine is provided once and shared by every actor. */
export function createController(spec: ControllerSpec, deps: ControllerDeps): Registration {
  const onError = deps.onError ?? (() => undefined);
  const group = spec.apiVersion.split('/')[0] ?? '';
  const isSuspended = (object: KubeObject): boolean => (object.spec as { suspend?: boolean } | undefined)?.suspend === true;

  /** Records a Kubernetes Event about the object, annotated with the revision as Flux does (`<group>/revision`). */
  const record = (env: ActorEnv, type: 'Normal' | 'Warning', reason: string, message: string, revision: string | undefined, extra: Record<string, string> = {}): void => {
    const annotations = { ...(revision ? { [`${group}/revision`]: revision } : {}), ...extra, ...env.eventAnnotations };
    const event: KubeEvent = {
      involvedObject: { ...env.ref, ...(env.uid ? { uid: env.uid } : {}) },
      type,
      reason,
      message,
      reportingController: spec.reportingController,
      ...(Object.keys(annotations).length ? { annotations } : {}),
    };
    void deps.cluster.recordEvent(event).catch((err: unknown) => onError('recording an event failed', err));
    if (deps.notify) {
      try {
        deps.notify(event);
      } catch (err) {
        onError('dispatching an event to notifications failed', err);
      }
    }
  };

  /** An outcome's Event; Normal ones only with `normalEvents`. */
  const emit = (env: ActorEnv, type: 'Normal' | 'Warning', reason: string, message: string, revision: string | undefined, extra: Record<string, string> = {}): void => {
    if (type === 'Warning' || deps.normalEvents) record(env, type, reason, message, revision, extra);
  };

  /** A Flux controller's log fields for one reconcile of the object. */
  const runLogger = (env: ActorEnv, reconcileID: string): Logger | undefined =>
    deps.logger?.child({
      controller: spec.kind.toLowerCase(),
      controllerGroup: group,
      controllerKind: spec.kind,
      [spec.kind]: { name: env.ref.name, namespace: env.ref.namespace },
      namespace: env.ref.namespace,
      name: env.ref.name,
      reconcileID,
    });

  /** A run ended (Ready, failed, waiting or stalled): its duration, its log line, its events. */
  const finishRun = (context: LifecycleContext, status: StatusFields, env: ActorEnv, run: NonNullable<ActorEnv['run']>): void => {
    const elapsedMs = Math.max(0, deps.clock.now() - run.startedAt);
    deps.metrics?.recordDuration(env.subject, elapsedMs / 1000);
    const took = formatDuration(elapsedMs);
    const ready = status.conditions.find((c) => c.type === 'Ready');
    if (ready?.status === 'True') {
      const revision = context.appliedRevision;
      const message = `Reconciliation finished in ${took}, next run in ${formatDuration(context.timing.intervalMs)}`;
      run.log?.info(revision ? { revision } : {}, message);
      if (spec.isSource) {
        if (revision && revision !== context.revisionBefore) emit(env, 'Normal', 'NewArtifact', spec.newArtifactMessage?.(context) ?? ready.message, revision);
        return;
      }
      // What the apply changed, as kustomize-controller reports it while Ready is still Progressing.
      const changed = (Array.isArray(context.data.changes) ? (context.data.changes as ChangeEntry[]) : []).filter((c) => c.action !== 'unchanged');
      if (changed.length) emit(env, 'Normal', MetaReasons.Progressing, changed.map((c) => `${c.subject} ${c.action}`).join('\n'), revision);
      emit(env, 'Normal', ready.reason, message, revision, { [`${group}/commit_status`]: 'update' });
      return;
    }
    const failure = context.failure;
    const revision = context.attemptedRevision;
    const reason = failure?.reason ?? ready?.reason;
    if (failure?.kind === 'waiting') {
      // Waiting is no error: Flux logs it at info level (and tells of unready dependencies in an Event).
      const retry = formatDuration(failure.requeueAfterMs ?? context.timing.requeueMs);
      const info = { ...(revision ? { revision } : {}), reason };
      if (failure.reason === MetaReasons.DependencyNotReady) {
        const message = `Dependencies do not meet ready condition, retrying in ${retry}`;
        run.log?.info({ ...info, error: failure.message }, message);
        emit(env, 'Normal', failure.reason, message, revision);
      } else run.log?.info(info, failure.message.includes('retrying in') ? failure.message : `${failure.message}, retrying in ${retry}`);
      return;
    }
    const fields = { ...(revision ? { revision } : {}), reason, error: failure?.message ?? ready?.message ?? '' };
    // Failed and Stalled already record their Warning event (machines/lifecycle.ts).
    if (status.conditions.some((c) => c.type === 'Stalled' && c.status === 'True')) run.log?.error(fields, `Reconciliation stalled after ${took}, no retry until the spec changes`);
    else run.log?.error(fields, `Reconciliation failed after ${took}, next try in ${formatDuration(backoffMs(context.timing, context.failures))}`);
  };

  /** Metrics, logs and events for a status about to be written: the one place every outcome passes. */
  const observeStatus = (context: LifecycleContext, status: StatusFields): void => {
    const env = envOf(context);
    deps.metrics?.recordReadiness(env.subject, status.conditions);
    deps.metrics?.recordSuspend(env.subject, isSuspended(context.object));
    if (status.conditions.some((c) => c.type === 'Reconciling' && c.status === 'True')) {
      if (!env.run) {
        const id = randomUUID();
        env.run = { id, startedAt: deps.clock.now(), log: runLogger(env, id) };
      }
      return;
    }
    const run = env.run;
    env.run = undefined;
    if (run) finishRun(context, status, env, run);
  };

  /** States that write no status (Suspended, Finalizing) still show in metrics and logs. */
  const observeState = (env: ActorEnv, snapshot: { value: unknown; context: LifecycleContext }): void => {
    env.eventAnnotations = eventGroupAnnotations(snapshot.context.object);
    const v = snapshot.value;
    const top = typeof v === 'string' ? v : Object.keys((v ?? {}) as object)[0];
    if (top === env.state) return;
    env.state = top;
    const context = snapshot.context;
    if (top === 'Suspended') {
      env.run = undefined;
      deps.metrics?.recordSuspend(env.subject, true);
      runLogger(env, randomUUID())?.info('Reconciliation is suspended for this object');
    } else if (top === 'Finalizing') {
      env.run = undefined;
      deps.metrics?.recordReadiness(env.subject, context.conditions, true);
      deps.metrics?.recordSuspend(env.subject, isSuspended(context.object));
    }
  };

  const actors: Record<string, AnyActorLogic> = {};
  const firstStep = Object.keys(spec.steps)[0];
  for (const [name, step] of Object.entries(spec.steps)) {
    actors[name] = fromPromise<StepOutput, StepInput>(async ({ input }) => {
      const env = input.env as ActorEnv;
      // An invalid spec cannot succeed until it changes: Stalled, naming every bad field.
      const check = tryNormalize(input.object);
      if (!check.ok) throw new StalledError(FluxionReasons.InvalidSpec, check.errors.map((e) => `${e.field}: ${e.message}`).join('; '));
      return env.routing.limiter.run(
        spec.kind,
        (slot) => step({ ...input, object: env.status ? { ...check.object, status: env.status } : check.object }, { ...env.ctx, sleep: (ms) => slot.pause(env.ctx.sleep(ms)) }),
        { continuing: name !== firstStep },
      );
    });
  }
  actors.finalize = fromPromise<void, { object: KubeObject; env?: unknown }>(async ({ input }) => {
    if (spec.finalize) await spec.finalize(input.object, (input.env as ActorEnv).ctx);
  });

  const writeStatus = (context: LifecycleContext, status: StatusFields | undefined): void => {
    if (!status) return;
    observeStatus(context, status);
    const env = envOf(context);
    const extras = spec.statusFrom?.(context.data);
    const patch = { ...(extras ?? {}), ...lifecycleStatus(status, spec.isSource) };
    env.writes = env.writes
      .then(async () => {
        const live = await deps.cluster.get(env.ref);
        if (!live || live.metadata.deletionTimestamp) return;
        const next = { ...((live.status as Record<string, unknown> | undefined) ?? {}), ...patch };
        env.status = next;
        spec.decorate?.(next, context, new Date(deps.clock.now()), (live.status as Record<string, unknown> | undefined) ?? {});
        const { resourceVersion: _rv, ...metadata } = live.metadata;
        await deps.cluster.updateStatus({ ...live, metadata: { ...metadata, name: live.metadata.name }, status: next }, { fieldManager: spec.reportingController });
      })
      .catch((err: unknown) => {
        if (!isApiError(err, 404)) onError(`writing the status of ${spec.kind}/${env.ref.namespace}/${env.ref.name} failed`, err);
      });
  };

  const provided = spec.machine.provide({
    actors: actors as never,
    actions: {
      writeStatus: ({ context }: { context: LifecycleContext }, params: unknown) => writeStatus(context, (params as WriteStatusParams).status),
      // Recipients read this object's status, so they hear of it only once it is written.
      notifyReady: ({ context }: { context: LifecycleContext }, params: unknown) => {
        const env = envOf(context);
        env.routing.notifyReady(env.ref, (params as NotifyReadyParams).revision, env.writes);
      },
      notifyRevision: ({ context }: { context: LifecycleContext }, params: unknown) => {
        const env = envOf(context);
        env.routing.notifyRevision(env.ref, (params as NotifyRevisionParams).revision, env.writes);
      },
      recordEvent: ({ context }: { context: LifecycleContext }, params: unknown) => {
        const p = params as RecordEventParams;
        record(envOf(context), p.type, p.reason, p.message, context.attemptedRevision);
      },
    } as never,
  });

  return {
    apiVersion: spec.apiVersion,
    kind: spec.kind,
    createActor(object: KubeObject, routing: Routing): SupervisedActor {
      const ref = refOf(object);
      const normalized = tryNormalize(object);
      const current = slim(normalized.ok ? normalized.object : object);
      if (!normalized.ok) onError(`${spec.kind}/${ref.namespace}/${ref.name} is invalid: ${normalized.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`, undefined);
      const timing = normalized.ok ? timingOf(current) : { intervalMs: 600_000, retryIntervalMs: 600_000, timeoutMs: 60_000 };
      const env: ActorEnv = {
        ref,
        uid: object.metadata.uid,
        routing,
        ctx: { routing, cluster: deps.cluster, clock: deps.clock, sleep: (ms) => new Promise<void>((r) => deps.clock.setTimeout(r, ms)) },
        writes: Promise.resolve(),
        status: object.status as Record<string, unknown> | undefined,
        subject: { kind: spec.kind, name: ref.name, namespace: ref.namespace },
        run: undefined,
        state: undefined,
        eventAnnotations: eventGroupAnnotations(current),
      };
      const actor = createActor(provided, {
        clock: deps.clock,
        input: {
          object: current,
          status: (object.status ?? {}) as Record<string, unknown>,
          timing: {
            intervalMs: timing.intervalMs,
            retryIntervalMs: timing.retryIntervalMs,
            maxBackoffMs: Math.max(timing.retryIntervalMs, 10 * 60_000),
            requeueMs: deps.requeueDependencyMs ?? 30_000,
          },
          now: () => deps.clock.now(),
          random: deps.random ?? Math.random,
          jitter: deps.jitter ?? 0,
          isSource: spec.isSource,
          env,
        },
      });
      // With an error handler, so a crash is reported once, to the supervisor, not as unhandled.
      actor.subscribe({ next: (snapshot) => observeState(env, snapshot as unknown as { value: unknown; context: LifecycleContext }), error: () => undefined });
      return actor as unknown as SupervisedActor;
    },
  };
}
