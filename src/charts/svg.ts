/**
 * Machine → standalone SVG with our own deterministic layered layout (no browser, no external
 * binary). Each compound state lays its children out in layers: breadth-first from the initial
 * child over the transitions between siblings, ordered within a layer by the barycentre of
 * their predecessors. Compound states are drawn as boxes containing their children; edges are
 * curves between box borders with their labels at the midpoint.
 */
import type { AnyStateMachine } from 'xstate';
import { mergedTransitions, readMachine } from './graph.js';
import type { ChartGraph, ChartState, ChartTransition } from './graph.js';

const CHAR = 6.6;
const FONT = 12;
const PAD = 14;
const TITLE = 22;
const GAP_X = 90;
const GAP_Y = 96;
const ATOM_H = 34;
/** Average glyph width of the 10px transition labels. */
const LABEL_CHAR = 5.6;

interface Box {
  id: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The ancestor of `id` that is a direct child of `parent` (or undefined). */
function childUnder(graph: ChartGraph, parent: string, id: string): string | undefined {
  let cur: string | undefined = id;
  while (cur) {
    const s = graph.states.get(cur);
    if (s?.parent === parent) return cur;
    cur = s?.parent;
  }
  return undefined;
}

interface Size {
  w: number;
  h: number;
  /** Child positions relative to the parent's content origin. */
  place: Map<string, { x: number; y: number }>;
}

function measure(graph: ChartGraph, state: ChartState, sizes: Map<string, Size>, edges: ChartTransition[]): Size {
  if (state.children.length === 0) {
    const label = state.invokes.length ? `${state.key} ⟳` : state.key;
    const size = { w: Math.max(70, Math.ceil(label.length * CHAR) + 2 * PAD), h: ATOM_H, place: new Map() };
    sizes.set(state.id, size);
    return size;
  }
  const kids = state.children;
  for (const k of kids) measure(graph, graph.states.get(k) as ChartState, sizes, edges);
  // Edges lifted to this level: between the children that contain their ends.
  const succ = new Map<string, string[]>(kids.map((k) => [k, []]));
  for (const e of edges) {
    const a = childUnder(graph, state.id, e.source);
    const b = childUnder(graph, state.id, e.target);
    if (a && b && a !== b && !succ.get(a)?.includes(b)) succ.get(a)?.push(b);
  }
  // Layers by breadth-first search from the initial child; unreached children follow in order.
  const layer = new Map<string, number>();
  const queue: string[] = [];
  const start = state.initial ?? kids[0];
  if (start) {
    layer.set(start, 0);
    queue.push(start);
  }
  while (queue.length) {
    const cur = queue.shift() as string;
    for (const n of succ.get(cur) ?? []) {
      if (!layer.has(n)) {
        layer.set(n, (layer.get(cur) ?? 0) + 1);
        queue.push(n);
      }
    }
  }
  let maxLayer = Math.max(0, ...layer.values());
  for (const k of kids) if (!layer.has(k)) layer.set(k, ++maxLayer);
  const layers: string[][] = [];
  for (const k of kids) (layers[layer.get(k) as number] ??= []).push(k);
  // Barycentre ordering, one downward pass, stable.
  const position = new Map<string, number>();
  layers.forEach((row, i) => {
    if (i > 0) {
      const bary = (k: string): number => {
        const preds = kids.filter((p) => succ.get(p)?.includes(k) && (layer.get(p) as number) < i);
        if (!preds.length) return Number.MAX_SAFE_INTEGER;
        return preds.reduce((sum, p) => sum + (position.get(p) ?? 0), 0) / preds.length;
      };
      const withIndex = row.map((k, idx) => ({ k, b: bary(k), idx }));
      withIndex.sort((x, y) => x.b - y.b || x.idx - y.idx);
      row.splice(0, row.length, ...withIndex.map((x) => x.k));
    }
    row.forEach((k, idx) => position.set(k, idx));
  });
  const place = new Map<string, { x: number; y: number }>();
  // Rows sit far enough apart for the tallest label drawn between this state's children.
  let tallest = 0;
  for (const e of edges) {
    if (childUnder(graph, state.id, e.source) && childUnder(graph, state.id, e.target)) tallest = Math.max(tallest, e.label.split('\n').length * 12 + 2);
  }
  const gapY = Math.max(GAP_Y, tallest + 30);
  const rowWidths = layers.map((row) => row.reduce((w, k) => w + (sizes.get(k)?.w ?? 0), 0) + GAP_X * Math.max(0, row.length - 1));
  const width = Math.max(...rowWidths, Math.ceil(state.key.length * CHAR) + 2 * PAD);
  let y = 0;
  layers.forEach((row, i) => {
    const rowH = Math.max(...row.map((k) => sizes.get(k)?.h ?? 0));
    let x = (width - (rowWidths[i] ?? 0)) / 2;
    for (const k of row) {
      const s = sizes.get(k) as Size;
      place.set(k, { x, y: y + (rowH - s.h) / 2 });
      x += s.w + GAP_X;
    }
    y += rowH + gapY;
  });
  const size = { w: width + 2 * PAD, h: y - gapY + 2 * PAD + TITLE, place };
  sizes.set(state.id, size);
  return size;
}

function absolute(graph: ChartGraph, id: string, sizes: Map<string, Size>, x: number, y: number, out: Map<string, Box>): void {
  const size = sizes.get(id) as Size;
  out.set(id, { id, x, y, w: size.w, h: size.h });
  for (const [child, p] of size.place) absolute(graph, child, sizes, x + PAD + p.x, y + PAD + TITLE + p.y, out);
}

/** Where the line from a box's centre towards (tx, ty) leaves the box. */
function border(b: Box, tx: number, ty: number): [number, number] {
  const cx = b.x + b.w / 2;
  const cy = b.y + b.h / 2;
  const dx = tx - cx;
  const dy = ty - cy;
  if (dx === 0 && dy === 0) return [cx, cy];
  const sx = dx === 0 ? Infinity : b.w / 2 / Math.abs(dx);
  const sy = dy === 0 ? Infinity : b.h / 2 / Math.abs(dy);
  const s = Math.min(sx, sy);
  return [cx + dx * s, cy + dy * s];
}

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Whether `id` is `ancestor` or lies inside it. */
function within(graph: ChartGraph, id: string, ancestor: string): boolean {
  for (let cur: string | undefined = id; cur; cur = graph.states.get(cur)?.parent) if (cur === ancestor) return true;
  return false;
}

/** The control point of a curve from (x1, y1) to (x2, y2) bowed `bow` pixels off the chord. */
function control(x1: number, y1: number, x2: number, y2: number, bow: number): [number, number] {
  const len = Math.hypot(x2 - x1, y2 - y1) || 1;
  return [(x1 + x2) / 2 + (-(y2 - y1) / len) * bow, (y1 + y2) / 2 + ((x2 - x1) / len) * bow];
}

/** The point at `t` on a quadratic Bézier curve. */
function quad(x1: number, y1: number, cx: number, cy: number, x2: number, y2: number, t: number): [number, number] {
  const u = 1 - t;
  return [u * u * x1 + 2 * u * t * cx + t * t * x2, u * u * y1 + 2 * u * t * cy + t * t * y2];
}

/** Total area `r` shares with `others`. */
function overlap(r: Rect, others: Rect[]): number {
  let area = 0;
  for (const o of others) {
    const w = Math.min(r.x + r.w, o.x + o.w) - Math.max(r.x, o.x);
    const h = Math.min(r.y + r.h, o.y + o.h) - Math.max(r.y, o.y);
    if (w > 0 && h > 0) area += w * h;
  }
  return area;
}

const r1 = (n: number): string => (Math.round(n * 10) / 10).toString();

/**
 * A standalone SVG of `machine`, byte-for-byte the same for the same definition: one
 * `class="state"` group per state (compound states as containing boxes), one
 * `class="transition"` group per arrow, a dot-and-arrow marker on each initial state and a double
 * border on final states.
 *
 * @throws ChartError when `machine` is not an XState v5 machine.
 */
export function toSvg(machine: AnyStateMachine): string {
  const graph = readMachine(machine);
  const edges = mergedTransitions(graph).filter((t) => t.source !== graph.root);
  const sizes = new Map<string, Size>();
  const root = graph.states.get(graph.root) as ChartState;
  measure(graph, root, sizes, edges);
  const boxes = new Map<string, Box>();
  absolute(graph, root.id, sizes, 10, 10, boxes);
  const rootBox = boxes.get(root.id) as Box;
  const width = Math.ceil(rootBox.w + 20);
  const height = Math.ceil(rootBox.h + 20);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="${FONT}">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
  ];
  // States: containers first (outermost first), so children draw above them.
  const depth = (id: string): number => {
    let d = 0;
    for (let p = graph.states.get(id)?.parent; p; p = graph.states.get(p)?.parent) d++;
    return d;
  };
  const ordered = [...boxes.values()].sort((a, b) => depth(a.id) - depth(b.id));
  const atoms: string[] = [];
  const labels: string[] = [];
  for (const b of ordered) {
    const s = graph.states.get(b.id) as ChartState;
    if (s.children.length) {
      const fill = b.id === root.id ? '#f7f9fc' : '#eef3fb';
      out.push(`<g class="state compound" data-id="${esc(s.id)}"><rect x="${r1(b.x)}" y="${r1(b.y)}" width="${r1(b.w)}" height="${r1(b.h)}" rx="10" fill="${fill}" stroke="#7a8ca8"/>`);
      out.push(`<text x="${r1(b.x + PAD)}" y="${r1(b.y + 18)}" font-weight="bold" fill="#2b3a55">${esc(s.key)}</text></g>`);
    } else {
      // Atomic states are drawn after the transitions, so no label ever hides a state.
      const final = s.type === 'final';
      atoms.push(`<g class="state" data-id="${esc(s.id)}"><rect x="${r1(b.x)}" y="${r1(b.y)}" width="${r1(b.w)}" height="${r1(b.h)}" rx="8" fill="#ffffff" stroke="#2b3a55" stroke-width="${final ? 3 : 1.2}"/>`);
      if (final) atoms.push(`<rect x="${r1(b.x + 3)}" y="${r1(b.y + 3)}" width="${r1(b.w - 6)}" height="${r1(b.h - 6)}" rx="6" fill="none" stroke="#2b3a55"/>`);
      const label = s.invokes.length ? `${s.key} ⟳` : s.key;
      atoms.push(`<text x="${r1(b.x + b.w / 2)}" y="${r1(b.y + b.h / 2 + 4)}" text-anchor="middle" fill="#111">${esc(label)}</text></g>`);
    }
    // Initial marker: a dot above the initial child with an arrow into it.
    if (s.initial) {
      const t = boxes.get(s.initial);
      if (t) {
        const cx = t.x + t.w / 2;
        out.push(`<circle cx="${r1(cx - t.w / 2 - 14)}" cy="${r1(t.y + t.h / 2)}" r="5" fill="#2b3a55"/>`);
        out.push(`<line x1="${r1(cx - t.w / 2 - 9)}" y1="${r1(t.y + t.h / 2)}" x2="${r1(t.x)}" y2="${r1(t.y + t.h / 2)}" stroke="#555" marker-end="url(#arrow)"/>`);
      }
    }
  }
  // Transitions: quadratic curves bowed to whichever side crosses the fewest other states, with
  // labels slid along the curve to the first spot that covers no state and no earlier label.
  const atomBoxes = [...boxes.values()].filter((b) => !graph.states.get(b.id)?.children.length);
  const titleBars = [...boxes.values()]
    .filter((b) => graph.states.get(b.id)?.children.length && b.id !== root.id)
    .map((b) => ({ id: b.id, x: b.x, y: b.y, w: b.w, h: TITLE + 4 }));
  const placed: Rect[] = [];
  edges.forEach((e) => {
    const a = boxes.get(e.source);
    const b = boxes.get(e.target);
    if (!a || !b) return;
    const lines = e.label.split('\n');
    const lw = Math.max(...lines.map((l) => l.length)) * LABEL_CHAR + 8;
    const lh = lines.length * 12 + 2;
    let d: string;
    let spots: [number, number][];
    if (a === b) {
      // A self-transition: a loop off the right-hand side, its label beside the loop.
      const x = a.x + a.w;
      d = `M${r1(x)},${r1(a.y + a.h * 0.3)} C${r1(x + 36)},${r1(a.y - 14)} ${r1(x + 36)},${r1(a.y + a.h + 14)} ${r1(x)},${r1(a.y + a.h * 0.7)}`;
      spots = [[x + 34 + lw / 2, a.y + a.h / 2], [x + lw / 2, a.y - lh / 2 - 4], [x + lw / 2, a.y + a.h + lh / 2 + 4]];
    } else {
      const [x1, y1] = border(a, b.x + b.w / 2, b.y + b.h / 2);
      const [x2, y2] = border(b, a.x + a.w / 2, a.y + a.h / 2);
      const len = Math.hypot(x2 - x1, y2 - y1) || 1;
      const unit = Math.min(40, len / 5) * (e.source < e.target ? 1 : -1);
      const others = [...atomBoxes, ...titleBars].filter((o) => !within(graph, e.source, o.id) && !within(graph, e.target, o.id));
      let best = { bow: unit, hits: Infinity };
      for (const bow of [unit, -unit, 2.5 * unit, -2.5 * unit, 5 * unit, -5 * unit]) {
        const c = control(x1, y1, x2, y2, bow);
        let hits = 0;
        for (let i = 1; i < 20; i++) {
          const [px, py] = quad(x1, y1, c[0], c[1], x2, y2, i / 20);
          if (others.some((o) => px > o.x && px < o.x + o.w && py > o.y && py < o.y + o.h)) hits++;
        }
        if (hits < best.hits) best = { bow, hits };
      }
      const [cx, cy] = control(x1, y1, x2, y2, best.bow);
      d = `M${r1(x1)},${r1(y1)} Q${r1(cx)},${r1(cy)} ${r1(x2)},${r1(y2)}`;
      // On the curve first, nearest the middle; then beside it, shifted off the curve sideways.
      const ts = [0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78, 0.15, 0.85];
      const nx = -(y2 - y1) / len;
      const ny = (x2 - x1) / len;
      // Just far enough that the label's edge, not its centre, touches the curve.
      const shift = Math.abs(nx) * (lw / 2) + Math.abs(ny) * (lh / 2) + 4;
      spots = ts.map((t) => quad(x1, y1, cx, cy, x2, y2, t));
      for (const t of ts.slice(0, 5)) {
        const [px, py] = quad(x1, y1, cx, cy, x2, y2, t);
        spots.push([px + nx * shift * Math.sign(best.bow || 1), py + ny * shift * Math.sign(best.bow || 1)]);
        spots.push([px - nx * shift * Math.sign(best.bow || 1), py - ny * shift * Math.sign(best.bow || 1)]);
      }
    }
    let bestSpot = { x: 0, y: 0, cost: Infinity };
    for (const [sx, sy] of spots) {
      const rect = { x: sx - lw / 2, y: sy - lh / 2, w: lw, h: lh };
      const cost = overlap(rect, atomBoxes) * 4 + overlap(rect, titleBars) * 2 + overlap(rect, placed) * 3;
      if (cost < bestSpot.cost) bestSpot = { x: sx, y: sy, cost };
      if (cost === 0) break;
    }
    const rect = { x: bestSpot.x - lw / 2, y: bestSpot.y - lh / 2, w: lw, h: lh };
    placed.push(rect);
    out.push(`<g class="transition" data-from="${esc(e.source)}" data-to="${esc(e.target)}"><path d="${d}" fill="none" stroke="#555" stroke-width="1.1" marker-end="url(#arrow)"/>`);
    labels.push(`<rect x="${r1(rect.x)}" y="${r1(rect.y)}" width="${r1(lw)}" height="${r1(lh)}" fill="#ffffff" fill-opacity="0.85" stroke="#d5dbe5" stroke-width="0.6" rx="3"/>`);
    lines.forEach((l, j) => labels.push(`<text x="${r1(bestSpot.x)}" y="${r1(rect.y + 11 + j * 12)}" text-anchor="middle" font-size="10" fill="#333">${esc(l)}</text>`));
    out.push('</g>');
  });
  // Labels above every curve and atomic states above the labels: nothing legible is hidden.
  out.push('<g class="labels">', ...labels, '</g>', ...atoms, '</svg>');
  return `${out.join('\n')}\n`;
}
