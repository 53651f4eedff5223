/**
 * A minimal OpenAPI v3 surface: the root index and one document per group version whose
 * PATCH operations carry `x-kubernetes-group-version-kind` and the `fieldValidation` query
 * parameter. That is what kubectl checks before trusting the server to validate (so
 * `kubectl apply` works without `--validate=false`); kubectl falls
 * back to its built-in types for strategic merge patches. CRD kinds carry their
 * `openAPIV3Schema`, so `kubectl explain kustomization.spec` works; built-in kinds have none
 * (a schema without patch-merge keys would make kubectl compute wrong strategic patches).
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../../api/meta.js';
import type { ResourceInfo } from '../types.js';

const gvPath = (group: string, version: string): string => (group ? `apis/${group}/${version}` : `api/${version}`);

/** `group/version/kind` → the CRD version's `openAPIV3Schema` (what `kubectl explain` shows). */
export type CrdSchemas = Map<string, unknown>;

/** Collects the schemas of every served CRD version. */
export function crdSchemas(crds: readonly KubeObject[]): CrdSchemas {
  const out: CrdSchemas = new Map();
  for (const crd of crds) {
    const spec = (crd.spec ?? {}) as { group?: string; names?: { kind?: string }; versions?: { name: string; served?: boolean; schema?: { openAPIV3Schema?: unknown } }[] };
    for (const v of spec.versions ?? []) {
      if (v.served !== false && v.schema?.openAPIV3Schema) out.set(`${spec.group}/${v.name}/${spec.names?.kind}`, v.schema.openAPIV3Schema);
    }
  }
  return out;
}

/** Reverse-domain schema name, as kube-apiserver names CRD definitions. */
const definitionName = (group: string, version: string, kind: string): string => `${group.split('.').reverse().join('.')}.${version}.${kind}`;

export function openApiV3Doc(resources: readonly ResourceInfo[], group: string, version: string, schemas: CrdSchemas = new Map()): Record<string, unknown> | undefined {
  const mine = resources.filter((r) => r.group === group && r.version === version);
  if (!mine.length) return undefined;
  const paths: Record<string, unknown> = {};
  const params = [
    { name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } },
    { name: 'fieldManager', in: 'query', schema: { type: 'string', uniqueItems: true } },
    { name: 'dryRun', in: 'query', schema: { type: 'string', uniqueItems: true } },
  ];
  for (const r of mine) {
    const gvk = { group: r.group, version: r.version, kind: r.kind };
    const base = `/${gvPath(group, version)}/${r.namespaced ? 'namespaces/{namespace}/' : ''}${r.plural}/{name}`;
    const op = (verb: string): Record<string, unknown> => ({
      operationId: `${verb}${r.kind}`,
      'x-kubernetes-action': verb,
      'x-kubernetes-group-version-kind': gvk,
      parameters: params,
      responses: { '200': { description: 'OK' } },
    });
    paths[base] = { get: op('get'), put: op('put'), patch: op('patch'), delete: op('delete') };
  }
  const components: Record<string, unknown> = {};
  for (const r of mine) {
    const schema = schemas.get(`${r.group}/${r.version}/${r.kind}`);
    if (schema && typeof schema === 'object') components[definitionName(r.group, r.version, r.kind)] = { ...schema, 'x-kubernetes-group-version-kind': [{ group: r.group, version: r.version, kind: r.kind }] };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths, components: { schemas: components } };
}

export function openApiV3Root(resources: readonly ResourceInfo[], schemas: CrdSchemas = new Map()): Record<string, unknown> {
  const gvs = new Set(resources.map((r) => `${r.group}|${r.version}`));
  const paths: Record<string, unknown> = {};
  for (const gv of [...gvs].sort()) {
    const [group, version] = gv.split('|') as [string, string];
    const hash = createHash('sha256').update(JSON.stringify(openApiV3Doc(resources, group, version, schemas))).digest('hex').slice(0, 32).toUpperCase();
    paths[gvPath(group, version)] = { serverRelativeURL: `/openapi/v3/${gvPath(group, version)}?hash=${hash}` };
  }
  return { paths };
}

/**
 * `/openapi/v2`: an empty Swagger 2.0 document. kubectl validates objects of kinds unknown to
 * the v3 index (a CR applied in the same file as its CRD) against v2 client-side, and only
 * needs the document to parse; with no definitions it skips validation, as a real server does
 * for a kind it does not know yet. kubectl asks for gnostic protobuf, other clients for JSON.
 */
export function openApiV2(accept: string | undefined): { contentType: string; body: Buffer } {
  if ((accept ?? '').includes('protobuf')) {
    const str = (field: number, s: string): Buffer => Buffer.concat([Buffer.from([(field << 3) | 2, Buffer.byteLength(s)]), Buffer.from(s)]);
    const info = Buffer.concat([str(1, 'Kubernetes'), str(2, 'v1.32.0')]);
    const body = Buffer.concat([str(1, '2.0'), Buffer.from([(2 << 3) | 2, info.length]), info]);
    return { contentType: 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf', body };
  }
  return { contentType: 'application/json', body: Buffer.from(JSON.stringify({ swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths: {}, definitions: {} })) };
}
