/**
 * Artifact storage, laid out as source-controller lays it out:
 * `<root>/<kind>/<namespace>/<name>/<file>`, with garbage collection keeping the newest
 * `retain` artifacts of each object (Flux's --artifact-retention-records, default 2).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../../api/clock.js';
import type { Artifact } from '../../api/kinds/common.js';

export interface StorageOptions {
  root: string;
  /** Base of artifact URLs; Flux's is the source-controller Service. */
  baseUrl?: string;
  clock: Clock;
  retain?: number;
}

export class ArtifactIntegrityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArtifactIntegrityError';
  }
}

export class ArtifactStorage {
  readonly root: string;
  private readonly baseUrl: string;
  private readonly clock: Clock;
  private readonly retain: number;
  private seq = 0;

  constructor(options: StorageOptions) {
    this.root = path.resolve(options.root);
    this.baseUrl = (options.baseUrl ?? 'http://source-controller.flux-system.svc.cluster.local.').replace(/\/$/, '');
    this.clock = options.clock;
    this.retain = options.retain ?? 2;
  }

  /** `gitrepository/<ns>/<name>/<file>` */
  relativePath(kind: string, namespace: string, name: string, file: string): string {
    return [kind.toLowerCase(), namespace, name, file].join('/');
  }

  private absolute(rel: string): string {
    const abs = path.resolve(this.root, rel);
    if (abs !== this.root && !abs.startsWith(this.root + path.sep)) throw new ArtifactIntegrityError(`artifact path "${rel}" escapes the storage root`);
    return abs;
  }

  async exists(artifact: Pick<Artifact, 'path'>): Promise<boolean> {
    return stat(this.absolute(artifact.path)).then(
      (s) => s.isFile(),
      () => false,
    );
  }

  /** Stores bytes atomically and garbage-collects the object's older artifacts. */
  async store(kind: string, namespace: string, name: string, file: string, bytes: Buffer, revision: string): Promise<Artifact> {
    const rel = this.relativePath(kind, namespace, name, file);
    const abs = this.absolute(rel);
    await mkdir(path.dirname(abs), { recursive: true });
    const tmp = `${abs}.tmp-${process.pid}-${++this.seq}`;
    await writeFile(tmp, bytes);
    await rename(tmp, abs);
    await this.collect(path.dirname(abs), path.basename(abs));
    return {
      path: rel,
      url: `${this.baseUrl}/${rel}`,
      revision,
      digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
      lastUpdateTime: new Date(this.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      size: bytes.length,
    };
  }

  /** Reads an artifact and verifies its digest. */
  async read(artifact: Pick<Artifact, 'path' | 'digest'>): Promise<Buffer> {
    const bytes = await readFile(this.absolute(artifact.path));
    if (artifact.digest) {
      const actual = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
      if (actual !== artifact.digest) throw new ArtifactIntegrityError(`artifact ${artifact.path} has digest ${actual}, expected ${artifact.digest}`);
    }
    return bytes;
  }

  /** Removes every artifact of an object (on deletion). */
  async remove(kind: string, namespace: string, name: string): Promise<void> {
    await rm(this.absolute([kind.toLowerCase(), namespace, name].join('/')), { recursive: true, force: true });
  }

  private async collect(dir: string, keep: string): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true });
    const files = await Promise.all(
      entries
        .filter((e) => e.isFile() && !e.name.includes('.tmp-'))
        .map(async (e) => ({ name: e.name, mtime: (await stat(path.join(dir, e.name))).mtimeMs })),
    );
    files.sort((a, b) => (a.name === keep ? -1 : b.name === keep ? 1 : b.mtime - a.mtime));
    for (const f of files.slice(Math.max(1, this.retain))) await rm(path.join(dir, f.name), { force: true });
  }
}
