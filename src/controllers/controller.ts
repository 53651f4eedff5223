/**
 * The generic binding of a lifecycle machine to cluster objects: the one place where machines
 * and services meet. It provides the machine's named actions — status writes (status
 * subresource only, serialized per object), Kubernetes Events, notifications through the
 * runtime — and lets a kind-specific controller provide the reconcile steps.
 */
import { createActor, fromPromise } from 'xstate';
import type { AnyActorLogic } from 'xstate';
import type { Clock } from '../api/clock.js';
import type { KubeObject } from '../api/meta.js';
import { refOf } from '../api/meta.js';
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

/** Builds the supervisor registration for one kind. */
export function createController(spec: ControllerSpec, deps: ControllerDeps): Registration {
  const onError = deps.onError ?? (() => undefined);
  return {
    apiVersion: spec.apiVersion,
    kind: spec.kind,
    createActor(object: KubeObject, routing: Routing): SupervisedActor {
      const ctx: EffectContext = { routing, cluster: deps.cluster, clock: deps.clock };
      const ref = refOf(object);
      const normalized = tryNormalize(object);
      const current = normalized.ok ? normalized.object : object;
      const invalid = normalized.ok ? undefined : normalized.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
      const timing = normalized.ok ? timingOf(current) : { intervalMs: 600_000, retryIntervalMs: 600_000, timeoutMs: 60_000 };

      const actors: Record<string, AnyActorLogic> = {};
      for (const [name, step] of Object.entries(spec.steps)) {
        actors[name] = fromPromise<StepOutput, StepInput>(async ({ input }) => {
          // An invalid spec cannot succeed until it changes: Stalled, naming every bad field.
          const check = tryNormalize(input.object);
          if (!check.ok) throw new StalledError(FluxionReasons.InvalidSpec, check.errors.map((e) => `${e.field}: ${e.message}`).join('; '));
          return routing.limiter.run(spec.kind, () => step({ ...input, object: check.object }, ctx));
        });
      }
      actors.finalize = fromPromise<void, { object: KubeObject }>(async ({ input }) => {
        if (spec.finalize) await spec.finalize(input.object, ctx);
      });

      let writes: Promise<void> = Promise.resolve();
      const writeStatus = (context: LifecycleContext, status: StatusFields | undefined): void => {
        if (!status) return;
        const extras = spec.statusFrom?.(context.data);
        const patch = { ...(extras ?? {}), ...lifecycleStatus(status, spec.isSource) };
        writes = writes
          .then(async () => {
            const live = await deps.cluster.get(ref);
            if (!live || live.metadata.deletionTimestamp) return;
            const next = { ...((live.status as Record<string, unknown> | undefined) ?? {}), ...patch };
            const { resourceVersion: _rv, ...metadata } = live.metadata;
            await deps.cluster.updateStatus({ ...live, metadata: { ...metadata, name: live.metadata.name }, status: next }, { fieldManager: spec.reportingController });
          })
          .catch((err: unknown) => {
            if (!isApiError(err, 404)) onError(`writing the status of ${spec.kind}/${ref.namespace}/${ref.name} failed`, err);
          });
      };

      const provided = spec.machine.provide({
        actors: actors as never,
        actions: {
          writeStatus: ({ context }: { context: LifecycleContext }, params: unknown) => writeStatus(context, (params as WriteStatusParams).status),
          // Recipients read this object's status, so they hear of it only once it is written.
          notifyReady: (_: unknown, params: unknown) => routing.notifyReady(ref, (params as NotifyReadyParams).revision, writes),
          notifyRevision: (_: unknown, params: unknown) => routing.notifyRevision(ref, (params as NotifyRevisionParams).revision, writes),
          recordEvent: ({ context }: { context: LifecycleContext }, params: unknown) => {
            const p = params as RecordEventParams;
            const revision = context.attemptedRevision;
            const group = spec.apiVersion.split('/')[0] ?? '';
            void deps.cluster
              .recordEvent({
                involvedObject: { ...ref, ...(object.metadata.uid ? { uid: object.metadata.uid } : {}) },
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
      const status = (object.status ?? {}) as Record<string, unknown>;
      const actor = createActor(provided, {
        clock: deps.clock,
        input: {
          object: current,
          status,
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
        },
      });
      if (invalid) onError(`${spec.kind}/${ref.namespace}/${ref.name} is invalid: ${invalid}`, undefined);
      return actor as unknown as SupervisedActor;
    },
  };
}
