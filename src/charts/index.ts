/** State charts from XState v5 machine definitions: Mermaid text, standalone SVG, the docs page. */
export { ChartError, readMachine, liftedTransitions, mergedTransitions } from './graph.js';
export type { ChartGraph, ChartState, ChartTransition } from './graph.js';
export { toMermaid } from './mermaid.js';
export type { MermaidOptions } from './mermaid.js';
export { toSvg } from './svg.js';
export { chartDocs } from './docs.js';
export type { ChartFile } from './docs.js';
