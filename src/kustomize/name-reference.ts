/**
 * Name-reference fix-up: after prefixes, suffixes and hash suffixes rename objects, every field
 * that refers to a renamed ConfigMap, Secret, Service, ServiceAccount, PVC, Role… by its old
 * name is pointed at the new one. Indexed by kind and former names, so the pass is linear.
 */
import { KustomizeError } from './errors.js';
import type { Obj, Resource } from './resource.js';
import { CLUSTER_SCOPED, describe, gvkOf, namespaceOf } from './resource.js';

interface Site {
  kind: string;
  parent: Obj;
  key: string;
  /** Namespace the reference names explicitly (RBAC subjects). */
  namespace?: string;
  /** Called with the target when the reference resolved (to fix the namespace too). */
  onResolve?: (target: Resource) => void;
}

const POD_TEMPLATE_KINDS = new Set(['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'Job', 'ReplicationController']);

function podSpecs(o: Obj): Obj[] {
  const kind = gvkOf(o).kind;
  const out: Obj[] = [];
  if (kind === 'Pod' && o.spec) out.push(o.spec);
  if (POD_TEMPLATE_KINDS.has(kind) && o.spec?.template?.spec) out.push(o.spec.template.spec);
  if (kind === 'CronJob' && o.spec?.jobTemplate?.spec?.template?.spec) out.push(o.spec.jobTemplate.spec.template.spec);
  if (kind === 'PodTemplate' && o.template?.spec) out.push(o.template.spec);
  return out;
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null;
}

function arr(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter(isObj) : [];
}

function podSites(spec: Obj, sites: Site[]): void {
  const add = (kind: string, parent: unknown, key: string): void => {
    if (isObj(parent) && typeof parent[key] === 'string') sites.push({ kind, parent, key });
  };
  add('ServiceAccount', spec, 'serviceAccountName');
  add('ServiceAccount', spec, 'serviceAccount');
  add('PriorityClass', spec, 'priorityClassName');
  for (const s of arr(spec.imagePullSecrets)) add('Secret', s, 'name');
  for (const v of arr(spec.volumes)) {
    add('ConfigMap', v.configMap, 'name');
    add('Secret', v.secret, 'secretName');
    add('PersistentVolumeClaim', v.persistentVolumeClaim, 'claimName');
    for (const src of arr(v.projected?.sources)) {
      add('ConfigMap', src.configMap, 'name');
      add('Secret', src.secret, 'name');
    }
    add('Secret', v.csi?.nodePublishSecretRef, 'name');
    add('Secret', v.cephfs?.secretRef, 'name');
    add('Secret', v.cinder?.secretRef, 'name');
    add('Secret', v.flexVolume?.secretRef, 'name');
    add('Secret', v.rbd?.secretRef, 'name');
    add('Secret', v.azureFile, 'secretName');
    add('Secret', v.scaleIO?.secretRef, 'name');
    add('Secret', v.storageos?.secretRef, 'name');
    add('Secret', v.iscsi?.secretRef, 'name');
  }
  for (const c of [...arr(spec.containers), ...arr(spec.initContainers), ...arr(spec.ephemeralContainers)]) {
    for (const e of arr(c.env)) {
      add('ConfigMap', e.valueFrom?.configMapKeyRef, 'name');
      add('Secret', e.valueFrom?.secretKeyRef, 'name');
    }
    for (const e of arr(c.envFrom)) {
      add('ConfigMap', e.configMapRef, 'name');
      add('Secret', e.secretRef, 'name');
    }
  }
}

function backendSites(b: unknown, sites: Site[]): void {
  if (!isObj(b)) return;
  if (typeof b.serviceName === 'string') sites.push({ kind: 'Service', parent: b, key: 'serviceName' });
  if (isObj(b.service) && typeof b.service.name === 'string') sites.push({ kind: 'Service', parent: b.service, key: 'name' });
}

/** Every field of `o` that names another object. */
function referenceSites(o: Obj): Site[] {
  const sites: Site[] = [];
  const kind = gvkOf(o).kind;
  for (const s of podSpecs(o)) podSites(s, sites);
  const add = (k: string, parent: unknown, key: string): void => {
    if (isObj(parent) && typeof parent[key] === 'string') sites.push({ kind: k, parent, key });
  };
  switch (kind) {
    case 'ServiceAccount':
      for (const s of arr(o.secrets)) add('Secret', s, 'name');
      for (const s of arr(o.imagePullSecrets)) add('Secret', s, 'name');
      break;
    case 'StatefulSet':
      add('Service', o.spec, 'serviceName');
      for (const t of arr(o.spec?.volumeClaimTemplates)) add('StorageClass', t.spec, 'storageClassName');
      break;
    case 'Ingress':
      backendSites(o.spec?.backend, sites);
      backendSites(o.spec?.defaultBackend, sites);
      for (const r of arr(o.spec?.rules)) for (const p of arr(r.http?.paths)) backendSites(p.backend, sites);
      for (const t of arr(o.spec?.tls)) add('Secret', t, 'secretName');
      break;
    case 'HorizontalPodAutoscaler': {
      const ref = o.spec?.scaleTargetRef;
      if (isObj(ref) && typeof ref.kind === 'string') add(ref.kind, ref, 'name');
      break;
    }
    case 'RoleBinding':
    case 'ClusterRoleBinding': {
      const rr = o.roleRef;
      if (isObj(rr) && (rr.kind === 'Role' || rr.kind === 'ClusterRole')) add(rr.kind, rr, 'name');
      for (const s of arr(o.subjects)) {
        if (s.kind === 'ServiceAccount' && typeof s.name === 'string') {
          sites.push({
            kind: 'ServiceAccount',
            parent: s,
            key: 'name',
            namespace: typeof s.namespace === 'string' ? s.namespace : undefined,
            onResolve: (t) => {
              if ('namespace' in s || namespaceOf(t.obj)) s.namespace = namespaceOf(t.obj) || s.namespace;
            },
          });
        }
      }
      break;
    }
    case 'PersistentVolumeClaim':
      add('PersistentVolume', o.spec, 'volumeName');
      add('StorageClass', o.spec, 'storageClassName');
      break;
    case 'PersistentVolume':
      add('StorageClass', o.spec, 'storageClassName');
      add('PersistentVolumeClaim', o.spec?.claimRef, 'name');
      break;
    case 'APIService':
      add('Service', o.spec?.service, 'name');
      break;
    case 'MutatingWebhookConfiguration':
    case 'ValidatingWebhookConfiguration':
      for (const w of arr(o.webhooks)) {
        const svc = w.clientConfig?.service;
        if (isObj(svc) && typeof svc.name === 'string') {
          sites.push({
            kind: 'Service',
            parent: svc,
            key: 'name',
            namespace: typeof svc.namespace === 'string' ? svc.namespace : undefined,
            // The service reference follows the Service into its (possibly new) namespace.
            onResolve: (t) => {
              if (namespaceOf(t.obj)) svc.namespace = namespaceOf(t.obj);
            },
          });
        }
      }
      break;
    case 'CustomResourceDefinition':
      add('Service', o.spec?.conversion?.webhook?.clientConfig?.service, 'name');
      break;
    case 'ValidatingAdmissionPolicyBinding':
      add('ValidatingAdmissionPolicy', o.spec, 'policyName');
      break;
    default:
      break;
  }
  return sites;
}

/** Points every reference at the current name of the object it referred to. */
export function fixNameReferences(resources: Resource[]): void {
  const index = new Map<string, Map<string, Resource[]>>();
  for (const r of resources) {
    const kind = gvkOf(r.obj).kind;
    let byName = index.get(kind);
    if (!byName) index.set(kind, (byName = new Map()));
    for (const n of new Set(r.names)) {
      const list = byName.get(n);
      if (list) list.push(r);
      else byName.set(n, [r]);
    }
  }
  for (const r of resources) {
    const sites = referenceSites(r.obj);
    if (sites.length === 0) continue;
    const referrerNs = namespaceOf(r.obj);
    const clusterReferrer = CLUSTER_SCOPED.has(gvkOf(r.obj).kind);
    for (const s of sites) {
      const name = s.parent[s.key] as string;
      let cands = index.get(s.kind)?.get(name);
      if (!cands || cands.length === 0) continue;
      cands = cands.filter((c) => c !== r);
      if (s.namespace !== undefined) {
        const byNs = cands.filter((c) => c.namespaces.includes(s.namespace!));
        cands = byNs;
      } else if (!clusterReferrer) {
        const same = cands.filter((c) => CLUSTER_SCOPED.has(s.kind) || namespaceOf(c.obj) === referrerNs || c.namespaces.includes(referrerNs));
        cands = same;
      }
      if (cands.length > 1) {
        const exact = cands.filter((c) => c.prefixes.join() === r.prefixes.join() && c.suffixes.join() === r.suffixes.join());
        if (exact.length > 0) cands = exact;
      }
      if (cands.length > 1) {
        const cur = cands.filter((c) => namespaceOf(c.obj) === referrerNs);
        if (cur.length > 0) cands = cur;
      }
      if (cands.length > 1 && new Set(cands.map((c) => c.obj.metadata?.name)).size > 1) {
        throw new KustomizeError(
          `found multiple possible referrals for ${s.kind} ${JSON.stringify(name)} in ${describe(r.obj)}: ${cands.map((c) => describe(c.obj)).join('; ')}`,
        );
      }
      if (cands.length === 0) continue;
      const target = cands[0]!;
      s.parent[s.key] = target.obj.metadata?.name;
      s.onResolve?.(target);
    }
  }
}
