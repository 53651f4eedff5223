import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createActor, fromPromise } from 'xstate';
import type { InspectionEvent } from 'xstate';
import { ManualClock, settle } from '../../src/api/clock.js';
import { StalledError, TransientError, WaitingError } from '../../src/api/errors.js';
import type { KubeObject } from '../../src/api/meta.js';
import { bucketMachine, gitRepositoryMachine, imagePolicyMachine, imageRepositoryMachine, kustomizationMachine, lifecycleMachine, ociRepositoryMachine } from '../../machines/index.js';
import type { LifecycleEvent } from '../../machines/events.js';
import { backoffMs } from '../../machines/lifecycle.js';
import type { LifecycleContext, LifecycleMachine, StepOutput } from '../../machines/lifecycle.js';
import { stateImpliedBy } from '../../machines/status.js';
import { gitRepo, timing, topState } from './harness.js';

type OutcomeKind = 'ok' | 'unchanged' | 'transient' | 'waiting' | 'stalled';
type Command = { kind: 'event'; event: LifecycleEvent } | { kind: 'advance'; ms: number };

const ref = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name: 'dep', namespace: 'flux-system' };

const arbEvent: fc.Arbitrary<LifecycleEvent> = fc.oneof(
  fc.constant<LifecycleEvent>({ type: 'source.revisionChanged', revision: 'main@sha1:1' }),
  fc.constant<LifecycleEvent>({ type: 'dependency.ready', ref }),
  fc.constant<LifecycleEvent>({ type: 'reconcile.requested', requestedAt: '2026-01-01T00:00:00Z' }),
  fc.record({ gen: fc.integer({ min: 2, max: 9 }), suspend: fc.boolean() }).map(({ gen, suspend }): LifecycleEvent => ({ type: 'spec.changed', object: gitRepo(gen, suspend) })),
  fc.constant<LifecycleEvent>({ type: 'suspend' }),
  fc.constant<LifecycleEvent>({ type: 'resume' }),
  fc.constant<LifecycleEvent>({ type: 'object.drifted', subject: 'Deployment/apps/web' }),
  fc.constant<LifecycleEvent>({ type: 'object.deleted' }),
);

const arbCommand: fc.Arbitrary<Command> = fc.oneof(
  { weight: 3, arbitrary: arbEvent.map((event) => ({ kind: 'event' as const, event })) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 400_000 }).map((ms) => ({ kind: 'advance' as const, ms })) },
);

const arbOutcomes = fc.array(fc.constantFrom<OutcomeKind>('ok', 'ok', 'unchanged', 'transient', 'waiting', 'stalled'), { minLength: 1, maxLength: 12 });

/** What a condition list must say in each state. */
const expected: Record<string, string> = {
  Reconciling: 'InProgress',
  Applied: 'InProgress',
  Healthy: 'Current',
  Failed: 'NotReady',
  Waiting: 'NotReady',
  Stalled: 'Failed',
};

interface Trace {
  microStates: string[];
  effectsWhileSuspended: number;
}

