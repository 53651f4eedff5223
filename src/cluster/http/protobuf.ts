/**
 * Decodes the Kubernetes protobuf encoding (`application/vnd.kubernetes.protobuf`) of the few
 * kinds kubectl's typed client writes with it (`kubectl create namespace|configmap|secret|
 * serviceaccount|deployment|service|job|cronjob|role|rolebinding|…`), into the JSON form. The `k8s\0` envelope holds a
 * `runtime.Unknown` (typeMeta, raw); `raw` is decoded with a hand-written field table of the
 * generated.proto messages. Fields not in the table are skipped; kinds not in it are a 415, as
 * for any server that cannot read the body.
 */
import { ApiError } from '../errors.js';

type FieldType =
  | 'string'
  | 'int'
  | 'bool'
  | 'bytes'
  | 'time'
  | 'quantity'
  | 'intOrString'
  | { msg: Schema }
  | { map: 'string' | 'bytes' | 'quantity' };

interface Field {
  name: string;
  type: FieldType;
  repeated?: boolean;
  /** Go pointer (or non-omitempty) field: a zero value is meaningful and kept. */
  keep?: boolean;
}

type Schema = Record<number, Field>;

const f = (name: string, type: FieldType, repeated = false): Field => ({ name, type, repeated });
/** Field name of an embedded Go struct whose fields JSON shows inline (`IngressRule.IngressRuleValue`). */
const INLINE = '';
/** A pointer field: its zero value is sent on purpose. */
const p = (name: string, type: FieldType): Field => ({ name, type, keep: true });

const ownerReference: Schema = { 1: f('kind', 'string'), 3: f('name', 'string'), 4: f('uid', 'string'), 5: f('apiVersion', 'string'), 6: p('controller', 'bool'), 7: p('blockOwnerDeletion', 'bool') };
const objectMeta: Schema = {
  1: f('name', 'string'),
  2: f('generateName', 'string'),
  3: f('namespace', 'string'),
  5: f('uid', 'string'),
  6: f('resourceVersion', 'string'),
  7: f('generation', 'int'),
  8: f('creationTimestamp', 'time'),
  9: f('deletionTimestamp', 'time'),
  10: p('deletionGracePeriodSeconds', 'int'),
  11: f('labels', { map: 'string' }),
  12: f('annotations', { map: 'string' }),
  13: f('ownerReferences', { msg: ownerReference }, true),
  14: f('finalizers', 'string', true),
};
const localRef: Schema = { 1: f('name', 'string') };
const labelSelector: Schema = {
  1: f('matchLabels', { map: 'string' }),
  2: f('matchExpressions', { msg: { 1: f('key', 'string'), 2: f('operator', 'string'), 3: f('values', 'string', true) } }, true),
};
const keySelector: Schema = { 1: f('localObjectReference', { msg: localRef }), 2: f('key', 'string'), 3: p('optional', 'bool') };
const envVar: Schema = {
  1: f('name', 'string'),
  2: f('value', 'string'),
  3: f('valueFrom', { msg: { 1: f('fieldRef', { msg: { 1: f('apiVersion', 'string'), 2: f('fieldPath', 'string') } }), 3: f('configMapKeyRef', { msg: keySelector }), 4: f('secretKeyRef', { msg: keySelector }) } }),
};
const resources: Schema = { 1: f('limits', { map: 'quantity' }), 2: f('requests', { map: 'quantity' }) };
const container: Schema = {
  1: f('name', 'string'),
  2: f('image', 'string'),
  3: f('command', 'string', true),
  4: f('args', 'string', true),
  5: f('workingDir', 'string'),
  6: f('ports', { msg: { 1: f('name', 'string'), 2: f('hostPort', 'int'), 3: p('containerPort', 'int'), 4: f('protocol', 'string'), 5: f('hostIP', 'string') } }, true),
  7: f('env', { msg: envVar }, true),
  8: f('resources', { msg: resources }),
  9: f('volumeMounts', { msg: { 1: f('name', 'string'), 2: f('readOnly', 'bool'), 3: f('mountPath', 'string'), 4: f('subPath', 'string') } }, true),
  13: f('terminationMessagePath', 'string'),
  14: f('imagePullPolicy', 'string'),
  16: f('stdin', 'bool'),
  17: f('stdinOnce', 'bool'),
  18: f('tty', 'bool'),
  20: f('terminationMessagePolicy', 'string'),
};
const podSpec: Schema = {
  2: f('containers', { msg: container }, true),
  3: f('restartPolicy', 'string'),
  4: p('terminationGracePeriodSeconds', 'int'),
  5: p('activeDeadlineSeconds', 'int'),
  6: f('dnsPolicy', 'string'),
  7: f('nodeSelector', { map: 'string' }),
  8: f('serviceAccountName', 'string'),
  10: f('nodeName', 'string'),
  15: f('imagePullSecrets', { msg: localRef }, true),
  20: f('initContainers', { msg: container }, true),
};
const podTemplateSpec: Schema = { 1: f('metadata', { msg: objectMeta }), 2: f('spec', { msg: podSpec }) };

