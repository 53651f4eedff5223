/**
 * Columns kube-apiserver prints for common built-in kinds (pkg/printers/internalversion),
 * priority-1 columns being the `-o wide` ones.
 */
import type { KubeObject } from '../../api/meta.js';
import type { Column, Printer } from './columns.js';
import { AGE_COLUMN, NAME_COLUMN, since } from './columns.js';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const col = (name: string, type = 'string', priority = 0, description = ''): Column => ({ name, type, format: '', description, priority });

function selectorString(sel: unknown): string {
  const s = obj(sel);
  const labels = obj(s.matchLabels ?? s);
  const parts = Object.entries(labels)
    .filter(([, v]) => typeof v === 'string')
    .map(([k, v]) => `${k}=${String(v)}`);
  for (const e of arr(s.matchExpressions)) parts.push(`${String(e.key)} ${String(e.operator).toLowerCase()} (${arr(e.values).join(',')})`);
  return parts.length ? parts.join(',') : '<none>';
}

function podSpecOf(o: KubeObject): Json {
  return obj(obj(obj(o.spec).template).spec);
}
const containers = (spec: Json): string => arr(spec.containers).map((c) => String(c.name)).join(',');
const images = (spec: Json): string => arr(spec.containers).map((c) => String(c.image)).join(',');

const age = (o: KubeObject, now: number): string => since(o.metadata.creationTimestamp, now);

