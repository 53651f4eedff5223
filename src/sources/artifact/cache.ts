/**
 * Artifacts unpacked in memory, once per digest, shared by every consumer of the same revision:
 * a thousand Kustomizations of one repository read one copy instead of extracting a thousand.
 * Entries are checked as safe extraction checks them (no absolute paths, no `..`, no links).
 */
import type { Artifact } from '../../api/kinds/common.js';
import type { ArtifactStorage } from './storage.js';
import { readArchive } from '../git-repository.js';

export class ArtifactCache {
  private readonly entries = new Map<string, Promise<Map<string, Buffer>>>();

  constructor(
    private readonly storage: ArtifactStorage,
    private readonly capacity = 16,
  ) {}

  /** Seeds the cache with an artifact just made from these files, so nobody extracts it again. */
  put(artifact: Pick<Artifact, 'path' | 'digest'>, files: Iterable<{ path: string; content: Uint8Array }>): void {
    const key = artifact.digest ?? artifact.path;
    const map = new Map<string, Buffer>();
    for (const f of files) map.set(f.path, Buffer.from(f.content.buffer, f.content.byteOffset, f.content.byteLength));
    this.entries.delete(key);
    this.entries.set(key, Promise.resolve(map));
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  /** The artifact's files (path → content), digest-verified. */
  files(artifact: Pick<Artifact, 'path' | 'digest'>): Promise<Map<string, Buffer>> {
    const key = artifact.digest ?? artifact.path;
    const hit = this.entries.get(key);
    if (hit) {
      // Most recently used last.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const loading = this.storage.read(artifact).then(async (bytes) => {
      const files = new Map<string, Buffer>();
      for (const f of await readArchive(bytes)) files.set(f.path, Buffer.from(f.content));
      return files;
    });
    loading.catch(() => this.entries.delete(key));
    this.entries.set(key, loading);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return loading;
  }
}
