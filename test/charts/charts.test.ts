import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createMachine } from 'xstate';
import type { AnyStateMachine } from 'xstate';
import { chartDocs, readMachine, toMermaid, toSvg } from '../../src/charts/index.js';
import { machines } from '../../machines/index.js';

const docs = path.resolve(__dirname, '../../docs');

describe('generated state charts', () => {
  it('docs/state-charts.md and docs/charts/*.svg are up to date (run `npm run docs`)', () => {
    for (const f of chartDocs(machines as unknown as Record<string, AnyStateMachine>)) {
      let committed = '';
      try {
        committed = readFileSync(path.join(docs, f.path), 'utf8');
      } catch {
        committed = '(missing)';
      }
      expect(committed === f.content, `docs/${f.path} is stale: run npm run docs`).toBe(true);
    }
  });

  it('are deterministic', () => {
    for (const m of Object.values(machines)) {
      expect(toMermaid(m as unknown as AnyStateMachine)).toBe(toMermaid(m as unknown as AnyStateMachine));
      expect(toSvg(m as unknown as AnyStateMachine)).toBe(toSvg(m as unknown as AnyStateMachine));
    }
  });
});

describe('Mermaid and SVG from a machine', () => {
  const sample = createMachine({
    id: 'sample',
    initial: 'idle',
    states: {
      idle: { on: { go: { target: 'busy', guard: 'allowed' } } },
      busy: {
        initial: 'one',
        states: { one: { on: { next: 'two' } }, two: { invoke: { src: 'work', onDone: '#sample.done', onError: '#sample.idle' } } },
        after: { timeout: 'idle' },
      },
      done: { type: 'final' },
    },
  });

  it('draws nested states, initial and final markers, guards, delays and invoke results', () => {
    const text = toMermaid(sample);
    expect(text).toContain('[*] --> idle');
    expect(text).toContain('state "busy" as busy {');
    expect(text).toContain('[*] --> busy_one');
    expect(text).toContain('idle --> busy : go [allowed]');
    expect(text).toContain('busy_one --> busy_two : next');
    expect(text).toContain('busy_two --> done : done: work');
    expect(text).toContain('busy_two --> idle : error: work');
    expect(text).toContain('busy --> idle : after timeout');
    expect(text).toContain('done --> [*]');
  });

  it('draws one SVG box per state and one path per merged transition', () => {
    const svg = toSvg(sample);
    expect(svg.match(/class="state/g)).toHaveLength(5 + 1);
    expect(svg.match(/class="transition"/g)?.length).toBe(5);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  });

  it('every state and every transition of a random machine appears in both outputs', () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    const arb = fc.record({
      count: fc.integer({ min: 1, max: 6 }),
      edges: fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 }), fc.constantFrom('x', 'y.z', 'go')), { maxLength: 12 }),
      nested: fc.boolean(),
    });
    fc.assert(
      fc.property(arb, ({ count, edges, nested }) => {
        const used = names.slice(0, count);
        const states: Record<string, { on?: Record<string, string>; initial?: string; states?: Record<string, object> }> = {};
        for (const n of used) states[n] = {};
        const on: Record<string, Record<string, string>> = {};
        for (const [s, t, ev] of edges) {
          const src = used[s % count] as string;
          const dst = used[t % count] as string;
          on[src] = { ...(on[src] ?? {}), [ev]: dst };
        }
        for (const [src, handlers] of Object.entries(on)) (states[src] as { on?: Record<string, string> }).on = handlers;
        if (nested) states[used[0] as string] = { ...states[used[0] as string], initial: 'inner', states: { inner: {} } };
        const m = createMachine({ id: 'rnd', initial: used[0], states } as never);
        const graph = readMachine(m);
        const text = toMermaid(m);
        const svg = toSvg(m);
        for (const s of graph.states.values()) {
          if (s.id === 'rnd') continue;
          expect(text).toContain(`"${s.key}"`);
          expect(svg).toContain(`data-id="${s.id}"`);
        }
        for (const [src, handlers] of Object.entries(on)) {
          for (const [ev, dst] of Object.entries(handlers)) {
            expect(text).toMatch(new RegExp(`\\n  ${src} --> ${dst} : [^\\n]*${ev.replace('.', '\\.')}`));
            expect(svg).toContain(`data-from="rnd.${src}" data-to="rnd.${dst}"`);
          }
        }
      }),
    );
  });
});