async function drive(machine: LifecycleMachine, steps: string[], outcomes: OutcomeKind[], commands: Command[], suspended: boolean): Promise<void> {
  const clock = new ManualClock();
  let n = 0;
  let effects = 0;
  const next = (): OutcomeKind => outcomes[n++ % outcomes.length] as OutcomeKind;
  const actors: Record<string, unknown> = {};
  const trace: Trace = { microStates: [], effectsWhileSuspended: 0 };
  for (const step of [...steps, 'checkHealth']) {
    actors[step] = fromPromise<StepOutput>(async () => {
      effects++;
      if (topState((root as unknown as { getSnapshot(): { value: unknown } }).getSnapshot().value) === 'Suspended') trace.effectsWhileSuspended++;
      switch (next()) {
        case 'ok':
          return { revision: `rev-${n}` };
        case 'unchanged':
          return { unchanged: true };
        case 'transient':
          throw new TransientError('BuildFailed', 'boom');
        case 'waiting':
          throw new WaitingError('DependencyNotReady', 'not yet', 30_000);
        case 'stalled':
          throw new StalledError('InvalidSpec', 'bad spec');
      }
    });
  }
  actors.finalize = fromPromise(async () => {
    effects++;
    if (next() === 'transient') throw new TransientError('PruneFailed', 'prune failed');
  });
  let root: unknown;
  const inspect = (e: InspectionEvent): void => {
    if (e.type === '@xstate.microstep' && e.actorRef === root) {
      const top = topState((e.snapshot as unknown as { value: unknown }).value);
      if (trace.microStates.at(-1) !== top) trace.microStates.push(top);
    }
  };
  const provided = machine.provide({ actors: actors as never });
  const object: KubeObject = gitRepo(1, suspended);
  const actor = createActor(provided, { clock, inspect, input: { object, timing, now: () => clock.now(), random: () => 0.5 } });
  root = actor;
  actor.subscribe({ error: () => undefined });
  actor.start();
  await settle();

  let done = false;
  for (const cmd of commands) {
    const before = actor.getSnapshot();
    const seenBefore = (before.context as LifecycleContext).seen;
    const effectsBefore = effects;
    if (cmd.kind === 'event') {
      actor.send(cmd.event);
      if (!done) {
        // Every event is handled or recorded: nothing is dropped silently.
        expect((actor.getSnapshot().context as LifecycleContext).seen).toBe(seenBefore + 1);
      }
    } else {
      await clock.advanceAsync(cmd.ms);
    }
    await settle();
    const snap = actor.getSnapshot();
    const top = topState(snap.value);
    if (done) {
      // Pruned is final: the actor is done and does nothing more.
      expect(snap.status).toBe('done');
      expect(effects).toBe(effectsBefore);
      continue;
    }
    if (top === 'Pruned') {
      done = true;
      expect(snap.status).toBe('done');
    }
    const ctx = snap.context as LifecycleContext;
    const want = expected[top];
    if (want && ctx.status) expect(stateImpliedBy(ctx.status.conditions)).toBe(want);
    if (topState(before.value) === 'Suspended' && top === 'Suspended') expect(effects).toBe(effectsBefore);
  }
  // Healthy is only ever entered from Applied.
  trace.microStates.forEach((s, i) => {
    if (s === 'Healthy') expect(trace.microStates[i - 1]).toBe('Applied');
  });
  expect(trace.effectsWhileSuspended).toBe(0);
  actor.stop();
}

describe.each([
  ['lifecycle', lifecycleMachine, ['reconcile']],
  ['gitRepository', gitRepositoryMachine, ['checkRemote', 'fetch', 'storeArtifact']],
  ['ociRepository', ociRepositoryMachine, ['checkRemote', 'pull', 'storeArtifact']],
  ['bucket', bucketMachine, ['listObjects', 'download', 'storeArtifact']],
  ['imageRepository', imageRepositoryMachine, ['scan']],
  ['imagePolicy', imagePolicyMachine, ['selectTag']],
  ['kustomization', kustomizationMachine, ['checkDependencies', 'fetchArtifact', 'build', 'applyStaged', 'prune']],
] as const)('%s machine under random events, outcomes and time', (_name, machine, steps) => {
  it('keeps every invariant on every step', async () => {
    await fc.assert(
      fc.asyncProperty(arbOutcomes, fc.array(arbCommand, { maxLength: 30 }), fc.boolean(), async (outcomes, commands, suspended) => {
        await drive(machine, [...steps], outcomes, commands, suspended);
      }),
      { numRuns: 120 },
    );
  });
});

describe('backoff', () => {
  it('is capped and never decreases across consecutive failures', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3_600_000 }), fc.integer({ min: 0, max: 86_400_000 }), fc.integer({ min: 1, max: 60 }), (retry, cap, failures) => {
        const t = { ...timing, retryIntervalMs: retry, maxBackoffMs: cap };
        const a = backoffMs(t, failures);
        const b = backoffMs(t, failures + 1);
        expect(b).toBeGreaterThanOrEqual(a);
        expect(a).toBeLessThanOrEqual(Math.max(retry, cap));
        expect(a).toBeGreaterThanOrEqual(retry);
      }),
    );
  });
});
