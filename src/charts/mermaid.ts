/** Machine → Mermaid `stateDiagram-v2` text (GitHub renders it). Deterministic: declaration order. */
import type { AnyStateMachine } from 'xstate';
import { mergedTransitions, readMachine } from './graph.js';
import type { ChartGraph } from './graph.js';

const safeId = (graph: ChartGraph, id: string): string => id.slice(graph.root.length + 1).replace(/[^A-Za-z0-9_]/g, '_');
const labelText = (label: string): string => label.replace(/\n/g, '<br/>');

export function toMermaid(machine: AnyStateMachine): string {
  const graph = readMachine(machine);
  const lines: string[] = ['stateDiagram-v2'];
  const declare = (id: string, indent: string): void => {
    const s = graph.states.get(id);
    if (!s) return;
    const name = safeId(graph, id);
    if (s.children.length) {
      lines.push(`${indent}state "${s.key}" as ${name} {`);
      if (s.initial) lines.push(`${indent}  [*] --> ${safeId(graph, s.initial)}`);
      for (const c of s.children) declare(c, `${indent}  `);
      lines.push(`${indent}}`);
    } else {
      lines.push(`${indent}state "${s.key}" as ${name}`);
      if (s.invokes.length) lines.push(`${indent}${name} : invoke ${s.invokes.join(', ')}`);
    }
  };
  const rootState = graph.states.get(graph.root);
  if (rootState?.initial) lines.push(`  [*] --> ${safeId(graph, rootState.initial)}`);
  for (const c of rootState?.children ?? []) declare(c, '  ');
  for (const t of mergedTransitions(graph)) {
    if (t.source === graph.root) continue;
    lines.push(`  ${safeId(graph, t.source)} --> ${safeId(graph, t.target)} : ${labelText(t.label)}`);
  }
  for (const s of graph.states.values()) if (s.type === 'final') lines.push(`  ${safeId(graph, s.id)} --> [*]`);
  return `${lines.join('\n')}\n`;
}
