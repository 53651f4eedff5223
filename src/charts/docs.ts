/** docs/state-charts.md and docs/charts/*.svg, generated from the machines. */
import type { AnyStateMachine } from 'xstate';
import { ChartError } from './graph.js';
import { toMermaid } from './mermaid.js';
import { toSvg } from './svg.js';

/** One generated file, `path` relative to the docs directory. */
export interface ChartFile {
  path: string;
  content: string;
}

/** The machine's `description`, else a string `meta.description`, else nothing. */
function describe(machine: AnyStateMachine): string | undefined {
  const root = machine.root as unknown as { description?: unknown; meta?: { description?: unknown } };
  if (typeof root.description === 'string' && root.description.trim()) return root.description.trim();
  const meta = root.meta?.description;
  return typeof meta === 'string' && meta.trim() ? meta.trim() : undefined;
}

/**
 * Every file of the state-chart docs for `machines` (name → machine, in the order the page lists
 * them): `state-charts.md` first, then `charts/<name>.svg` per machine.
 *
 * @throws ChartError when a name cannot be a file name or a value is not an XState v5 machine.
 */
export function chartDocs(machines: Record<string, AnyStateMachine>): ChartFile[] {
  const files: ChartFile[] = [];
  const md: string[] = [
    '# State charts',
    '',
    'Generated from `machines/` by `npm run docs`; a test fails when this page or the SVGs are stale.',
    'Every Flux object is one actor running one of these machines. Transitions that only record an',
    'event (a request that arrives while a run is under way is coalesced into one follow-up run) are',
    'not drawn; `done:`/`error:` label the result of an invoked effect, `after` a timer on the',
    "injected clock, and `[name]` a guard. States marked ⟳ in the SVGs invoke an effect.",
    '',
  ];
  for (const [name, machine] of Object.entries(machines)) {
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name)) throw new ChartError(`machines.${name}`, 'a machine name must be a plain file name');
    const mermaid = toMermaid(machine).trimEnd();
    const description = describe(machine);
    md.push(`## ${name}`, '');
    if (description) md.push(description, '');
    md.push('```mermaid', mermaid, '```', '', `![${name} state chart](charts/${name}.svg)`, '');
    files.push({ path: `charts/${name}.svg`, content: toSvg(machine) });
  }
  files.unshift({ path: 'state-charts.md', content: md.join('\n') });
  return files;
}
