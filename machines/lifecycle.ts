/**
 * The lifecycle every Flux object goes through, as one XState machine builder:
 *
 *   NotExists → Reconciling → Applied → Healthy → (interval) → Reconciling …
 *   with Failed (backoff), Waiting (requeue), Stalled (until the spec changes), Suspended,
 *   and object.deleted → Finalizing → Pruned (final).
 *
 * Kinds refine `Reconciling` with their own pipeline of named steps (a GitRepository checks the
 * remote, fetches, stores an artifact; a Kustomization fetches, builds, applies, prunes) and may
 * check health in `Applied`. Every effect is a named actor or action that controllers provide
 * with `machine.provide()`; this file does no I/O. Time is XState's clock, which the runtime
 * injects.
 */
import { assign, fromPromise, setup } from 'xstate';
import type { KubeObject } from '../src/api/meta.js';
import type { Failure } from '../src/api/errors.js';
import { toFailure } from '../src/api/errors.js';
import type { Condition } from '../src/api/conditions.js';
import type { LifecycleEvent } from './events.js';
import type { LifecycleState, StatusFields } from './status.js';
import { conditionsFor } from './status.js';

/** What a pipeline step receives: the object, the data earlier steps produced, the attempt number. */
export interface StepInput {
  object: KubeObject;
  data: Record<string, unknown>;
  attempt: number;
  /** The actor's environment (see `LifecycleInput.env`). */
  env?: unknown;
}

/** One action of a decision loop and how it ended (`data.actions`, oldest first). */
export interface ActionRecord {
  action: string;
  ok: boolean;
  reason?: string;
  message?: string;
}

/** What a pipeline step returns. */
export interface StepOutput {
  /** Merged into the data later steps see. */
  data?: Record<string, unknown>;
  /** The revision this reconcile works on (artifact revision, source revision). */
  revision?: string;
  /** Ready message on success. */
  message?: string;
  /** Nothing changed (e.g. remote revision equals the stored artifact): skip the remaining steps. */
  unchanged?: boolean;
}

export interface Timing {
  intervalMs: number;
  retryIntervalMs: number;
  /** Cap of the exponential backoff after consecutive failures. */
  maxBackoffMs: number;
  /** Default wait when a WaitingError names none (Flux's --requeue-dependency, 30s). */
  requeueMs: number;
}

export interface LifecycleInput {
  object: KubeObject;
  /** Status found on the object (a restarted actor resumes from it). */
  status?: Partial<StatusFields> & Record<string, unknown>;
  timing: Timing;
  /** Injected time for condition timestamps. */
  now: () => number;
  /** Injected randomness in [0, 1) for interval jitter. */
  random: () => number;
  /** Interval jitter as a fraction (Flux's --interval-jitter-percentage / 100). */
  jitter?: number;
  isSource?: boolean;
  /**
   * Opaque per-actor environment for the effects a controller provides (which object, which
   * cluster). The machine never reads it; it lets one provided machine serve every object.
   */
  env?: unknown;
}

export interface LifecycleContext {
  object: KubeObject;
  generation: number;
  timing: Timing;
  now: () => number;
  random: () => number;
  jitter: number;
  isSource: boolean;
  /** Consecutive failures, for backoff; reset on success. */
  failures: number;
  failure: Failure | undefined;
  /** Data accumulated by the steps of the current run. */
  data: Record<string, unknown>;
  attemptedRevision: string | undefined;
  appliedRevision: string | undefined;
  /** Revision at the start of the current run: a change means dependants must hear of it. */
  revisionBefore: string | undefined;
  message: string | undefined;
  /** A request arrived while busy: run again once the current run ends (coalesced). */
  pendingReconcile: boolean;
  /** The newest `reconcile.fluxcd.io/requestedAt` seen and the one already handled. */
  requestedAt: string | undefined;
  lastHandledReconcileAt: string | undefined;
  conditions: Condition[];
  /** Status as last computed for the current state. */
  status: StatusFields | undefined;
  /** Events handled so far (every event is counted: none is dropped silently). */
  seen: number;
  env: unknown;
  lastEvent: string | undefined;
}