const policyRule: Schema = { 1: f('verbs', 'string', true), 2: f('apiGroups', 'string', true), 3: f('resources', 'string', true), 4: f('resourceNames', 'string', true), 5: f('nonResourceURLs', 'string', true) };
const binding: Schema = {
  1: f('metadata', { msg: objectMeta }),
  2: f('subjects', { msg: { 1: f('kind', 'string'), 2: f('apiGroup', 'string'), 3: f('name', 'string'), 4: f('namespace', 'string') } }, true),
  3: f('roleRef', { msg: { 1: f('apiGroup', 'string'), 2: f('kind', 'string'), 3: f('name', 'string') } }),
};
const jobSpec: Schema = {
  1: p('parallelism', 'int'),
  2: p('completions', 'int'),
  3: p('activeDeadlineSeconds', 'int'),
  4: f('selector', { msg: labelSelector }),
  5: p('manualSelector', 'bool'),
  6: f('template', { msg: podTemplateSpec }),
  7: p('backoffLimit', 'int'),
  8: p('ttlSecondsAfterFinished', 'int'),
  9: f('completionMode', 'string'),
  10: p('suspend', 'bool'),
};
const ingressBackend: Schema = {
  4: f('service', { msg: { 1: f('name', 'string'), 2: f('port', { msg: { 1: f('name', 'string'), 2: f('number', 'int') } }) } }),
  3: f('resource', { msg: { 1: f('apiGroup', 'string'), 2: f('kind', 'string'), 3: f('name', 'string') } }),
};

