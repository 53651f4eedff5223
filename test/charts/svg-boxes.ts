/** Reads the state boxes back out of a generated SVG, for assertions on the layout. */
export interface SvgBox {
  id: string;
  compound: boolean;
  x: number;
  y: number;
  w: number;
  h: number;
}

const stateGroup = /<g class="state( compound)?" data-id="([^"]*)"><rect x="([\d.-]+)" y="([\d.-]+)" width="([\d.-]+)" height="([\d.-]+)"/g;

/** Every `class="state"` group's first rectangle, keyed by state id. */
export function svgBoxes(svg: string): Map<string, SvgBox> {
  const boxes = new Map<string, SvgBox>();
  for (const m of svg.matchAll(stateGroup)) {
    const [, compound, id, x, y, w, h] = m;
    boxes.set(id as string, { id: id as string, compound: Boolean(compound), x: Number(x), y: Number(y), w: Number(w), h: Number(h) });
  }
  return boxes;
}

/** Whether `inner` lies wholly inside `outer`. */
export const inside = (inner: SvgBox, outer: SvgBox): boolean =>
  inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.w <= outer.x + outer.w && inner.y + inner.h <= outer.y + outer.h;

/** Whether two boxes share any area. */
export const intersects = (a: SvgBox, b: SvgBox): boolean =>
  Math.min(a.x + a.w, b.x + b.w) > Math.max(a.x, b.x) && Math.min(a.y + a.h, b.y + b.h) > Math.max(a.y, b.y);
