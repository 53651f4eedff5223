/**
 * Runs a lifecycle machine with scripted effects on a ManualClock, recording every effect the
 * machine asks for, so tests read as specifications.
 */
import { createActor, fromPromise } from 'xstate';
import type { Actor } from 'xstate';
import { ManualClock, settle } from '../../src/api/clock.js';
import type { KubeObject } from '../../src/api/meta.js';
import type { LifecycleInput, LifecycleMachine, StepInput, StepOutput, WriteStatusParams } from '../../machines/lifecycle.js';
import type { StatusFields } from '../../machines/status.js';

export type Outcome = { ok: true; out?: StepOutput } | { ok: false; error: unknown };

export interface Recorded {
  calls: { effect: string; input: StepInput | { object: KubeObject } }[];
  statuses: { state: string; status: StatusFields | undefined }[];
  ready: (string | undefined)[];
  revisions: string[];
  events: { type: string; reason: string }[];
}

export const gitRepo = (generation = 1, suspend = false): KubeObject => ({
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  kind: 'GitRepository',
  metadata: { name: 'repo', namespace: 'flux-system', generation },
  spec: { url: 'https://example.com/repo', interval: '1m', suspend },
});

export const timing = { intervalMs: 60_000, retryIntervalMs: 10_000, maxBackoffMs: 160_000, requeueMs: 30_000 };

/**
 * Starts `machine` with every step actor answered by `script(effect, input)` (synchronously
 * resolved promises), and every action recorded.
 */
export function run(
  machine: LifecycleMachine,
  script: (effect: string, input: StepInput) => Outcome,
  options: { object?: KubeObject; steps: string[]; input?: Partial<LifecycleInput> },
): { actor: Actor<LifecycleMachine>; clock: ManualClock; rec: Recorded; flush: () => Promise<void> } {
  const clock = new ManualClock();
  const rec: Recorded = { calls: [], statuses: [], ready: [], revisions: [], events: [] };
  const actors: Record<string, unknown> = {};
  for (const effect of [...options.steps, 'checkHealth']) {
    actors[effect] = fromPromise<StepOutput, StepInput>(async ({ input }) => {
      rec.calls.push({ effect, input });
      const o = script(effect, input);
      if (o.ok) return o.out ?? {};
      throw o.error;
    });
  }
  actors.finalize = fromPromise<void, { object: KubeObject }>(async ({ input }) => {
    rec.calls.push({ effect: 'finalize', input });
    const o = script('finalize', { object: input.object, data: {}, attempt: 1 });
    if (!o.ok) throw o.error;
  });
  let actor!: Actor<LifecycleMachine>;
  const provided = machine.provide({
    actors: actors as never,
    actions: {
      writeStatus: (_: unknown, params: unknown) => {
        rec.statuses.push({ state: String(actor?.getSnapshot().value ?? ''), status: (params as WriteStatusParams).status });
      },
      notifyReady: (_: unknown, params: unknown) => {
        rec.ready.push((params as { revision?: string }).revision);
      },
      notifyRevision: (_: unknown, params: unknown) => {
        rec.revisions.push((params as { revision: string }).revision);
      },
      recordEvent: (_: unknown, params: unknown) => {
        rec.events.push(params as { type: string; reason: string });
      },
    } as never,
  });
  actor = createActor(provided, {
    clock,
    input: { object: options.object ?? gitRepo(), timing, now: () => clock.now(), random: () => 0.5, ...options.input },
  });
  actor.start();
  return { actor, clock, rec, flush: () => settle(6) };
}

/** The top-level state name of a snapshot value. */
export function topState(value: unknown): string {
  return typeof value === 'string' ? value : Object.keys(value as object)[0] ?? '';
}
