/** Parsing what an API request names: the resource, namespace, object and subresource. */
import { ApiError } from '../errors.js';
import type { ResourceInfo } from '../types.js';

export interface ResourceTarget {
  info: ResourceInfo;
  /** `group/version`, or `v1` for the core group. */
  groupVersion: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** The path used the legacy `/watch/` prefix. */
  watchPath: boolean;
}

/** Pod subresources a client may ask for; the simulator runs no containers behind them. */
export const POD_SUBRESOURCES = new Set(['log', 'exec', 'attach', 'portforward']);

/** `the server could not find the requested resource`, as kube-apiserver says it. */
export const noResource = (): ApiError => new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});

/**
 * Resolves `/api/v1/...` and `/apis/GROUP/VERSION/...` resource paths; undefined for
 * discovery paths (no resource segment).
 */
export function parseResourcePath(segments: readonly string[], resources: readonly ResourceInfo[]): ResourceTarget | undefined {
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api' && segments.length > 2) {
    group = '';
    version = segments[1] as string;
    rest = segments.slice(2);
  } else if (segments[0] === 'apis' && segments.length > 3) {
    group = segments[1] as string;
    version = segments[2] as string;
    rest = segments.slice(3);
  } else return undefined;
  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && !(rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize'))) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  if (rest.length === 0 || rest.length > 3) throw noResource();
  const [plural, name, subresource] = rest as [string, string | undefined, string | undefined];
  const info = resources.find((r) => r.group === group && r.version === version && r.plural === plural);
  if (!info) throw noResource();
  if (namespace !== undefined && !info.namespaced) throw noResource();
  const podSub = info.group === '' && info.kind === 'Pod' && POD_SUBRESOURCES.has(subresource ?? '');
  if (subresource !== undefined && !podSub && !(subresource === 'status' && info.statusSubresource) && !(subresource === 'scale' && info.scaleSubresource) && !(subresource === 'finalize' && info.kind === 'Namespace')) throw noResource();
  const target: ResourceTarget = { info, groupVersion: group ? `${group}/${version}` : version, watchPath };
  if (namespace !== undefined) target.namespace = namespace;
  if (name !== undefined) target.name = name;
  if (subresource !== undefined) target.subresource = subresource;
  return target;
}

/** The media type of a Content-Type header, without parameters. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** True when the client asked for server-side printing (`as=Table;g=meta.k8s.io`). */
export function wantsTable(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const params = part.split(';').map((p) => p.trim());
    return params.includes('as=Table') && params.includes('g=meta.k8s.io') && (params[0] === 'application/json' || params[0] === '*/*');
  });
}

/** kube-apiserver's default field manager: the User-Agent up to the first `/`. */
export function managerFromUserAgent(userAgent: string | undefined): string {
  const prefix = (userAgent ?? '').split('/')[0]?.trim() ?? '';
  return prefix.slice(0, 128) || 'unknown';
}
