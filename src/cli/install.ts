/**
 * What `fluxion install` puts in a cluster, in apply order: the CRDs, the namespace, a service
 * account bound to cluster-admin (a GitOps reconciler applies arbitrary kinds, which is why Flux
 * binds its kustomize- and helm-controllers the same way; tenants are narrowed per object with
 * `serviceAccountName`), and the Deployment running `fluxion controller` with leader election,
 * probes and an emptyDir for artifacts.
 */
import type { KubeObject } from '../api/meta.js';
import { fluxCrds } from '../api/crds.js';

export interface InstallOptions {
  namespace?: string;
  /** Container image, e.g. `ghcr.io/example/fluxion:v0.1.0`. */
  image?: string;
  version?: string;
  replicas?: number;
  /** Extra `fluxion controller` arguments, e.g. `--watch-label-selector=sharding.fluxcd.io/key=shard1`. */
  args?: string[];
  logLevel?: 'debug' | 'info' | 'error';
}

export const defaultImage = (version: string): string => `fluxion:v${version}`;

export function installManifests(options: InstallOptions = {}): KubeObject[] {
  const ns = options.namespace ?? 'flux-system';
  const version = options.version ?? '0.1.0';
  const labels = { 'app.kubernetes.io/instance': ns, 'app.kubernetes.io/part-of': 'fluxion', 'app.kubernetes.io/version': `v${version}` };
  const component = { ...labels, 'app.kubernetes.io/component': 'fluxion-controller' };
  return [
    ...fluxCrds().map((crd) => ({ ...crd, metadata: { ...crd.metadata, labels: { ...labels, ...(crd.metadata.labels ?? {}) } } })),
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'fluxion-controller', namespace: ns, labels: component } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `cluster-reconciler-${ns}`, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: 'fluxion-controller', namespace: ns }],
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'fluxion-controller', namespace: ns, labels: component },
      spec: { type: 'ClusterIP', selector: { app: 'fluxion-controller' }, ports: [{ name: 'http-prom', port: 8080, protocol: 'TCP', targetPort: 'http-prom' }, { name: 'http-webhook', port: 9292, protocol: 'TCP', targetPort: 'http-webhook' }] },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'fluxion-controller', namespace: ns, labels: component },
      spec: {
        replicas: options.replicas ?? 1,
        selector: { matchLabels: { app: 'fluxion-controller' } },
        template: {
          metadata: { labels: { app: 'fluxion-controller' }, annotations: { 'prometheus.io/port': '8080', 'prometheus.io/scrape': 'true' } },
          spec: {
            serviceAccountName: 'fluxion-controller',
            terminationGracePeriodSeconds: 60,
            securityContext: { fsGroup: 1337 },
            containers: [
              {
                name: 'manager',
                image: options.image ?? defaultImage(version),
                imagePullPolicy: 'IfNotPresent',
                args: [
                  'controller',
                  '--watch-all-namespaces=true',
                  `--log-level=${options.logLevel ?? 'info'}`,
                  '--log-encoding=json',
                  '--enable-leader-election',
                  '--storage-path=/data',
                  '--health-addr=:9440',
                  '--metrics-addr=:8080',
                  ...(options.args ?? []),
                ],
                env: [
                  { name: 'RUNTIME_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                  { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                ],
                ports: [
                  { containerPort: 8080, name: 'http-prom', protocol: 'TCP' },
                  { containerPort: 9440, name: 'healthz', protocol: 'TCP' },
                  { containerPort: 9292, name: 'http-webhook', protocol: 'TCP' },
                ],
                livenessProbe: { httpGet: { path: '/healthz', port: 'healthz' } },
                readinessProbe: { httpGet: { path: '/readyz', port: 'healthz' } },
                resources: { limits: { cpu: '1000m', memory: '1Gi' }, requests: { cpu: '100m', memory: '64Mi' } },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  capabilities: { drop: ['ALL'] },
                  readOnlyRootFilesystem: true,
                  runAsNonRoot: true,
                  seccompProfile: { type: 'RuntimeDefault' },
                },
                volumeMounts: [
                  { name: 'data', mountPath: '/data' },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              },
            ],
            volumes: [
              { name: 'data', emptyDir: {} },
              { name: 'tmp', emptyDir: {} },
            ],
          },
        },
      },
    },
  ];
}
