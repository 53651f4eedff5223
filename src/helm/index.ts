/**
 * Helm charts, in-process: `loadChart` / `loadChartFromFiles` read a chart (directory, .tgz
 * or in-memory files) with its dependencies, values are coalesced as Helm does, and rendered
 * manifests are split and sorted in Helm's install order.
 */
export { loadChart, loadChartArchive, loadChartDir, loadChartFromFiles, loadFiles } from './chart/load.js';
export type { Chart, ChartDependency, ChartFile, ChartMetadata } from './chart/types.js';
export { chartFullPath, cloneChart } from './chart/types.js';
export { HelmError } from './chart/errors.js';
export { coalesceValues, mergeMaps } from './chart/coalesce.js';
export { parseSet, parseSetInto } from './chart/strvals.js';
export { mergeUserValues } from './chart/user-values.js';
export type { ValueSources } from './chart/user-values.js';
export { readValues } from './chart/yaml.js';
export { INSTALL_ORDER, sortManifests, splitManifests } from './chart/sort.js';
export type { Hook, HookEvent, Manifest } from './chart/sort.js';
export { validateValues } from './chart/schema.js';
export { formatTemplateOutput, renderChart, renderChartSync } from './render.js';
export type { LookupFunction, OutputOptions, RenderOptions, RenderResult, RenderedCrd, RenderedHook, RenderedManifest } from './render.js';
