/** Machine → Mermaid `stateDiagram-v2` text (GitHub renders it). Deterministic: declaration order. */
import type { AnyStateMachine } from 'xstate';
import { mergedTransitions, readMachine } from './graph.js';
import type { ChartGraph } from './graph.js';

/** Options for {@link toMermaid}. */
export interface MermaidOptions {
  /** Shown above the diagram (Mermaid front matter). */
  title?: string;
}

/**
 * Mermaid names for every state: the path below the root with `_` for anything Mermaid does not
 * accept in an id, made unique with a numeric suffix when two paths collapse to one name.
 */
function mermaidIds(graph: ChartGraph): Map<string, string> {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  for (const id of graph.states.keys()) {
    if (id === graph.root) continue;
    const base = `${id.slice(graph.root.length + 1).replace(/[^A-Za-z0-9_]/g, '_')}` || '_';
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
    taken.add(name);
    ids.set(id, name);
  }
  return ids;
}

/** Quotes and line breaks would end a Mermaid label early; `;` ends a statement. */
const labelText = (label: string): string => label.replace(/[;"]/g, ' ').replace(/\n/g, '<br/>');
const quoted = (text: string): string => text.replace(/"/g, "'");

/**
 * A Mermaid `stateDiagram-v2` for `machine`: compound states as composite states, `[*] -->` for
 * each initial state, `--> [*]` for final states, transitions labelled by event (`after <delay>`,
 * `done: <actor>` / `error: <actor>` for invoke results, `[guard]` for guards). Transitions between
 * the same two states share one arrow with their labels on separate lines.
 *
 * @throws ChartError when `machine` is not an XState v5 machine.
 */
export function toMermaid(machine: AnyStateMachine, options: MermaidOptions = {}): string {
  const graph = readMachine(machine);
  const ids = mermaidIds(graph);
  const idOf = (id: string): string => ids.get(id) ?? '[*]';
  const lines: string[] = [];
  if (options.title) lines.push('---', `title: ${JSON.stringify(options.title)}`, '---');
  lines.push('stateDiagram-v2');
  const declare = (id: string, indent: string): void => {
    const s = graph.states.get(id);
    if (!s) return;
    const name = idOf(id);
    if (s.children.length) {
      lines.push(`${indent}state "${quoted(s.key)}" as ${name} {`);
      if (s.initial) lines.push(`${indent}  [*] --> ${idOf(s.initial)}`);
      for (const c of s.children) declare(c, `${indent}  `);
      // `[*]` inside a composite block is that composite's end, so nested finals stay inside.
      for (const c of s.children) if (graph.states.get(c)?.type === 'final') lines.push(`${indent}  ${idOf(c)} --> [*]`);
      lines.push(`${indent}}`);
    } else {
      lines.push(`${indent}state "${quoted(s.key)}" as ${name}`);
      if (s.invokes.length) lines.push(`${indent}${name} : invoke ${labelText(s.invokes.join(', '))}`);
    }
  };
  const rootState = graph.states.get(graph.root);
  if (rootState?.initial) lines.push(`  [*] --> ${idOf(rootState.initial)}`);
  for (const c of rootState?.children ?? []) declare(c, '  ');
  for (const t of mergedTransitions(graph)) {
    if (t.source === graph.root) continue;
    lines.push(`  ${idOf(t.source)} --> ${idOf(t.target)} : ${labelText(t.label)}`);
  }
  for (const s of graph.states.values()) if (s.type === 'final' && s.parent === graph.root) lines.push(`  ${idOf(s.id)} --> [*]`);
  return `${lines.join('\n')}\n`;
}
