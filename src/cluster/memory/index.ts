export { MemoryCluster } from './memory-cluster.js';
export type { MemoryClusterOptions } from './memory-cluster.js';
