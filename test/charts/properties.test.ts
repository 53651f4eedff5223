import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createMachine } from 'xstate';
import { readMachine, toMermaid, toSvg } from '../../src/charts/index.js';
import { inside, svgBoxes } from './svg-boxes.js';

/** A random machine config: top-level states, some compound, some final, random transitions. */
const configArb = fc
  .record({
    top: fc.array(
      fc.record({ final: fc.boolean(), children: fc.integer({ min: 0, max: 3 }), finalChild: fc.boolean() }),
      { minLength: 1, maxLength: 6 },
    ),
    edges: fc.array(
      fc.record({
        from: fc.nat(),
        to: fc.nat(),
        event: fc.constantFrom('go', 'source.revisionChanged', 'reconcile.requested', 'x'),
        guard: fc.option(fc.constantFrom('ready', 'suspended'), { nil: undefined }),
      }),
      { maxLength: 14 },
    ),
  })
  .map(({ top, edges }) => {
    // Paths like ['s0'] or ['s1', 'c0']; final states never have outgoing transitions.
    const states: Record<string, Record<string, unknown>> = {};
    const paths: { path: string[]; final: boolean }[] = [];
    top.forEach((t, i) => {
      const key = `s${i}`;
      if (t.children > 0 && !t.final) {
        const children: Record<string, Record<string, unknown>> = {};
        for (let c = 0; c < t.children; c++) {
          const final = t.finalChild && c === t.children - 1 && c > 0;
          children[`c${c}`] = final ? { type: 'final' } : {};
          paths.push({ path: [key, `c${c}`], final });
        }
        states[key] = { initial: 'c0', states: children };
      } else states[key] = t.final ? { type: 'final' } : {};
      paths.push({ path: [key], final: t.final });
    });
    const node = (p: string[]): Record<string, unknown> =>
      p.length === 1 ? (states[p[0] as string] as Record<string, unknown>) : ((states[p[0] as string]?.states as Record<string, Record<string, unknown>>)[p[1] as string] as Record<string, unknown>);
    const transitions: { from: string[]; to: string[]; label: string }[] = [];
    for (const e of edges) {
      const from = paths[e.from % paths.length] as { path: string[]; final: boolean };
      const to = paths[e.to % paths.length] as { path: string[]; final: boolean };
      if (from.final) continue;
      const on = (node(from.path).on ??= {}) as Record<string, unknown>;
      if (on[e.event]) continue; // one transition per event per state
      on[e.event] = { target: `#rnd.${to.path.join('.')}`, ...(e.guard ? { guard: e.guard } : {}) };
      transitions.push({ from: from.path, to: to.path, label: e.guard ? `${e.event} [${e.guard}]` : e.event });
    }
    return { config: { id: 'rnd', initial: 's0', states }, transitions };
  });

describe('charts of random machines', () => {
  it('name every state and every transition, and draw one box per state inside its parent', () => {
    fc.assert(
      fc.property(configArb, ({ config, transitions }) => {
        const machine = createMachine(config as never);
        const graph = readMachine(machine);
        const text = toMermaid(machine);
        const svg = toSvg(machine);
        const lines = text.split('\n').map((l) => l.trim());
        for (const s of graph.states.values()) {
          if (s.id === 'rnd') continue;
          expect(lines).toContain(`state "${s.key}" as ${s.id.slice(4).replace(/\./g, '_')}${s.children.length ? ' {' : ''}`);
          if (s.type === 'final') expect(lines).toContain(`${s.id.slice(4).replace(/\./g, '_')} --> [*]`);
        }
        for (const t of transitions) {
          // A transition shared by every child of a compound state is drawn once from the parent.
          const sources = [t.from.join('_'), t.from[0] as string];
          const target = t.to.join('_');
          const drawn = lines.some((l) => {
            const m = /^(\S+) --> (\S+) : (.*)$/.exec(l);
            return m !== null && sources.includes(m[1] as string) && m[2] === target && (m[3] as string).split('<br/>').includes(t.label);
          });
          expect(drawn, `${t.from.join('.')} --${t.label}--> ${t.to.join('.')}`).toBe(true);
          expect(svg).toContain(`>${t.label}</text>`);
        }
        const boxes = svgBoxes(svg);
        expect(svg.match(/class="state/g)).toHaveLength(graph.states.size);
        expect(boxes.size).toBe(graph.states.size);
        for (const s of graph.states.values()) if (s.parent) expect(inside(boxes.get(s.id)!, boxes.get(s.parent)!)).toBe(true);
        expect(toSvg(createMachine(config as never))).toBe(svg);
      }),
      { numRuns: 150 },
    );
  });
});
