/**
 * Safe extraction of artifact tarballs by their consumers: the digest is verified first, and no
 * entry may write outside the target directory — absolute paths, `..` segments, links and device
 * files are refused rather than rewritten, so a hostile archive fails loudly instead of half
 * extracting.
 */
import { createHash } from 'node:crypto';
import { mkdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tarLib from 'tar';

export class UnsafeArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeArchiveError';
  }
}

/** Why an entry is refused, or undefined when it is safe. */
export function unsafeEntry(name: string, type: string): string | undefined {
  if (type !== 'File' && type !== 'OldFile' && type !== 'Directory' && type !== 'ContiguousFile') return `entry "${name}" is a ${type}, not a file or directory`;
  if (name.includes('\0')) return `entry name contains a NUL byte`;
  const normalized = name.replace(/\\/g, '/');
  if (normalized.startsWith('/') || /^[A-Za-z]:/.test(normalized)) return `entry "${name}" has an absolute path`;
  if (normalized.split('/').includes('..')) return `entry "${name}" escapes the target directory`;
  return undefined;
}

export async function extractArtifact(bytes: Buffer, targetDir: string, expectedDigest?: string): Promise<string[]> {
  if (expectedDigest) {
    const actual = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    if (actual !== expectedDigest) throw new UnsafeArchiveError(`artifact digest ${actual} does not match ${expectedDigest}`);
  }
  // First pass: inspect every entry; refuse the archive before writing anything.
  const names: string[] = [];
  let refusal: string | undefined;
  await pipeline(
    Readable.from(bytes),
    new tarLib.Parser({
      onReadEntry: (entry) => {
        refusal ??= unsafeEntry(entry.path, entry.type);
        if (entry.type === 'File' || entry.type === 'OldFile' || entry.type === 'ContiguousFile') names.push(entry.path);
        entry.resume();
      },
    }),
  );
  if (refusal) throw new UnsafeArchiveError(refusal);
  await mkdir(targetDir, { recursive: true });
  const root = await realpath(targetDir);
  await pipeline(
    Readable.from(bytes),
    tarLib.extract({
      cwd: root,
      strict: true,
      preservePaths: false,
      noChmod: true,
      filter: (p, entry) => {
        const stat = entry as { type?: string };
        return !unsafeEntry(p, stat.type ?? 'File');
      },
    }),
  );
  // Defence in depth: nothing resolved outside the root.
  for (const n of names) {
    const abs = path.resolve(root, n);
    if (!abs.startsWith(root + path.sep)) throw new UnsafeArchiveError(`entry "${n}" escapes the target directory`);
  }
  return names;
}
