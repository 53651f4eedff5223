export { KubeCluster, DEFAULT_BURST, DEFAULT_QPS } from './kube-cluster.js';
export type { KubeClusterOptions, ServiceAccountRef } from './kube-cluster.js';
export { TokenBucket } from './rate-limiter.js';
export type { RateLimiterOptions } from './rate-limiter.js';
export { defaultWatchBackoff } from './informer-watch.js';
export type { WatchBackoff } from './informer-watch.js';
export { loadKubeConfig, KubeConfigError } from './kubeconfig.js';
export type { LoadKubeConfigOptions, LoadedKubeConfig } from './kubeconfig.js';
