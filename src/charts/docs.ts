/** docs/state-charts.md and docs/charts/*.svg, generated from the machines. */
import type { AnyStateMachine } from 'xstate';
import { toMermaid } from './mermaid.js';
import { toSvg } from './svg.js';

export interface ChartFile {
  path: string;
  content: string;
}

export function chartDocs(machines: Record<string, AnyStateMachine>): ChartFile[] {
  const files: ChartFile[] = [];
  const md: string[] = [
    '# State charts',
    '',
    'Generated from `machines/` by `npm run docs`; a test fails when this page or the SVGs are stale.',
    'Every Flux object is one actor running one of these machines. Transitions that only record an',
    'event (a request that arrives while a run is under way is coalesced into one follow-up run) are',
    'not drawn; `done:`/`error:` label the result of an invoked effect, `after` a timer on the',
    "injected clock, and `[name]` a guard.",
    '',
  ];
  for (const [name, machine] of Object.entries(machines)) {
    const description = (machine.root as unknown as { description?: string }).description;
    md.push(`## ${name}`, '');
    if (description) md.push(description, '');
    md.push('```mermaid', toMermaid(machine).trimEnd(), '```', '', `![${name} state chart](charts/${name}.svg)`, '');
    files.push({ path: `charts/${name}.svg`, content: toSvg(machine) });
  }
  files.unshift({ path: 'state-charts.md', content: md.join('\n') });
  return files;
}
