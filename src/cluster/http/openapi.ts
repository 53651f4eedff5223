/**
 * A minimal OpenAPI v3 surface: the root index and one document per group version whose
 * PATCH operations carry `x-kubernetes-group-version-kind` and the `fieldValidation` query
 * parameter. That is what kubectl checks before trusting the server to validate (so
 * `kubectl apply` works without `--validate=false`); no schemas are served, so kubectl falls
 * back to its built-in types for strategic merge patches and `kubectl explain` has nothing.
 */
import { createHash } from 'node:crypto';
import type { ResourceInfo } from '../types.js';

const gvPath = (group: string, version: string): string => (group ? `apis/${group}/${version}` : `api/${version}`);

export function openApiV3Doc(resources: readonly ResourceInfo[], group: string, version: string): Record<string, unknown> | undefined {
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
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths, components: { schemas: {} } };
}

export function openApiV3Root(resources: readonly ResourceInfo[]): Record<string, unknown> {
  const gvs = new Set(resources.map((r) => `${r.group}|${r.version}`));
  const paths: Record<string, unknown> = {};
  for (const gv of [...gvs].sort()) {
    const [group, version] = gv.split('|') as [string, string];
    const hash = createHash('sha256').update(JSON.stringify(openApiV3Doc(resources, group, version))).digest('hex').slice(0, 32).toUpperCase();
    paths[gvPath(group, version)] = { serverRelativeURL: `/openapi/v3/${gvPath(group, version)}?hash=${hash}` };
  }
  return { paths };
}
