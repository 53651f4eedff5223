/**
 * API discovery (`/api`, `/apis`, `/api/v1`, `/apis/<group>/<version>`) with a cache that is
 * refreshed on a miss: a kind the cache does not know is looked up again (one request for its
 * group-version), so CRDs installed after start are found; concurrent misses share one request.
 */
import { splitApiVersion } from '../../api/meta.js';
import { isApiError } from '../errors.js';
import type { ResourceInfo } from '../types.js';

/** Fetches a discovery document; rejects with ApiError. */
export type DiscoveryFetch = (path: string) => Promise<unknown>;

interface ApiResource {
  name: string;
  singularName?: string;
  namespaced: boolean;
  kind: string;
  group?: string;
  version?: string;
  shortNames?: string[];
  categories?: string[];
}

const pathOf = (apiVersion: string): string => (apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`);

/** Turns an APIResourceList into ResourceInfos (subresources fold into their parent). */
export function parseResourceList(apiVersion: string, doc: unknown): ResourceInfo[] {
  const { group, version } = splitApiVersion(apiVersion);
  const resources = ((doc as { resources?: ApiResource[] } | null)?.resources ?? []).filter((r) => r && typeof r.name === 'string');
  const subresources = new Set(resources.filter((r) => r.name.includes('/')).map((r) => r.name));
  const out: ResourceInfo[] = [];
  for (const r of resources) {
    if (r.name.includes('/')) continue;
    const info: ResourceInfo = {
      group: r.group ?? group,
      version: r.version ?? version,
      kind: r.kind,
      plural: r.name,
      singular: r.singularName || r.kind.toLowerCase(),
      namespaced: r.namespaced === true,
      statusSubresource: subresources.has(`${r.name}/status`),
    };
    if (r.shortNames?.length) info.shortNames = [...r.shortNames];
    if (r.categories?.length) info.categories = [...r.categories];
    if (subresources.has(`${r.name}/scale`)) info.scaleSubresource = true;
    out.push(info);
  }
  return out;
}

export class Discovery {
  /** groupVersion → resources; `null` when the server does not serve that group-version. */
  private readonly cache = new Map<string, ResourceInfo[] | null>();
  private readonly inflight = new Map<string, Promise<void>>();

  constructor(private readonly fetch: DiscoveryFetch) {}

  async resourceFor(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    const hit = this.lookup(apiVersion, kind);
    if (hit) return hit;
    await this.refresh(apiVersion);
    return this.lookup(apiVersion, kind);
  }

  /** Everything the server serves, freshly discovered (groups that fail to answer are skipped, as kubectl does). */
  async resources(): Promise<ResourceInfo[]> {
    const versions: string[] = [];
    const core = (await this.fetch('/api')) as { versions?: string[] } | null;
    versions.push(...(core?.versions ?? []));
    const groups = (await this.fetch('/apis')) as { groups?: { versions?: { groupVersion: string }[] }[] } | null;
    for (const g of groups?.groups ?? []) for (const v of g.versions ?? []) versions.push(v.groupVersion);
    const results = await Promise.allSettled(versions.map((gv) => this.refresh(gv)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed && results.every((r) => r.status === 'rejected')) throw failed.reason;
    const out: ResourceInfo[] = [];
    for (const gv of versions) out.push(...(this.cache.get(gv) ?? []));
    return out;
  }

  /** Forgets a group-version (e.g. after the server said it does not know a resource in it). */
  invalidate(apiVersion: string): void {
    this.cache.delete(apiVersion);
  }

  private lookup(apiVersion: string, kind: string): ResourceInfo | undefined {
    return this.cache.get(apiVersion)?.find((r) => r.kind === kind);
  }

  private refresh(apiVersion: string): Promise<void> {
    let p = this.inflight.get(apiVersion);
    if (!p) {
      p = this.fetch(pathOf(apiVersion))
        .then(
          (doc) => void this.cache.set(apiVersion, parseResourceList(apiVersion, doc)),
          (err: unknown) => {
            if (isApiError(err, 404)) this.cache.set(apiVersion, null);
            else throw err;
          },
        )
        .finally(() => this.inflight.delete(apiVersion));
      this.inflight.set(apiVersion, p);
    }
    return p;
  }
}