const printers: Record<string, Printer> = {
  '/Pod': {
    columns: [NAME_COLUMN, col('Ready'), col('Status'), col('Restarts', 'string'), AGE_COLUMN, col('IP', 'string', 1), col('Node', 'string', 1), col('Nominated Node', 'string', 1), col('Readiness Gates', 'string', 1)],
    cells: (o, now) => {
      const spec = obj(o.spec);
      const status = obj(o.status);
      const statuses = arr(status.containerStatuses);
      const ready = statuses.filter((c) => c.ready === true).length;
      const restarts = statuses.reduce((n, c) => n + num(c.restartCount), 0);
      let reason = String(status.reason ?? status.phase ?? 'Pending');
      for (const c of statuses) {
        const waiting = obj(obj(c.state).waiting);
        if (typeof waiting.reason === 'string') reason = waiting.reason;
      }
      if (o.metadata.deletionTimestamp) reason = 'Terminating';
      return [o.metadata.name, `${ready}/${arr(spec.containers).length}`, reason, String(restarts), age(o, now), status.podIP ?? '<none>', spec.nodeName ?? '<none>', status.nominatedNodeName ?? '<none>', '<none>'];
    },
  },
  'apps/Deployment': {
    columns: [NAME_COLUMN, col('Ready'), col('Up-to-date', 'integer'), col('Available', 'integer'), AGE_COLUMN, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    cells: (o, now) => {
      const spec = obj(o.spec);
      const status = obj(o.status);
      return [o.metadata.name, `${num(status.readyReplicas)}/${typeof spec.replicas === 'number' ? spec.replicas : 1}`, num(status.updatedReplicas), num(status.availableReplicas), age(o, now), containers(podSpecOf(o)), images(podSpecOf(o)), selectorString(spec.selector)];
    },
  },
  'apps/ReplicaSet': {
    columns: [NAME_COLUMN, col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), AGE_COLUMN, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    cells: (o, now) => {
      const spec = obj(o.spec);
      const status = obj(o.status);
      return [o.metadata.name, typeof spec.replicas === 'number' ? spec.replicas : 1, num(status.replicas), num(status.readyReplicas), age(o, now), containers(podSpecOf(o)), images(podSpecOf(o)), selectorString(spec.selector)];
    },
  },
  'apps/StatefulSet': {
    columns: [NAME_COLUMN, col('Ready'), AGE_COLUMN, col('Containers', 'string', 1), col('Images', 'string', 1)],
    cells: (o, now) => {
      const spec = obj(o.spec);
      return [o.metadata.name, `${num(obj(o.status).readyReplicas)}/${typeof spec.replicas === 'number' ? spec.replicas : 1}`, age(o, now), containers(podSpecOf(o)), images(podSpecOf(o))];
    },
  },
  'apps/DaemonSet': {
    columns: [NAME_COLUMN, col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), col('Up-to-date', 'integer'), col('Available', 'integer'), col('Node Selector'), AGE_COLUMN, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    cells: (o, now) => {
      const s = obj(o.status);
      const nodeSelector = Object.entries(obj(podSpecOf(o).nodeSelector)).map(([k, v]) => `${k}=${String(v)}`).join(',') || '<none>';
      return [o.metadata.name, num(s.desiredNumberScheduled), num(s.currentNumberScheduled), num(s.numberReady), num(s.updatedNumberScheduled), num(s.numberAvailable), nodeSelector, age(o, now), containers(podSpecOf(o)), images(podSpecOf(o)), selectorString(obj(o.spec).selector)];
    },
  },
  'batch/Job': {
    columns: [NAME_COLUMN, col('Status'), col('Completions'), col('Duration'), AGE_COLUMN, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    cells: (o, now) => {
      const spec = obj(o.spec);
      const s = obj(o.status);
      const conds = arr(s.conditions);
      const state = conds.some((c) => c.type === 'Complete' && c.status === 'True') ? 'Complete' : conds.some((c) => c.type === 'Failed' && c.status === 'True') ? 'Failed' : 'Running';
      const start = typeof s.startTime === 'string' ? Date.parse(s.startTime) : undefined;
      const end = typeof s.completionTime === 'string' ? Date.parse(s.completionTime) : now;
      const duration = start === undefined ? '' : since(new Date(start).toISOString(), end);
      return [o.metadata.name, state, `${num(s.succeeded)}/${typeof spec.completions === 'number' ? spec.completions : 1}`, duration, age(o, now), containers(podSpecOf(o)), images(podSpecOf(o)), selectorString(spec.selector)];
    },
  },
  '/Service': {
    columns: [NAME_COLUMN, col('Type'), col('Cluster-IP'), col('External-IP'), col('Port(s)'), AGE_COLUMN, col('Selector', 'string', 1)],
    cells: (o, now) => {
      const spec = obj(o.spec);
      const ingress = arr(obj(obj(o.status).loadBalancer).ingress).map((i) => String(i.ip ?? i.hostname));
      const external = [...ingress, ...arr(spec.externalIPs).map(String)];
      const ports = arr(spec.ports).map((p) => `${String(p.port)}${p.nodePort ? `:${String(p.nodePort)}` : ''}/${String(p.protocol ?? 'TCP')}`);
      const ext = spec.type === 'ExternalName' ? String(spec.externalName ?? '<none>') : external.length ? external.join(',') : spec.type === 'LoadBalancer' ? '<pending>' : '<none>';
      return [o.metadata.name, String(spec.type ?? 'ClusterIP'), String(spec.clusterIP || '<none>'), ext, ports.length ? ports.join(',') : '<none>', age(o, now), spec.selector ? selectorString(spec.selector) : '<none>'];
    },
  },
  '/ConfigMap': {
    columns: [NAME_COLUMN, col('Data', 'integer'), AGE_COLUMN],
    cells: (o, now) => [o.metadata.name, Object.keys(obj(o.data)).length + Object.keys(obj(o.binaryData)).length, age(o, now)],
  },
  '/Secret': {
    columns: [NAME_COLUMN, col('Type'), col('Data', 'integer'), AGE_COLUMN],
    cells: (o, now) => [o.metadata.name, String(o.type ?? 'Opaque'), Object.keys(obj(o.data)).length + Object.keys(obj(o.stringData)).length, age(o, now)],
  },
  '/Namespace': {
    columns: [NAME_COLUMN, col('Status'), AGE_COLUMN],
    cells: (o, now) => [o.metadata.name, String(obj(o.status).phase ?? 'Active'), age(o, now)],
  },
  '/ServiceAccount': {
    columns: [NAME_COLUMN, col('Secrets', 'integer'), AGE_COLUMN],
    cells: (o, now) => [o.metadata.name, arr(o.secrets).length, age(o, now)],
  },
  '/PersistentVolumeClaim': {
    columns: [NAME_COLUMN, col('Status'), col('Volume'), col('Capacity'), col('Access Modes'), col('StorageClass'), AGE_COLUMN],
    cells: (o, now) => {
      const spec = obj(o.spec);
      const s = obj(o.status);
      const modes = arr(s.accessModes as unknown).map((m) => ({ ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' })[String(m)] ?? String(m));
      return [o.metadata.name, String(s.phase ?? 'Pending'), String(spec.volumeName ?? ''), String(obj(s.capacity).storage ?? ''), modes.join(','), String(spec.storageClassName ?? '<unset>'), age(o, now)];
    },
  },
  '/Event': {
    columns: [col('Last Seen'), col('Type'), col('Reason'), col('Object'), col('Subobject', 'string', 1), col('Source', 'string', 1), col('Message'), col('First Seen', 'string', 1), col('Count', 'string', 1), col('Name', 'string', 1)],
    cells: (o, now) => {
      const io = obj(o.involvedObject);
      const last = o.lastTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp;
      const first = o.firstTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp;
      const source = obj(o.source).component ?? o.reportingComponent ?? '';
      return [since(last, now), String(o.type ?? ''), String(o.reason ?? ''), `${String(io.kind ?? '').toLowerCase()}/${String(io.name ?? '')}`, String(io.fieldPath ?? ''), String(source), String(o.message ?? ''), since(first, now), String(o.count ?? 1), o.metadata.name];
    },
  },
  'events.k8s.io/Event': {
    columns: [col('Last Seen'), col('Type'), col('Reason'), col('Object'), col('Message')],
    cells: (o, now) => {
      const io = obj(o.regarding);
      const series = obj(o.series);
      return [since(series.lastObservedTime ?? o.eventTime ?? o.deprecatedLastTimestamp ?? o.metadata.creationTimestamp, now), String(o.type ?? ''), String(o.reason ?? ''), `${String(io.kind ?? '').toLowerCase()}/${String(io.name ?? '')}`, String(o.note ?? '')];
    },
  },
  'apiextensions.k8s.io/CustomResourceDefinition': {
    columns: [NAME_COLUMN, col('Created At', 'date')],
    cells: (o) => [o.metadata.name, o.metadata.creationTimestamp ?? null],
  },
  'coordination.k8s.io/Lease': {
    columns: [NAME_COLUMN, col('Holder'), AGE_COLUMN],
    cells: (o, now) => [o.metadata.name, String(obj(o.spec).holderIdentity ?? ''), age(o, now)],
  },
};

export function builtinPrinter(group: string, kind: string): Printer | undefined {
  return printers[`${group}/${kind}`];
}
