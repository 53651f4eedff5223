/**
 * One ArtifactGenerator output artifact, built as source-watcher builds it: the copy operations
 * staged in memory, VCS files left out of the archive, a deterministic tar.gz whose sha256 is
 * the revision (`latest@sha256:<hex>`, so identical content gives an identical revision and
 * consumers are not woken), stored as `externalartifact/<ns>/<name>/<contents-hash>.tar.gz`.
 */
import { tarGz } from '../artifact/tarball.js';
import type { Archive } from '../artifact/tarball.js';
import type { CopyOperation } from './copy.js';
import { applyCopyOperations } from './copy.js';
import type { FileTree } from './glob.js';
import { byteOrder } from './glob.js';

export interface BuiltArtifact {
  /** The artifact's files as archived (VCS files left out). */
  files: Map<string, Buffer>;
  archive: Archive;
  /** `latest@<archive digest>`. */
  revision: string;
  /** `<contents hash>.tar.gz`, the storage file name. */
  filename: string;
}

/** Adler-32 of `bytes` (the checksum source-watcher's contents hash is built from). */
export function adler32(bytes: Uint8Array, start = 1): number {
  let a = start & 0xffff;
  let b = (start >>> 16) & 0xffff;
  for (let i = 0; i < bytes.length; ) {
    const end = Math.min(bytes.length, i + 5552);
    for (; i < end; i++) {
      a += bytes[i] as number;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/**
 * The contents hash naming the stored file: for each file in path order a line
 * `<adler32 hex>  <name>/<path>`, and the Adler-32 of those lines in decimal.
 */
export function contentsHash(name: string, files: ReadonlyMap<string, Buffer>): string {
  let sum = 1;
  for (const p of [...files.keys()].map((f) => `${name}/${f}`).sort(byteOrder)) {
    if (p.includes('\n')) throw new Error('filenames with newlines are not supported');
    const content = files.get(p.slice(name.length + 1)) as Buffer;
    sum = adler32(Buffer.from(`${adler32(content).toString(16)}  ${p}\n`), sum);
  }
  return String(sum);
}

const VCS_NAMES = new Set(['.gitignore', '.gitmodules', '.gitattributes']);

/** Flux's archive filter for generated artifacts: the VCS patterns only. */
export function isVcsFile(p: string): boolean {
  const parts = p.split('/');
  return VCS_NAMES.has(parts[parts.length - 1] as string) || parts.slice(0, -1).includes('.git');
}

/** Stages `copy` over the sources and archives the result. */
export async function buildArtifact(name: string, copy: readonly CopyOperation[], sources: ReadonlyMap<string, FileTree>): Promise<BuiltArtifact> {
  const staged = await applyCopyOperations(copy, sources);
  const filename = `${contentsHash(name, staged)}.tar.gz`;
  const files = new Map([...staged].filter(([p]) => !isVcsFile(p)));
  const archive = tarGz([...files].map(([path, content]) => ({ path, content })));
  return { files, archive, revision: `latest@${archive.digest}`, filename };
}
