/**
 * The generic binding of a lifecycle machine to cluster objects: the one place where machines
 * and services meet. It provides the machine's named actions — status writes (status
 * subresource only, serialized per object), Kubernetes Events, notifications through the
 * runtime — and lets a kind-specific controller provide the reconcile steps.
 */
import { createActor, fromPromise } from 'xstate';
import type { AnyActorLogic } from 'xstate';
import type { Clock } from '../api/clock.js';
import type { KubeObject, ObjectRef } from '../api/meta.js';
import { refOf, slim } from '../api/meta.js';
import { StalledError } from '../api/errors.js';
import { tryNormalize, timingOf } from '../api/kinds.js';
import { FluxionReasons } from '../api/reasons.js';
import type { Cluster } from '../cluster/types.js';
import { isApiError } from '../cluster/errors.js';
import type { LifecycleContext, LifecycleMachine, NotifyReadyParams, NotifyRevisionParams, RecordEventParams, StepInput, StepOutput, WriteStatusParams } from '../../machines/lifecycle.js';
import type { StatusFields } from '../../machines/status.js';
import type { Registration, Routing, SupervisedActor } from '../runtime/supervisor.js';

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
  /** Adds the kind's own conditions (ArtifactInStorage, FetchFailed…) to the status about to be written. */
  decorate?: (status: Record<string, unknown>, context: LifecycleContext, now: Date) => void;
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
}

const envOf = (context: LifecycleContext): ActorEnv => context.env as ActorEnv;

/** Builds the supervisor registration for one kind. The machine is provided once and shared by every actor. */
export function createController(spec: ControllerSpec, deps: ControllerDeps): Registration {
  const onError = deps.onError ?? (() => undefined);
  const group = spec.apiVersion.split('/')[0] ?? '';

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
    const env = envOf(context);
    const extras = spec.statusFrom?.(context.data);
    const patch = { ...(extras ?? {}), ...lifecycleStatus(status, spec.isSource) };
    env.writes = env.writes
      .then(async () => {
        const live = await deps.cluster.get(env.ref);
        if (!live || live.metadata.deletionTimestamp) return;
        const next = { ...((live.status as Record<string, unknown> | undefined) ?? {}), ...patch };
        env.status = next;
        spec.decorate?.(next, context, new Date(deps.clock.now()));
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
        const env = envOf(context);
        const p = params as RecordEventParams;
        const revision = context.attemptedRevision;
        void deps.cluster
          .recordEvent({
            involvedObject: { ...env.ref, ...(env.uid ? { uid: env.uid } : {}) },
            type: p.type,
            reason: p.reason,
            message: p.message,
            reportingController: spec.reportingController,
            ...(revision ? { annotations: { [`${group}/revision`]: revision } } : {}),
          })
          .catch((err: unknown) => onError('recording an event failed', err));
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
      const env: ActorEnv = { ref, uid: object.metadata.uid, routing, ctx: { routing, cluster: deps.cluster, clock: deps.clock, sleep: (ms) => new Promise<void>((r) => deps.clock.setTimeout(r, ms)) }, writes: Promise.resolve(), status: object.status as Record<string, unknown> | undefined };
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
      return actor as unknown as SupervisedActor;
    },
  };
}