const KINDS: Record<string, Schema> = {
  'v1/Namespace': { 1: f('metadata', { msg: objectMeta }), 2: f('spec', { msg: { 1: f('finalizers', 'string', true) } }) },
  'v1/ConfigMap': { 1: f('metadata', { msg: objectMeta }), 2: f('data', { map: 'string' }), 3: f('binaryData', { map: 'bytes' }), 4: p('immutable', 'bool') },
  'v1/Secret': { 1: f('metadata', { msg: objectMeta }), 2: f('data', { map: 'bytes' }), 3: f('type', 'string'), 4: f('stringData', { map: 'string' }), 5: p('immutable', 'bool') },
  'v1/ServiceAccount': { 1: f('metadata', { msg: objectMeta }), 2: f('secrets', { msg: { 1: f('kind', 'string'), 2: f('namespace', 'string'), 3: f('name', 'string') } }, true), 3: f('imagePullSecrets', { msg: localRef }, true), 4: p('automountServiceAccountToken', 'bool') },
  'authorization.k8s.io/v1/SelfSubjectAccessReview': {
    1: f('metadata', { msg: objectMeta }),
    2: f('spec', {
      msg: {
        1: f('resourceAttributes', { msg: { 1: f('namespace', 'string'), 2: f('verb', 'string'), 3: f('group', 'string'), 4: f('version', 'string'), 5: f('resource', 'string'), 6: f('subresource', 'string'), 7: f('name', 'string') } }),
        2: f('nonResourceAttributes', { msg: { 1: f('path', 'string'), 2: f('verb', 'string') } }),
      },
    }),
  },
  'authorization.k8s.io/v1/SelfSubjectRulesReview': { 1: f('metadata', { msg: objectMeta }), 2: f('spec', { msg: { 1: f('namespace', 'string') } }) },
  'authentication.k8s.io/v1/SelfSubjectReview': { 1: f('metadata', { msg: objectMeta }) },
  'v1/Service': {
    1: f('metadata', { msg: objectMeta }),
    2: f('spec', {
      msg: {
        1: f('ports', { msg: { 1: f('name', 'string'), 2: f('protocol', 'string'), 3: p('port', 'int'), 4: f('targetPort', 'intOrString'), 5: f('nodePort', 'int'), 6: f('appProtocol', 'string') } }, true),
        2: f('selector', { map: 'string' }),
        3: f('clusterIP', 'string'),
        4: f('type', 'string'),
        5: f('externalIPs', 'string', true),
        7: f('sessionAffinity', 'string'),
        10: f('externalName', 'string'),
      },
    }),
  },
  'v1/ResourceQuota': { 1: f('metadata', { msg: objectMeta }), 2: f('spec', { msg: { 1: f('hard', { map: 'quantity' }), 2: f('scopes', 'string', true) } }) },
  'batch/v1/Job': { 1: f('metadata', { msg: objectMeta }), 2: f('spec', { msg: jobSpec }) },
  'batch/v1/CronJob': {
    1: f('metadata', { msg: objectMeta }),
    2: f('spec', {
      msg: {
        1: f('schedule', 'string'),
        2: p('startingDeadlineSeconds', 'int'),
        3: f('concurrencyPolicy', 'string'),
        4: p('suspend', 'bool'),
        5: f('jobTemplate', { msg: { 1: f('metadata', { msg: objectMeta }), 2: f('spec', { msg: jobSpec }) } }),
        6: p('successfulJobsHistoryLimit', 'int'),
        7: p('failedJobsHistoryLimit', 'int'),
        8: p('timeZone', 'string'),
      },
    }),
  },
  'rbac.authorization.k8s.io/v1/Role': { 1: f('metadata', { msg: objectMeta }), 2: f('rules', { msg: policyRule }, true) },
  'rbac.authorization.k8s.io/v1/ClusterRole': { 1: f('metadata', { msg: objectMeta }), 2: f('rules', { msg: policyRule }, true) },
  'rbac.authorization.k8s.io/v1/RoleBinding': binding,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': binding,
  'scheduling.k8s.io/v1/PriorityClass': { 1: f('metadata', { msg: objectMeta }), 2: p('value', 'int'), 3: f('globalDefault', 'bool'), 4: f('description', 'string'), 5: p('preemptionPolicy', 'string') },
  'policy/v1/PodDisruptionBudget': {
    1: f('metadata', { msg: objectMeta }),
    2: f('spec', { msg: { 1: f('minAvailable', 'intOrString'), 2: f('selector', { msg: labelSelector }), 3: f('maxUnavailable', 'intOrString'), 4: p('unhealthyPodEvictionPolicy', 'string') } }),
  },
  'networking.k8s.io/v1/Ingress': {
    1: f('metadata', { msg: objectMeta }),
    2: f('spec', {
      msg: {
        1: f('defaultBackend', { msg: ingressBackend }),
        2: f('tls', { msg: { 1: f('hosts', 'string', true), 2: f('secretName', 'string') } }, true),
        3: f('rules', { msg: { 1: f('host', 'string'), 2: f(INLINE, { msg: { 1: f('http', { msg: { 1: f('paths', { msg: { 1: f('path', 'string'), 2: f('backend', { msg: ingressBackend }), 3: p('pathType', 'string') } }, true) } }) } }) } }, true),
        4: p('ingressClassName', 'string'),
      },
    }),
  },
  'apps/v1/Deployment': {
    1: f('metadata', { msg: objectMeta }),
    2: f('spec', {
      msg: {
        1: p('replicas', 'int'),
        2: f('selector', { msg: labelSelector }),
        3: f('template', { msg: podTemplateSpec }),
        4: f('strategy', { msg: { 1: f('type', 'string') } }),
        5: f('minReadySeconds', 'int'),
        6: p('revisionHistoryLimit', 'int'),
        7: f('paused', 'bool'),
        9: p('progressDeadlineSeconds', 'int'),
      },
    }),
  },
};

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer, readonly end = buf.length) {}
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const b = this.buf[this.pos++] as number;
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
      shift += 7n;
    }
  }
  bytes(): Buffer {
    const len = Number(this.varint());
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
}

