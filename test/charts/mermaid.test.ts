import { describe, expect, it } from 'vitest';
import { createMachine } from 'xstate';
import type { AnyStateMachine } from 'xstate';
import { ChartError, chartDocs, toMermaid } from '../../src/charts/index.js';
import { pipelineMachine, twinMachines } from './fixtures.js';

describe('toMermaid', () => {
  const text = toMermaid(pipelineMachine());
  const lines = text.split('\n');

  it('starts a stateDiagram-v2 with the machine initial state', () => {
    expect(lines.slice(0, 2)).toEqual(['stateDiagram-v2', '  [*] --> idle']);
  });

  it('draws compound states as composite states with their own initial and final markers', () => {
    const start = lines.indexOf('  state "busy" as busy {');
    const end = lines.indexOf('  }', start);
    expect(start).toBeGreaterThan(0);
    expect(lines.slice(start + 1, end)).toEqual([
      '    [*] --> busy_one',
      '    state "one" as busy_one',
      '    state "two" as busy_two',
      '    busy_two : invoke work',
      '    state "skipped" as busy_skipped',
      '    busy_skipped --> [*]',
    ]);
  });

  it('ends top-level final states in [*]', () => {
    expect(lines).toContain('  done --> [*]');
    expect(lines.filter((l) => l.endsWith('--> [*]'))).toHaveLength(2);
  });

  it.each([
    ['guards in brackets', '  idle --> busy : go [allowed]'],
    ['named delays by name', '  busy --> idle : after backoff'],
    ['numeric delays in milliseconds, merged with eventless transitions', '  stalled --> idle : after 5000ms<br/>always [allowed]'],
    ['invoke results as done:/error: with the actor', '  busy_two --> done : done: work'],
    ['guarded invoke errors', '  busy_two --> stalled : error: work [stalledFailure]'],
    ['unguarded invoke errors', '  busy_two --> idle : error: work'],
    ['plain events between nested states', '  busy_one --> busy_two : next'],
    ['root transitions from every top-level state but the target and finals', '  stalled --> cleaning : object.deleted'],
  ])('labels %s', (_what, line) => {
    expect(lines).toContain(line);
  });

  it('leaves out transitions that do not change state and root transitions from final states', () => {
    expect(text).not.toContain('poke');
    expect(text).not.toContain('cleaning --> cleaning');
    expect(text).not.toContain('done --> cleaning');
  });

  it('puts a title in front matter', () => {
    expect(toMermaid(pipelineMachine(), { title: 'Pipe "A"' }).split('\n').slice(0, 4)).toEqual([
      '---',
      'title: "Pipe \\"A\\""',
      '---',
      'stateDiagram-v2',
    ]);
  });

  it('lifts a transition every child of a compound state shares onto the compound state', () => {
    const m = createMachine({
      id: 'lift',
      initial: 'run',
      states: {
        run: {
          initial: 'a',
          states: {
            a: { invoke: { src: 'fa', onDone: 'b', onError: '#lift.failed' } },
            b: { invoke: { src: 'fb', onError: '#lift.failed' } },
          },
        },
        failed: {},
      },
    });
    const out = toMermaid(m);
    expect(out).toContain('  run --> failed : error\n');
    expect(out).not.toContain('run_a --> failed');
    expect(out).toContain('  run_a --> run_b : done: fa\n');
  });

  it('keeps ids unique when two state paths clean up to the same name', () => {
    const m = createMachine({ id: 'ids', initial: 'a-b', states: { 'a-b': { on: { x: 'a_b' } }, a_b: {} } });
    const out = toMermaid(m);
    expect(out).toContain('state "a-b" as a_b\n');
    expect(out).toContain('state "a_b" as a_b_2\n');
    expect(out).toContain('a_b --> a_b_2 : x');
  });

  it('is byte-identical for two separately built copies of a machine', () => {
    const [a, b] = twinMachines();
    expect(toMermaid(a)).toBe(toMermaid(b));
  });

  it('rejects a value that is not a machine with a typed error naming the field', () => {
    expect(() => toMermaid({} as AnyStateMachine)).toThrow(ChartError);
    expect(() => toMermaid({ root: { id: 'x', states: {} } } as unknown as AnyStateMachine)).toThrow('machine.root.transitions');
  });
});

describe('chartDocs', () => {
  it('writes the page with heading, description, Mermaid block and SVG link per machine, then the SVGs', () => {
    const [twin] = twinMachines();
    const files = chartDocs({ pipeline: pipelineMachine(), twin });
    expect(files.map((f) => f.path)).toEqual(['state-charts.md', 'charts/pipeline.svg', 'charts/twin.svg']);
    const page = files[0]?.content ?? '';
    expect(page).toContain('## pipeline\n\nA pipeline used by the chart tests.\n\n```mermaid\nstateDiagram-v2\n');
    expect(page).toContain('![pipeline state chart](charts/pipeline.svg)');
    expect(page).toContain('## twin\n\n```mermaid\n');
    expect(page.indexOf('## pipeline')).toBeLessThan(page.indexOf('## twin'));
  });

  it('takes the description from meta when the machine has none', () => {
    const m = createMachine({ id: 'm', meta: { description: 'From meta.' }, initial: 'a', states: { a: {} } });
    expect(chartDocs({ m })[0]?.content).toContain('## m\n\nFrom meta.\n');
  });

  it('refuses a machine name that is not a plain file name', () => {
    const [twin] = twinMachines();
    expect(() => chartDocs({ '../evil': twin })).toThrow(ChartError);
  });
});