const notProvided = (name: string) =>
  fromPromise<StepOutput, StepInput>(async () => {
    throw new Error(`effect "${name}" was not provided`);
  });

/** A state's status, recomputed from context. */
function computeStatus(context: LifecycleContext, state: LifecycleState): StatusFields | undefined {
  const conditions = conditionsFor({
    state,
    conditions: context.conditions,
    generation: context.generation,
    isSource: context.isSource,
    failure: context.failure,
    failures: context.failures,
    attemptedRevision: context.attemptedRevision,
    appliedRevision: context.appliedRevision,
    message: context.message,
    now: new Date(context.now()),
  });
  if (!conditions) return undefined;
  const status: StatusFields = { conditions };
  // observedGeneration moves when a run ends; during a run it still names the last finished one.
  if (state !== 'Reconciling' && state !== 'Applied') status.observedGeneration = context.generation;
  if (context.lastHandledReconcileAt) status.lastHandledReconcileAt = context.lastHandledReconcileAt;
  if (context.appliedRevision) status.lastAppliedRevision = context.appliedRevision;
  if (context.attemptedRevision) status.lastAttemptedRevision = context.attemptedRevision;
  return status;
}

function statusUpdate(context: LifecycleContext, state: LifecycleState): Partial<LifecycleContext> {
  const status = computeStatus(context, state);
  return status ? { status, conditions: status.conditions } : {};
}

