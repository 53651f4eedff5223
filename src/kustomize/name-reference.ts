/**
 * Name-reference fix-up: after prefixes, suffixes and hash suffixes rename objects, every field
 * that refers to a renamed ConfigMap, Secret, Service, ServiceAccount, PVC, Role… by its old
 * name is pointed at the new one. Indexed by kind and former names, so the pass is linear.
 */
import type { NameRefConfig } from './config.js';
import { KustomizeError } from './errors.js';
import { specMatches, visitPath } from './field-specs.js';
import type { Obj, Resource } from './resource.js';
import { describe, gvkOf, isClusterScoped, nameOf, namespaceOf } from './resource.js';

interface Site {
  kind: string;
  /** Group of the referred kind, when a custom reference declares it. */
  group?: string;
  parent: Obj;
  key: string;
  /** A `{name, namespace}` reference (RBAC subjects, webhook services, custom map fields). */
  map?: boolean;
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

function podSites(spec: Obj, sites: Site[], kind: string): void {
  const add = (kind: string, parent: unknown, key: string): void => {
    if (isObj(parent) && typeof parent[key] === 'string') sites.push({ kind, parent, key });
  };
  add('ServiceAccount', spec, 'serviceAccountName');
  add('ServiceAccount', spec, 'serviceAccount');
  // kustomize lists no PriorityClass reference from ReplicaSets or PodTemplates.
  if (kind !== 'ReplicaSet' && kind !== 'PodTemplate') add('PriorityClass', spec, 'priorityClassName');
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
  for (const s of podSpecs(o)) podSites(s, sites, kind);
  const add = (k: string, parent: unknown, key: string): void => {
    if (isObj(parent) && typeof parent[key] === 'string') sites.push({ kind: k, parent, key });
  };
  switch (kind) {
    case 'ServiceAccount':
      // Only imagePullSecrets: kustomize does not follow `secrets`.
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
      for (const key of INGRESS_SECRET_ANNOTATIONS) add('Secret', o.metadata?.annotations, key);
      add('ConfigMap', o.metadata?.annotations, 'nginx.ingress.kubernetes.io/fastcgi-params-configmap');
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
            map: true,
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
      // Not claimRef: kustomize has no reference from a volume to its claim.
      add('StorageClass', o.spec, 'storageClassName');
      add('Secret', o.spec?.azureFile, 'secretName');
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
            map: true,
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
    // kustomize has no name reference from a CRD's conversion webhook to its Service.
    case 'ValidatingAdmissionPolicyBinding':
      add('ValidatingAdmissionPolicy', o.spec, 'policyName');
      break;
    default:
      break;
  }
  return sites;
}

const INGRESS_SECRET_ANNOTATIONS = [
  'ingress.kubernetes.io/auth-secret',
  'nginx.ingress.kubernetes.io/auth-secret',
  'nginx.ingress.kubernetes.io/auth-tls-secret',
];

/** kustomize's builtin references not covered by referenceSites (RBAC resourceNames, StorageClass parameters…). */
const BUILTIN_NAME_REFS: NameRefConfig[] = [
  {
    kind: 'ConfigMap',
    version: 'v1',
    fieldSpecs: [
      { path: 'rules/resourceNames', kind: 'Role' },
      { path: 'rules/resourceNames', kind: 'ClusterRole' },
      { path: 'spec/configSource/configMap', kind: 'Node' },
    ],
  },
  {
    kind: 'Secret',
    version: 'v1',
    fieldSpecs: [
      { path: 'rules/resourceNames', kind: 'Role' },
      { path: 'rules/resourceNames', kind: 'ClusterRole' },
      ...['adminSecretName', 'secretName', 'secretRef', 'userSecretName'].map((p) => ({ path: `parameters/${p}`, kind: 'StorageClass' })),
      { path: 'spec/template/spec/containers/env/valueFrom/secretKeyRef/name', kind: 'Service' },
    ],
  },
  { kind: 'PersistentVolume', version: 'v1', fieldSpecs: [{ path: 'rules/resourceNames', kind: 'ClusterRole' }] },
];

/** Reference fields declared by `configurations:` (`nameReference`) or CRD schemas (`crds:`). */
function customSites(o: Obj, extra: NameRefConfig[], sites: Site[]): void {
  for (const ref of extra) {
    for (const fs of ref.fieldSpecs) {
      if (!specMatches(fs, o)) continue;
      visitPath(o, fs.path, false, (parent, key) => {
        const v = parent[key];
        const site = { kind: ref.kind, group: ref.group };
        if (typeof v === 'string') sites.push({ ...site, parent, key });
        else if (Array.isArray(v)) v.forEach((x, i) => typeof x === 'string' && sites.push({ ...site, parent: v as unknown as Obj, key: String(i) }));
        else if (isObj(v) && typeof v.name === 'string') {
          // A {name, namespace} reference: narrowed by its namespace, and given the target's.
          sites.push({
            ...site,
            map: true,
            parent: v,
            key: 'name',
            namespace: typeof v.namespace === 'string' ? v.namespace : undefined,
            onResolve: (t) => {
              if (namespaceOf(t.obj)) v.namespace = namespaceOf(t.obj);
            },
          });
        }
      });
    }
  }
}

/** Points every reference at the current name of the object it referred to. */
export function fixNameReferences(resources: Resource[], extra: NameRefConfig[] = [], file?: string): void {
  // Indexed by kind and every name recorded as a previous id: only those can be referrals.
  const index = new Map<string, Map<string, Resource[]>>();
  for (const r of resources) {
    const kind = gvkOf(r.obj).kind;
    let byName = index.get(kind);
    if (!byName) index.set(kind, (byName = new Map()));
    for (const n of new Set(r.prevNames ?? [])) {
      const list = byName.get(n);
      if (list) list.push(r);
      else byName.set(n, [r]);
    }
  }
  for (const r of resources) {
    // A RoleBinding may refer to ServiceAccounts in its subjects' namespaces (a blank one is an error).
    const subjectNs = gvkOf(r.obj).kind === 'RoleBinding' ? roleBindingNamespaces(r.obj, file) : undefined;
    const sites = referenceSites(r.obj);
    customSites(r.obj, BUILTIN_NAME_REFS, sites);
    if (extra.length) customSites(r.obj, extra, sites);
    if (sites.length === 0) continue;
    const referrerNs = eff(namespaceOf(r.obj));
    const clusterReferrer = isClusterScoped(r.obj);
    for (const s of sites) {
      const name = s.parent[s.key] as string;
      let cands = index.get(s.kind)?.get(name);
      if (!cands || cands.length === 0) continue;
      // An object may refer to itself (kustomize does not exclude the referrer).
      if (s.group !== undefined) cands = cands.filter((c) => gvkOf(c.obj).group === s.group);
      if (s.namespace !== undefined) {
        // A {name, namespace} reference: the objects originally in that namespace, else those now in it.
        const want = eff(s.namespace);
        const orig = cands.filter((c) => eff(c.namespaces[0] ?? '') === want);
        cands = orig.length > 0 ? orig : cands.filter((c) => eff(namespaceOf(c.obj)) === want);
      }
      if (!clusterReferrer) {
        cands = cands.filter(
          (c) =>
            isClusterScoped(c.obj) ||
            eff(namespaceOf(c.obj)) === referrerNs ||
            (s.kind === 'ServiceAccount' && subjectNs?.has(namespaceOf(c.obj)) === true),
        );
      }
      if (cands.length > 1) {
        cands = cands.filter((c) => affixesMatch(r, c, true));
        if (cands.length > 1) cands = cands.filter((c) => affixesMatch(r, c, false));
        // A {name, namespace} reference is ambiguous unless the survivors agree on both.
        const same = (c: Resource) => nameOf(c.obj) === nameOf(cands![0]!.obj) && (!s.map || namespaceOf(c.obj) === namespaceOf(cands![0]!.obj));
        if (cands.length > 1 && !cands.every(same)) {
          throw new KustomizeError(
            `found multiple possible referrals for ${s.kind} ${JSON.stringify(name)} in ${describe(r.obj)}: ${cands.map((c) => describe(c.obj)).join('; ')}`,
            file,
          );
        }
      }
      if (cands.length === 0) continue;
      const target = cands[0]!;
      s.parent[s.key] = target.obj.metadata?.name;
      s.onResolve?.(target);
    }
  }
}

function roleBindingNamespaces(o: Obj, file?: string): Set<string> {
  const out = new Set<string>();
  for (const x of arr(o.subjects)) {
    if (!('namespace' in x) || x.kind !== 'ServiceAccount') continue;
    if (typeof x.namespace !== 'string') {
      throw new KustomizeError(`Invalid Input: namespace is blank for resource "${gvkOf(o).kind}.${gvkOf(o).version}.${gvkOf(o).group || '[noGrp]'}/${nameOf(o)}.${namespaceOf(o) || '[noNs]'}"`, file);
    }
    out.add(x.namespace);
  }
  return out;
}

function eff(ns: string): string {
  return ns === '' ? 'default' : ns;
}

/** kustomize's SameEndingSubSlice: the shorter list is the end of the longer one. */
function sameEnding(a: string[], b: string[]): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.length === 0) return long.length === 0;
  const d = long.length - short.length;
  return short.every((x, i) => long[i + d] === x);
}

/** kustomize's PrefixesSuffixesEquals, with `allowEmpty` letting an object without prefixes (suffixes) match any. */
function affixesMatch(a: Resource, b: Resource, allowEmpty: boolean): boolean {
  const p = (allowEmpty && (a.prefixes.length === 0 || b.prefixes.length === 0)) || sameEnding(a.prefixes, b.prefixes);
  const q = (allowEmpty && (a.suffixes.length === 0 || b.suffixes.length === 0)) || sameEnding(a.suffixes, b.suffixes);
  return p && q;
}
