/** Serve a MemoryCluster as a Kubernetes API server (plain HTTP on 127.0.0.1) for kubectl and client-node. */
export { serveCluster } from './server.js';
export type { AuditEntry, AuthorizationRequest, ServeOptions, ServedCluster } from './server.js';
export { kubeconfigYaml } from './kubeconfig.js';
