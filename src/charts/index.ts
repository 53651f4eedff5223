export { readMachine, mergedTransitions } from './graph.js';
export type { ChartGraph, ChartState, ChartTransition } from './graph.js';
export { toMermaid } from './mermaid.js';
export { toSvg } from './svg.js';
export { chartDocs } from './docs.js';
export type { ChartFile } from './docs.js';