/** Params of the named actions, for controllers implementing them. */
export interface WriteStatusParams {
  status: StatusFields | undefined;
}
export interface NotifyReadyParams {
  revision: string | undefined;
}
export interface NotifyRevisionParams {
  revision: string;
}
export interface RecordEventParams {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** The lifecycle's named effects and guards; kinds add step actors through `steps`. */
export const lifecycleSetup = setup({
  types: {
    context: {} as LifecycleContext,
    events: {} as LifecycleEvent,
    input: {} as LifecycleInput,
  },
  actors: {
    reconcile: notProvided('reconcile'),
    checkRemote: notProvided('checkRemote'),
    fetch: notProvided('fetch'),
    storeArtifact: notProvided('storeArtifact'),
    checkDependencies: notProvided('checkDependencies'),
    fetchArtifact: notProvided('fetchArtifact'),
    build: notProvided('build'),
    applyStaged: notProvided('applyStaged'),
    prune: notProvided('prune'),
    checkHealth: notProvided('checkHealth'),
    loadChart: notProvided('loadChart'),
    determine: notProvided('determine'),
    install: notProvided('install'),
    upgrade: notProvided('upgrade'),
    test: notProvided('test'),
    rollback: notProvided('rollback'),
    uninstall: notProvided('uninstall'),
    unlock: notProvided('unlock'),
    correctDrift: notProvided('correctDrift'),
    observeSources: notProvided('observeSources'),
    buildArtifacts: notProvided('buildArtifacts'),
    applyArtifacts: notProvided('applyArtifacts'),
    finalize: fromPromise<void, { object: KubeObject; env?: unknown }>(async () => {
      throw new Error('effect "finalize" was not provided');
    }),
  },
  actions: {
    /** Persist the computed status (the controller writes the status subresource). */
    writeStatus: (_, _params: unknown) => undefined,
    /** The object became Ready at a revision: the runtime tells its dependants. */
    notifyReady: (_, _params: unknown) => undefined,
    /** A source stored a new revision: the runtime tells the objects that reference it. */
    notifyRevision: (_, _params: unknown) => undefined,
    /** Record a Kubernetes Event (reason and message as Flux emits them). */
    recordEvent: (_, _params: unknown) => undefined,
    note: assign(({ context, event }) => ({ seen: context.seen + 1, lastEvent: event.type })),
    deferReconcile: assign({ pendingReconcile: true }),
    takeSpec: assign(({ context, event }) => {
      if (event.type !== 'spec.changed') return {};
      return { object: event.object, generation: event.object.metadata.generation ?? context.generation, pendingReconcile: true };
    }),
    takeRequest: assign(({ event }) => (event.type === 'reconcile.requested' && event.requestedAt ? { requestedAt: event.requestedAt } : {})),
    startRun: assign(({ context }) => ({
      data: {},
      pendingReconcile: false,
      revisionBefore: context.appliedRevision,
      lastHandledReconcileAt: context.requestedAt ?? context.lastHandledReconcileAt,
    })),
    takeStep: assign(({ context, event }) => {
      const out = (event as unknown as { output?: StepOutput }).output ?? {};
      return {
        data: out.data ? { ...context.data, ...out.data } : context.data,
        attemptedRevision: out.revision ?? context.attemptedRevision,
        message: out.message ?? context.message,
      };
    }),
    /** Records how a decision-loop action ended, for the next decision (see `LifecycleOptions.decision`). */
    takeAction: assign(({ context, event }, params: { action: string; ok: boolean }) => {
      const out = params.ok ? ((event as unknown as { output?: StepOutput }).output ?? {}) : {};
      const failure = params.ok ? undefined : toFailure((event as unknown as { error?: unknown }).error);
      const actions = (context.data.actions as ActionRecord[] | undefined) ?? [];
      return {
        data: { ...context.data, ...(out.data ?? {}), actions: [...actions, { action: params.action, ok: params.ok, ...(failure ? { reason: failure.reason, message: failure.message } : {}) }] },
        attemptedRevision: out.revision ?? context.attemptedRevision,
        message: out.message ?? context.message,
      };
    }),
    succeed: assign(({ context }) => ({ failures: 0, failure: undefined, appliedRevision: context.attemptedRevision ?? context.appliedRevision })),
    fail: assign(({ context, event }) => ({
      failure: toFailure((event as unknown as { error?: unknown }).error),
      failures: context.failures + 1,
      message: undefined,
    })),
    enterReconciling: assign(({ context }) => statusUpdate(context, 'Reconciling')),
    enterApplied: assign(({ context }) => statusUpdate(context, 'Applied')),
    enterHealthy: assign(({ context }) => statusUpdate(context, 'Healthy')),
    enterFailed: assign(({ context }) => statusUpdate(context, 'Failed')),
    enterWaiting: assign(({ context }) => statusUpdate(context, 'Waiting')),
    enterStalled: assign(({ context }) => statusUpdate(context, 'Stalled')),
  },
  guards: {
    suspended: ({ context }) => (context.object.spec as { suspend?: boolean } | undefined)?.suspend === true,
    pending: ({ context }) => context.pendingReconcile,
    unchanged: ({ event }) => (event as unknown as { output?: StepOutput }).output?.unchanged === true,
    nextIs: ({ event }, params: { action: string }) => (event as unknown as { output?: StepOutput }).output?.data?.next === params.action,
    stalledFailure: ({ event }) => toFailure((event as unknown as { error?: unknown }).error).kind === 'stalled',
    waitingFailure: ({ event }) => toFailure((event as unknown as { error?: unknown }).error).kind === 'waiting',
    revisionChanged: ({ context }) => context.appliedRevision !== undefined && context.appliedRevision !== context.revisionBefore,
    resumedBySpec: ({ event }) => event.type === 'spec.changed' && (event.object.spec as { suspend?: boolean } | undefined)?.suspend !== true,
  },
  delays: {
    /** The object's interval, spread by jitter so many objects do not fire at once. */
    interval: ({ context }) => Math.max(1, Math.round(context.timing.intervalMs * (1 + context.jitter * (2 * context.random() - 1)))),
    /** retryInterval doubled per consecutive failure, capped. */
    backoff: ({ context }) => backoffMs(context.timing, context.failures),
    /** What a WaitingError asked for, else the requeue default. */
    requeue: ({ context }) => context.failure?.requeueAfterMs ?? context.timing.requeueMs,
  },
});

/** Delay before retry number `failures` (1-based): retryInterval × 2^(failures−1), capped. */
export function backoffMs(timing: Timing, failures: number): number {
  const base = timing.retryIntervalMs;
  const cap = Math.max(base, timing.maxBackoffMs);
  return Math.min(cap, base * 2 ** Math.max(0, Math.min(failures - 1, 30)));
}

type Cfg = Record<string, unknown>;

/** Events that ask for work: while busy they are coalesced into one follow-up run. */
const busyHandlers: Cfg = {
  'reconcile.requested': { actions: ['note', 'takeRequest', 'deferReconcile'] },
  'source.revisionChanged': { actions: ['note', 'deferReconcile'] },
  'dependency.ready': { actions: ['note', 'deferReconcile'] },
  'object.drifted': { actions: ['note', 'deferReconcile'] },
  'spec.changed': { actions: ['note', 'takeSpec'] },
  resume: { actions: ['note'] },
};

const failureTargets = (root: string): unknown[] => [
  { guard: 'stalledFailure', target: `#${root}.Stalled`, actions: 'fail' },
  { guard: 'waitingFailure', target: `#${root}.Waiting`, actions: 'fail' },
  { target: `#${root}.Failed`, actions: 'fail' },
];

/**
 * A pipeline of named steps, run in order inside `Reconciling`. The steps named in
 * `shortCircuit` may end the run early by returning `unchanged` (nothing to do).
 */
export function pipeline(root: string, steps: readonly string[], shortCircuit: readonly string[] = [], decision?: DecisionLoop): Cfg {
  const states: Cfg = {};
  const stepInput = ({ context }: { context: LifecycleContext }): StepInput => ({ object: context.object, data: context.data, attempt: context.failures + 1, env: context.env });
  const afterLinear = decision ? decision.step : `#${root}.Applied`;
  if (decision) {
    states[decision.step] = {
      description: `Decide the next action (${decision.actions.join(', ')}) or done`,
      invoke: {
        src: decision.step,
        input: stepInput,
        onDone: [
          ...decision.actions.map((action) => ({ guard: { type: 'nextIs', params: { action } }, target: action, actions: 'takeStep' })),
          { target: `#${root}.Applied`, actions: 'takeStep' },
        ],
        onError: failureTargets(root),
      },
    };
    for (const action of decision.actions) {
      states[action] = {
        invoke: {
          src: action,
          input: stepInput,
          onDone: { target: decision.step, actions: { type: 'takeAction', params: { action, ok: true } } },
          onError: { target: decision.step, actions: { type: 'takeAction', params: { action, ok: false } } },
        },
      };
    }
  }
  steps.forEach((step, i) => {
    const next = steps[i + 1];
    const done = next ? { target: next, actions: 'takeStep' } : { target: afterLinear, actions: 'takeStep' };
    states[step] = {
      invoke: {
        src: step,
        input: stepInput,
        onDone: next && shortCircuit.includes(step) ? [{ guard: 'unchanged', target: `#${root}.Applied`, actions: 'takeStep' }, done] : done,
        onError: failureTargets(root),
      },
    };
  });
  return { initial: steps[0], states };
}

/**
 * A loop after the linear steps: `step` decides what to do next by returning `data.next`, naming
 * one of `actions` (each runs in its own state) or anything else for done. Every action's outcome,
 * success or failure, is appended to `data.actions` and the decision runs again. This is how
 * helm-controller drives a release: install or upgrade, then test, remediate a failure (rollback
 * or uninstall, counting retries), until the release is in sync or the decision gives up by
 * failing (retry later) or stalling (retries exhausted).
 */
export interface DecisionLoop {
  step: string;
  actions: readonly string[];
}

export interface LifecycleOptions {
  /** Machine id; also the `#id` used by transitions. */
  id: string;
  description: string;
  /** The named steps of `Reconciling` (default: one `reconcile` step). */
  steps?: readonly string[];
  /** Steps that may end the run early with `unchanged` (a source whose remote did not move). */
  shortCircuit?: readonly string[];
  /** Run the `checkHealth` actor in `Applied` (workloads); sources go straight to Healthy. */
  healthCheck?: boolean;
  /** A decision loop after `steps` (HelmRelease actions). */
  decision?: DecisionLoop;
}

/** Builds a lifecycle machine. */
export function createLifecycleMachine(options: LifecycleOptions) {
  const root = options.id;
  const steps = options.steps ?? ['reconcile'];
  const applied: Cfg = options.healthCheck
    ? {
        entry: ['enterApplied', { type: 'writeStatus', params: ({ context }: { context: LifecycleContext }) => ({ status: context.status }) }],
        invoke: {
          src: 'checkHealth',
          input: ({ context }: { context: LifecycleContext }): StepInput => ({ object: context.object, data: context.data, attempt: context.failures + 1, env: context.env }),
          onDone: { target: 'Healthy', actions: 'takeStep' },
          onError: failureTargets(root),
        },
        on: { ...busyHandlers, suspend: { target: 'Suspended', actions: 'note' }, 'object.deleted': { target: 'Finalizing', actions: 'note' } },
      }
    : { always: 'Healthy' };

  const retryOn = (actions: string[] = ['note']): Cfg => ({
    'reconcile.requested': { target: 'Reconciling', actions: [...actions, 'takeRequest'] },
    'source.revisionChanged': { target: 'Reconciling', actions },
    'dependency.ready': { target: 'Reconciling', actions },
    'object.drifted': { target: 'Reconciling', actions },
    'spec.changed': [
      { guard: 'resumedBySpec', target: 'Reconciling', actions: [...actions, 'takeSpec'] },
      { target: 'Suspended', actions: [...actions, 'takeSpec'] },
    ],
    suspend: { target: 'Suspended', actions },
    resume: { actions },
    'object.deleted': { target: 'Finalizing', actions },
  });

  return lifecycleSetup.createMachine({
    id: root,
    description: options.description,
    context: ({ input }: { input: LifecycleInput }) => {
      const st = input.status ?? {};
      return {
        object: input.object,
        generation: input.object.metadata.generation ?? 1,
        timing: input.timing,
        now: input.now,
        random: input.random,
        jitter: input.jitter ?? 0,
        isSource: input.isSource ?? false,
        failures: 0,
        failure: undefined,
        data: {},
        attemptedRevision: typeof st.lastAttemptedRevision === 'string' ? st.lastAttemptedRevision : undefined,
        appliedRevision: typeof st.lastAppliedRevision === 'string' ? st.lastAppliedRevision : undefined,
        revisionBefore: undefined,
        message: undefined,
        pendingReconcile: false,
        requestedAt: undefined,
        lastHandledReconcileAt: typeof st.lastHandledReconcileAt === 'string' ? st.lastHandledReconcileAt : undefined,
        conditions: Array.isArray(st.conditions) ? (st.conditions as Condition[]) : [],
        status: undefined,
        seen: 0,
        lastEvent: undefined,
        env: input.env,
      };
    },
    initial: 'NotExists',
    // Anything a state does not handle itself is still counted and remembered, never dropped.
    on: {
      'reconcile.requested': { actions: ['note', 'takeRequest', 'deferReconcile'] },
      'source.revisionChanged': { actions: ['note', 'deferReconcile'] },
      'dependency.ready': { actions: ['note', 'deferReconcile'] },
      'object.drifted': { actions: ['note', 'deferReconcile'] },
      'spec.changed': { actions: ['note', 'takeSpec'] },
      'object.deleted': { actions: ['note'] },
      suspend: { actions: ['note'] },
      resume: { actions: ['note'] },
    },
    states: {
      NotExists: {
        description: 'The actor has not reconciled the object yet.',
        always: [{ guard: 'suspended', target: 'Suspended' }, { target: 'Reconciling' }],
      },
      Reconciling: {
        description: 'Running the reconcile pipeline.',
        entry: ['startRun', 'enterReconciling', { type: 'writeStatus', params: ({ context }: { context: LifecycleContext }) => ({ status: context.status }) }],
        on: { ...busyHandlers, suspend: { target: 'Suspended', actions: 'note' }, 'object.deleted': { target: 'Finalizing', actions: 'note' } },
        ...(pipeline(root, steps, options.shortCircuit, options.decision) as object),
      },
      Applied: { description: 'The desired state is applied; checking health.', ...(applied as object) },
      Healthy: {
        description: 'Ready at the applied revision; reconciles again after the interval.',
        entry: [
          'succeed',
          'enterHealthy',
          { type: 'writeStatus', params: ({ context }: { context: LifecycleContext }) => ({ status: context.status }) },
          { type: 'notifyReady', params: ({ context }: { context: LifecycleContext }) => ({ revision: context.appliedRevision }) },
        ],
        always: [
          { guard: 'revisionChanged', actions: [{ type: 'notifyRevision', params: ({ context }: { context: LifecycleContext }) => ({ revision: context.appliedRevision as string }) }, assign(({ context }: { context: LifecycleContext }) => ({ revisionBefore: context.appliedRevision }))] },
          { guard: 'pending', target: 'Reconciling' },
        ],
        after: { interval: 'Reconciling' },
        on: retryOn(),
      },
      Failed: {
        description: 'The last run failed; retried with capped exponential backoff.',
        entry: [
          'enterFailed',
          { type: 'writeStatus', params: ({ context }: { context: LifecycleContext }) => ({ status: context.status }) },
          { type: 'recordEvent', params: ({ context }: { context: LifecycleContext }) => ({ type: 'Warning' as const, reason: context.failure?.reason ?? 'ReconciliationFailed', message: context.failure?.message ?? '' }) },
        ],
        after: { backoff: 'Reconciling' },
        on: retryOn(),
      },
      Waiting: {
        description: 'A source or dependency is not ready; re-checked on a message or after the requeue delay.',
        entry: ['enterWaiting', { type: 'writeStatus', params: ({ context }: { context: LifecycleContext }) => ({ status: context.status }) }],
        after: { requeue: 'Reconciling' },
        on: retryOn(),
      },
      Stalled: {
        description: 'Cannot succeed until the spec changes (invalid spec, dependency cycle).',
        entry: [
          'enterStalled',
          { type: 'writeStatus', params: ({ context }: { context: LifecycleContext }) => ({ status: context.status }) },
          { type: 'recordEvent', params: ({ context }: { context: LifecycleContext }) => ({ type: 'Warning' as const, reason: context.failure?.reason ?? 'ReconciliationFailed', message: context.failure?.message ?? '' }) },
        ],
        on: {
          'spec.changed': [
            { guard: 'resumedBySpec', target: 'Reconciling', actions: ['note', 'takeSpec'] },
            { target: 'Suspended', actions: ['note', 'takeSpec'] },
          ],
          'reconcile.requested': { target: 'Reconciling', actions: ['note', 'takeRequest'] },
          suspend: { target: 'Suspended', actions: 'note' },
          'object.deleted': { target: 'Finalizing', actions: 'note' },
        },
      },
      Suspended: {
        description: 'spec.suspend is true: no work until resumed; requests are remembered.',
        on: {
          resume: { target: 'Reconciling', actions: 'note' },
          'spec.changed': [
            { guard: 'resumedBySpec', target: 'Reconciling', actions: ['note', 'takeSpec'] },
            { actions: ['note', 'takeSpec'] },
          ],
          'object.deleted': { target: 'Finalizing', actions: 'note' },
        },
      },
      Finalizing: {
        description: 'The object is being deleted: finalize (prune what it applied), then release it.',
        initial: 'running',
        states: {
          running: {
            invoke: {
              src: 'finalize',
              input: ({ context }: { context: LifecycleContext }) => ({ object: context.object, env: context.env }),
              onDone: `#${root}.Pruned`,
              onError: { target: 'retrying', actions: 'fail' },
            },
          },
          retrying: { after: { backoff: 'running' } },
        },
        on: { 'object.deleted': { actions: 'note' } },
      },
      Pruned: { type: 'final', description: 'Finalized and released; the actor stops.' },
    },
  } as never);
}

export type LifecycleMachine = ReturnType<typeof createLifecycleMachine>;
