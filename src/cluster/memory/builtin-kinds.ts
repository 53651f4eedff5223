/** The kinds a fresh simulator serves, as a real API server's discovery lists them. */
import type { ResourceInfo } from '../types.js';

type Row = [group: string, version: string, kind: string, plural: string, namespaced: boolean, shortNames?: string[], status?: boolean, scale?: boolean, categories?: string[]];

const rows: Row[] = [
  ['', 'v1', 'Namespace', 'namespaces', false, ['ns'], true],
  ['', 'v1', 'ConfigMap', 'configmaps', true, ['cm']],
  ['', 'v1', 'Secret', 'secrets', true],
  ['', 'v1', 'Service', 'services', true, ['svc'], true, false, ['all']],
  ['', 'v1', 'ServiceAccount', 'serviceaccounts', true, ['sa']],
  ['', 'v1', 'Pod', 'pods', true, ['po'], true, false, ['all']],
  ['', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, ['pvc'], true],
  ['', 'v1', 'PersistentVolume', 'persistentvolumes', false, ['pv'], true],
  ['', 'v1', 'Event', 'events', true, ['ev']],
  ['', 'v1', 'Endpoints', 'endpoints', true, ['ep']],
  ['', 'v1', 'LimitRange', 'limitranges', true, ['limits']],
  ['', 'v1', 'ResourceQuota', 'resourcequotas', true, ['quota'], true],
  ['', 'v1', 'Node', 'nodes', false, ['no'], true],
  ['', 'v1', 'ReplicationController', 'replicationcontrollers', true, ['rc'], true, true, ['all']],
  ['apps', 'v1', 'Deployment', 'deployments', true, ['deploy'], true, true, ['all']],
  ['apps', 'v1', 'StatefulSet', 'statefulsets', true, ['sts'], true, true, ['all']],
  ['apps', 'v1', 'DaemonSet', 'daemonsets', true, ['ds'], true, false, ['all']],
  ['apps', 'v1', 'ReplicaSet', 'replicasets', true, ['rs'], true, true, ['all']],
  ['apps', 'v1', 'ControllerRevision', 'controllerrevisions', true],
  ['batch', 'v1', 'Job', 'jobs', true, [], true, false, ['all']],
  ['batch', 'v1', 'CronJob', 'cronjobs', true, ['cj'], true, false, ['all']],
  ['rbac.authorization.k8s.io', 'v1', 'Role', 'roles', true],
  ['rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false],
  ['rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings', true],
  ['rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false],
  ['networking.k8s.io', 'v1', 'Ingress', 'ingresses', true, ['ing'], true],
  ['networking.k8s.io', 'v1', 'IngressClass', 'ingressclasses', false],
  ['networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies', true, ['netpol']],
  ['policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, ['pdb'], true],
  ['apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, ['crd', 'crds'], true],
  ['coordination.k8s.io', 'v1', 'Lease', 'leases', true],
  ['events.k8s.io', 'v1', 'Event', 'events', true, ['ev']],
  ['storage.k8s.io', 'v1', 'StorageClass', 'storageclasses', false, ['sc']],
  ['autoscaling', 'v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, ['hpa'], true, false, ['all']],
  ['autoscaling', 'v1', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, ['hpa'], true, false, ['all']],
  ['scheduling.k8s.io', 'v1', 'PriorityClass', 'priorityclasses', false, ['pc']],
  ['admissionregistration.k8s.io', 'v1', 'ValidatingWebhookConfiguration', 'validatingwebhookconfigurations', false],
  ['admissionregistration.k8s.io', 'v1', 'MutatingWebhookConfiguration', 'mutatingwebhookconfigurations', false],
  ['apiregistration.k8s.io', 'v1', 'APIService', 'apiservices', false, [], true],
  ['discovery.k8s.io', 'v1', 'EndpointSlice', 'endpointslices', true],
  ['certificates.k8s.io', 'v1', 'CertificateSigningRequest', 'certificatesigningrequests', false, ['csr'], true],
  ['node.k8s.io', 'v1', 'RuntimeClass', 'runtimeclasses', false],
];

export function builtinResources(): ResourceInfo[] {
  return rows.map(([group, version, kind, plural, namespaced, shortNames = [], status = false, scale = false, categories]) => {
    const info: ResourceInfo = { group, version, kind, plural, singular: kind.toLowerCase(), namespaced, statusSubresource: status };
    if (shortNames.length) info.shortNames = shortNames;
    if (categories) info.categories = categories;
    if (scale) info.scaleSubresource = true;
    return info;
  });
}
