import { describe, expect, it } from 'vitest';
import { createMachine } from 'xstate';
import type { AnyStateMachine } from 'xstate';
import { ChartError, readMachine, toSvg } from '../../src/charts/index.js';
import { pipelineMachine, twinMachines } from './fixtures.js';
import { inside, intersects, svgBoxes } from './svg-boxes.js';

describe('toSvg', () => {
  const machine = pipelineMachine();
  const svg = toSvg(machine);
  const graph = readMachine(machine);
  const boxes = svgBoxes(svg);

  it('is a standalone SVG document with a fixed size', () => {
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="\d+" height="\d+" viewBox="0 0 \d+ \d+"/);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<g[ >]/g)?.length).toBe(svg.match(/<\/g>/g)?.length);
    expect(svg).not.toMatch(/NaN|Infinity|undefined/);
  });

  it('draws one box per state, the root and compound states as containers', () => {
    expect([...boxes.keys()].sort()).toEqual([...graph.states.keys()].sort());
    expect(svg.match(/class="state/g)).toHaveLength(graph.states.size);
    expect([...boxes.values()].filter((b) => b.compound).map((b) => b.id).sort()).toEqual(['pipeline', 'pipeline.busy']);
  });

  it('lays children out inside their parent and siblings apart', () => {
    for (const s of graph.states.values()) {
      if (!s.parent) continue;
      expect(inside(boxes.get(s.id)!, boxes.get(s.parent)!), `${s.id} inside ${s.parent}`).toBe(true);
      for (const sibling of graph.states.get(s.parent)!.children) {
        if (sibling !== s.id) expect(intersects(boxes.get(s.id)!, boxes.get(sibling)!), `${s.id} / ${sibling}`).toBe(false);
      }
    }
  });

  it('marks each initial state and gives final states a double border', () => {
    const withInitial = [...graph.states.values()].filter((s) => s.initial).length;
    expect(svg.match(/<circle /g)).toHaveLength(withInitial);
    const done = svg.slice(svg.indexOf('data-id="pipeline.done"'));
    expect(done.slice(0, done.indexOf('</g>')).match(/<rect /g)).toHaveLength(2);
  });

  it('draws an arrow per merged transition with every label', () => {
    expect(svg.match(/class="transition"/g)).toHaveLength(12);
    expect(svg.match(/marker-end="url\(#arrow\)"/g)?.length).toBe(12 + 2);
    for (const label of ['go [allowed]', 'after backoff', 'after 5000ms', 'always [allowed]', 'done: work', 'error: work [stalledFailure]', 'object.deleted']) {
      expect(svg).toContain(`>${label}</text>`);
    }
    expect(svg).toContain('data-from="pipeline.busy.two" data-to="pipeline.stalled"');
  });

  it('places labels clear of the state boxes', () => {
    const labels = [...svg.matchAll(/<rect x="([\d.-]+)" y="([\d.-]+)" width="([\d.-]+)" height="([\d.-]+)" fill="#ffffff" fill-opacity/g)].map(
      ([, x, y, w, h]) => ({ id: 'label', compound: false, x: Number(x), y: Number(y), w: Number(w), h: Number(h) }),
    );
    expect(labels).toHaveLength(12);
    const atoms = [...boxes.values()].filter((b) => !b.compound);
    const covering = labels.filter((l) => atoms.some((a) => intersects(l, a)));
    expect(covering).toEqual([]);
  });

  it('draws a self-transition as a loop', () => {
    const m = createMachine({ id: 'loop', initial: 'a', states: { a: { on: { again: 'a' } } } });
    const out = toSvg(m);
    expect(out).toMatch(/data-from="loop\.a" data-to="loop\.a"><path d="M[\d.]+,[\d.]+ C/);
    expect(out).toContain('>again</text>');
  });

  it('is byte-identical for two separately built copies of a machine', () => {
    const [a, b] = twinMachines();
    expect(toSvg(a)).toBe(toSvg(b));
    expect(toSvg(pipelineMachine())).toBe(svg);
  });

  it('escapes state and event names', () => {
    const m = createMachine({ id: 'esc', initial: 'a<b', states: { 'a<b': { on: { 'x&y': 'c' } }, c: {} } });
    const out = toSvg(m);
    expect(out).toContain('>a&lt;b</text>');
    expect(out).toContain('>x&amp;y</text>');
    expect(out).not.toContain('a<b');
  });

  it('rejects a value that is not a machine with a typed error', () => {
    expect(() => toSvg(null as unknown as AnyStateMachine)).toThrow(ChartError);
  });
});