function decodeMessage(buf: Buffer, schema: Schema): Record<string, unknown> {
  const r = new Reader(buf);
  const out: Record<string, unknown> = {};
  while (r.pos < r.end) {
    const tag = Number(r.varint());
    const field = schema[tag >> 3];
    const wire = tag & 7;
    if (!field) {
      r.skip(wire);
      continue;
    }
    const value = decodeValue(r, field.type);
    if (typeof field.type === 'object' && 'map' in field.type) {
      const [k, v] = value as [string, unknown];
      out[field.name] = { ...((out[field.name] as Record<string, unknown> | undefined) ?? {}), [k]: v };
    } else if (field.name === INLINE) Object.assign(out, value);
    else if (field.repeated) out[field.name] = [...((out[field.name] as unknown[] | undefined) ?? []), value];
    else if (field.keep || !isZero(value)) out[field.name] = value;
  }
  return out;
}

/** Go's `omitempty`: zero scalars are left out of the JSON form. */
function isZero(v: unknown): boolean {
  return v === '' || v === 0 || v === false || v === ZERO_TIME;
}

const ZERO_TIME = '1970-01-01T00:00:00Z';

function toInt(v: bigint): number {
  // int64/int32 as two's complement varints.
  return Number(BigInt.asIntN(64, v));
}

function decodeValue(r: Reader, type: FieldType): unknown {
  if (type === 'int') return toInt(r.varint());
  if (type === 'bool') return r.varint() !== 0n;
  const bytes = r.bytes();
  if (type === 'string') return bytes.toString('utf8');
  if (type === 'bytes') return bytes.toString('base64');
  if (type === 'quantity') return String(decodeMessage(bytes, { 1: f('string', 'string') }).string ?? '');
  if (type === 'time') {
    const t = decodeMessage(bytes, { 1: f('seconds', 'int'), 2: f('nanos', 'int') });
    return new Date(Number(t.seconds ?? 0) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  if (type === 'intOrString') {
    const v = decodeMessage(bytes, { 1: f('type', 'int'), 2: f('intVal', 'int'), 3: f('strVal', 'string') });
    return v.type === 1 ? v.strVal : v.intVal;
  }
  if ('msg' in type) return decodeMessage(bytes, type.msg);
  const entry = decodeMessage(bytes, { 1: f('key', 'string'), 2: f('value', type.map) });
  return [entry.key ?? '', entry.value ?? (type.map === 'quantity' ? '0' : '')];
}

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** Decodes a protobuf request body into a JSON object; 415 when the kind is not one we read. */
export function decodeProtobuf(body: Buffer): Record<string, unknown> {
  const unsupported = (why: string): ApiError =>
    new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (${why})`);
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) throw unsupported('no protobuf envelope');
  let unknown: Record<string, unknown>;
  try {
    unknown = decodeMessage(body.subarray(4), { 1: f('typeMeta', { msg: { 1: f('apiVersion', 'string'), 2: f('kind', 'string') } }), 2: f('raw', 'bytes') });
  } catch (err) {
    throw unsupported((err as Error).message);
  }
  const typeMeta = (unknown.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const key = `${typeMeta.apiVersion ?? ''}/${typeMeta.kind ?? ''}`;
  const schema = KINDS[key];
  if (!schema) throw unsupported(`protobuf ${key} is not supported by the simulator`);
  const raw = Buffer.from(String(unknown.raw ?? ''), 'base64');
  try {
    return { apiVersion: typeMeta.apiVersion, kind: typeMeta.kind, ...decodeMessage(raw, schema) };
  } catch (err) {
    throw unsupported((err as Error).message);
  }
}
