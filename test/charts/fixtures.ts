/** Small machines that exercise every construct the chart generators read. */
import { createMachine, fromPromise, setup } from 'xstate';

/** A pipeline with nested states, named guards, delays and actors, a root-level event and a final state. */
export function pipelineMachine() {
  return setup({
    types: {} as { events: { type: 'go' } | { type: 'next' } | { type: 'object.deleted' } | { type: 'poke' } },
    actors: { work: fromPromise(async () => 1), cleanup: fromPromise(async () => 1) },
    guards: { allowed: () => true, stalledFailure: () => false },
    delays: { backoff: 1000, interval: 60_000 },
  }).createMachine({
    id: 'pipeline',
    description: 'A pipeline used by the chart tests.',
    initial: 'idle',
    on: { 'object.deleted': '.cleaning' },
    states: {
      idle: { on: { go: { target: 'busy', guard: 'allowed' }, poke: { actions: [] } } },
      busy: {
        initial: 'one',
        states: {
          one: { on: { next: 'two' } },
          two: {
            invoke: {
              src: 'work',
              onDone: '#pipeline.done',
              onError: [{ target: '#pipeline.stalled', guard: 'stalledFailure' }, { target: '#pipeline.idle' }],
            },
          },
          skipped: { type: 'final' },
        },
        after: { backoff: 'idle' },
      },
      stalled: { after: { 5000: 'idle', interval: 'busy' }, always: { target: 'idle', guard: 'allowed' } },
      cleaning: { invoke: { src: 'cleanup', onDone: 'done' } },
      done: { type: 'final' },
    },
  });
}

/** Two machines with the same definition built separately: their charts must be byte-identical. */
export function twinMachines() {
  const make = () =>
    createMachine({
      id: 'twin',
      initial: 'a',
      states: { a: { on: { x: 'b', y: 'c' } }, b: { on: { back: 'a' } }, c: { type: 'final' } },
    });
  return [make(), make()] as const;
}
