/**
 * Helm 3's release storage on the Cluster port: one Secret per revision, named
 * `sh.helm.release.v1.<release>.v<revision>`, type `helm.sh/release.v1`, labelled
 * `name`, `owner=helm`, `status`, `version` and `createdAt`/`modifiedAt` — exactly what Helm's
 * Secrets driver writes, so `helm list`, `helm history` and `helm get` read fluxion's releases and
 * fluxion adopts releases `helm` made.
 */
import type { Clock } from '../../api/clock.js';
import type { KubeObject } from '../../api/meta.js';
import { isApiError } from '../../cluster/errors.js';
import type { Cluster } from '../../cluster/types.js';
import { decodeRelease, encodeRelease } from './codec.js';
import type { Release } from './types.js';

export const RELEASE_SECRET_TYPE = 'helm.sh/release.v1';
const SYSTEM_LABELS = new Set(['name', 'owner', 'status', 'version', 'createdAt', 'modifiedAt']);

export const releaseKey = (name: string, version: number): string => `sh.helm.release.v1.${name}.v${version}`;

export class ReleaseStorageError extends Error {}

export class ReleaseStorage {
  constructor(
    private readonly cluster: Cluster,
    /** The storage namespace (HelmRelease `spec.storageNamespace`, default the release's namespace). */
    readonly namespace: string,
    private readonly clock: Clock,
  ) {}

  private ref(key: string) {
    return { apiVersion: 'v1', kind: 'Secret', namespace: this.namespace, name: key };
  }

  private secret(r: Release, stamp: 'createdAt' | 'modifiedAt'): KubeObject {
    const custom = Object.fromEntries(Object.entries(r.labels ?? {}).filter(([k]) => !SYSTEM_LABELS.has(k)));
    return {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: releaseKey(r.name, r.version),
        namespace: this.namespace,
        labels: {
          ...custom,
          [stamp]: String(Math.floor(this.clock.now() / 1000)),
          name: r.name,
          owner: 'helm',
          status: r.info.status,
          version: String(r.version),
        },
      },
      type: RELEASE_SECRET_TYPE,
      // The Secret's bytes are the base64 text; the API carries them base64-encoded once more.
      data: { release: Buffer.from(encodeRelease(r)).toString('base64') },
    };
  }

  private decode(secret: KubeObject, filterSystem: boolean): Release {
    const data = (secret.data as Record<string, string> | undefined)?.release;
    if (!data) throw new ReleaseStorageError(`Secret ${this.namespace}/${secret.metadata.name} has no release data`);
    try {
      const release = decodeRelease(Buffer.from(data, 'base64').toString('utf8'));
      const labels = secret.metadata.labels ?? {};
      release.labels = filterSystem ? Object.fromEntries(Object.entries(labels).filter(([k]) => !SYSTEM_LABELS.has(k))) : { ...labels };
      return release;
    } catch (err) {
      throw new ReleaseStorageError(`Secret ${this.namespace}/${secret.metadata.name}: failed to decode release: ${(err as Error).message}`, { cause: err });
    }
  }

  async get(name: string, version: number): Promise<Release | undefined> {
    const s = await this.cluster.get(this.ref(releaseKey(name, version)));
    return s ? this.decode(s, true) : undefined;
  }

  /** Every stored revision of the release, oldest first; records that cannot be decoded are skipped, as Helm does. */
  async history(name: string): Promise<Release[]> {
    const list = await this.cluster.list({ apiVersion: 'v1', kind: 'Secret', namespace: this.namespace, labelSelector: { name, owner: 'helm' } });
    const out: Release[] = [];
    for (const s of list.items) {
      try {
        out.push(this.decode(s, false));
      } catch {
        // Helm logs and skips an undecodable record.
      }
    }
    return out.sort((a, b) => a.version - b.version);
  }

  /** The latest revision, whatever its status. */
  async last(name: string): Promise<Release | undefined> {
    return (await this.history(name)).at(-1);
  }

  /** The latest revision with status `deployed`. */
  async deployed(name: string): Promise<Release | undefined> {
    return (await this.history(name)).filter((r) => r.info.status === 'deployed').at(-1);
  }

  /** Helm's Storage.Create: prunes the oldest revisions beyond `maxHistory` first (never the deployed one). */
  async create(release: Release, options: { maxHistory?: number } = {}): Promise<void> {
    if (options.maxHistory && options.maxHistory > 0) await this.removeLeastRecent(release.name, options.maxHistory - 1);
    try {
      await this.cluster.create(this.secret(release, 'createdAt'));
    } catch (err) {
      if (isApiError(err, 409)) throw new ReleaseStorageError(`release: already exists: ${releaseKey(release.name, release.version)}`, { cause: err });
      throw err;
    }
  }

  async update(release: Release): Promise<void> {
    await this.cluster.update(this.secret(release, 'modifiedAt'));
  }

  async delete(name: string, version: number): Promise<Release | undefined> {
    const existing = await this.get(name, version);
    if (!existing) return undefined;
    await this.cluster.delete(this.ref(releaseKey(name, version)));
    return existing;
  }

  private async removeLeastRecent(name: string, max: number): Promise<void> {
    const history = await this.history(name);
    if (history.length <= max) return;
    const lastDeployed = history.filter((r) => r.info.status === 'deployed').at(-1);
    const doomed: Release[] = [];
    for (const r of history) {
      if (history.length - doomed.length === max) break;
      if (!lastDeployed || r.version !== lastDeployed.version) doomed.push(r);
    }
    for (const r of doomed) await this.delete(name, r.version);
  }
}

/** The next revision number for a release, given its history (1 for a new release). */
export const nextVersion = (history: readonly Release[]): number => (history.at(-1)?.version ?? 0) + 1;

