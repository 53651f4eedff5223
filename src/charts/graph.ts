/**
 * Reads an XState v5 machine definition into a plain graph of states and transitions that the
 * Mermaid and SVG renderers share. Transitions that only run actions (no target) are left out:
 * they do not move the machine. Delays, invoke results and guards become labels.
 */
import type { AnyStateMachine } from 'xstate';

/** One state of the machine (the root included). */
export interface ChartState {
  /** Full id, e.g. `gitRepository.Reconciling.fetch`. */
  id: string;
  /** Name within its parent, e.g. `fetch`. */
  key: string;
  parent: string | undefined;
  type: 'atomic' | 'compound' | 'final' | 'parallel' | 'history';
  children: string[];
  initial: string | undefined;
  description: string | undefined;
  /** Actors invoked while in this state. */
  invokes: string[];
}

/** A value that is not an XState v5 machine, named by the field that is wrong. */
export class ChartError extends Error {
  constructor(
    /** Path of the offending field, e.g. `machine.root.states`. */
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'ChartError';
  }
}

/** One drawn transition; `label` may hold several event labels separated by newlines. */
export interface ChartTransition {
  source: string;
  target: string;
  label: string;
}

/** A machine as states (parents before children, declaration order) and transitions. */
export interface ChartGraph {
  id: string;
  description: string | undefined;
  root: string;
  states: Map<string, ChartState>;
  transitions: ChartTransition[];
}

interface StateNodeLike {
  id: string;
  key: string;
  type: ChartState['type'];
  description?: string;
  parent?: StateNodeLike;
  states: Record<string, StateNodeLike>;
  initial?: { target?: StateNodeLike[] };
  invoke?: { src: unknown; id: string }[];
  transitions: Map<string, { target?: StateNodeLike[]; guard?: unknown }[]>;
  always?: { target?: StateNodeLike[]; guard?: unknown }[];
  after?: { delay: unknown; eventType: string }[];
}

function guardName(guard: unknown): string | undefined {
  if (!guard) return undefined;
  if (typeof guard === 'string') return guard;
  // An inline guard function has no declared name; its JavaScript name is the best we have.
  if (typeof guard === 'function') return guard.name || 'guard';
  if (typeof guard === 'object' && guard && 'type' in guard) return String((guard as { type: unknown }).type);
  return 'guard';
}

function eventLabel(node: StateNodeLike, eventType: string): string {
  const after = node.after?.find((a) => a.eventType === eventType);
  if (after) return `after ${typeof after.delay === 'string' ? after.delay : `${String(after.delay)}ms`}`;
  const invoked = /^xstate\.(done|error)\.actor\.(.+)$/.exec(eventType);
  if (invoked) {
    const inv = node.invoke?.find((i) => i.id === invoked[2]);
    const src = inv ? (typeof inv.src === 'string' ? inv.src : inv.id) : invoked[2];
    return `${invoked[1]}: ${src}`;
  }
  return eventType;
}

function checkNode(node: unknown, field: string): asserts node is StateNodeLike {
  const n = node as Partial<StateNodeLike> | undefined;
  if (!n || typeof n !== 'object') throw new ChartError(field, 'expected an XState v5 state node');
  if (typeof n.id !== 'string') throw new ChartError(`${field}.id`, 'expected a string');
  if (!n.states || typeof n.states !== 'object') throw new ChartError(`${field}.states`, 'expected an object of child states');
  if (!(n.transitions instanceof Map)) throw new ChartError(`${field}.transitions`, 'expected a Map (is this an XState v5 machine?)');
}

/**
 * Reads a machine's state-node tree. Transitions declared on the machine's root apply in every
 * top-level state, so they are drawn from each top-level state that is not final (a final
 * top-level state stops the machine) and not already inside the target.
 *
 * @throws ChartError when `machine` is not an XState v5 machine.
 */
export function readMachine(machine: AnyStateMachine): ChartGraph {
  const candidate = (machine as unknown as { root?: unknown } | undefined)?.root;
  checkNode(candidate, 'machine.root');
  const root = candidate;
  const states = new Map<string, ChartState>();
  const transitions: ChartTransition[] = [];
  const visit = (node: StateNodeLike, field: string): void => {
    checkNode(node, field);
    states.set(node.id, {
      id: node.id,
      key: node.key,
      parent: node.parent?.id,
      type: node.type,
      children: Object.values(node.states).map((c) => c.id),
      initial: node.initial?.target?.[0]?.id,
      description: node.description,
      invokes: (node.invoke ?? []).map((i) => (typeof i.src === 'string' ? i.src : i.id)),
    });
    const add = (label: string, t: { target?: StateNodeLike[]; guard?: unknown }): void => {
      const g = guardName(t.guard);
      const text = g ? `${label} [${g}]` : label;
      for (const target of t.target ?? []) {
        if (node !== root) {
          transitions.push({ source: node.id, target: target.id, label: text });
          continue;
        }
        for (const child of Object.values(root.states)) {
          if (child.type === 'final' || target.id === child.id || target.id.startsWith(`${child.id}.`)) continue;
          transitions.push({ source: child.id, target: target.id, label: text });
        }
      }
    };
    for (const [eventType, list] of node.transitions) for (const t of list) add(eventLabel(node, eventType), t);
    for (const t of node.always ?? []) add('always', t);
    for (const [key, child] of Object.entries(node.states)) visit(child, `${field}.states.${key}`);
  };
  visit(root, 'machine.root');
  return { id: root.id, description: root.description, root: root.id, states, transitions };
}

/** `error: build [stalledFailure]` → `error [stalledFailure]`: the label without the effect's name. */
const generic = (label: string): string => label.replace(/^(done|error): \S+/, '$1');

function isWithin(graph: ChartGraph, id: string, ancestor: string): boolean {
  for (let cur: string | undefined = id; cur; cur = graph.states.get(cur)?.parent) if (cur === ancestor) return true;
  return false;
}

/**
 * When every child of a compound state leaves it the same way (every pipeline step's error goes
 * to Failed), draw one transition from the compound state instead of one per child.
 */
export function liftedTransitions(graph: ChartGraph): ChartTransition[] {
  let edges = graph.transitions.map((t) => ({ ...t }));
  for (const state of graph.states.values()) {
    if (state.children.length < 2 || state.id === graph.root) continue;
    const outgoing = edges.filter((e) => state.children.includes(e.source) && !isWithin(graph, e.target, state.id));
    const groups = new Map<string, ChartTransition[]>();
    for (const e of outgoing) {
      const key = `${e.target}\u0000${generic(e.label)}`;
      groups.set(key, [...(groups.get(key) ?? []), e]);
    }
    for (const [key, group] of groups) {
      const sources = new Set(group.map((e) => e.source));
      if (sources.size !== state.children.length) continue;
      const [target, label] = key.split('\u0000') as [string, string];
      const drop = new Set(group);
      const firstIndex = edges.findIndex((e) => drop.has(e));
      edges = edges.filter((e) => !drop.has(e));
      edges.splice(firstIndex, 0, { source: state.id, target, label });
    }
  }
  return edges;
}

/** Transitions between the same two states (after lifting), labels joined in declaration order. */
export function mergedTransitions(graph: ChartGraph): ChartTransition[] {
  const byPair = new Map<string, ChartTransition>();
  for (const t of liftedTransitions(graph)) {
    const key = `${t.source}\u0000${t.target}`;
    const existing = byPair.get(key);
    if (existing) {
      if (!existing.label.split('\n').includes(t.label)) existing.label += `\n${t.label}`;
    } else byPair.set(key, { ...t });
  }
  return [...byPair.values()];
}
