import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ManualClock } from '../../src/api/clock.js';
import { ArtifactStorage } from '../../src/sources/artifact/storage.js';
import { extractArtifact, UnsafeArchiveError } from '../../src/sources/artifact/extract.js';
import { tar, tarGz } from '../../src/sources/artifact/tarball.js';

/** A raw tar entry with any name and type flag (to build hostile archives). */
function rawEntry(name: string, type: string, content = '', linkname = ''): Buffer {
  const h = Buffer.alloc(512, 0);
  h.write(name, 0, 100);
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(content.length.toString(8).padStart(11, '0') + '\0', 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write(type, 156);
  h.write(linkname, 157, 100);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  const body = Buffer.from(content);
  return Buffer.concat([h, body, Buffer.alloc((512 - (body.length % 512)) % 512)]);
}
const hostile = (...entries: Buffer[]): Buffer => gzipSync(Buffer.concat([...entries, Buffer.alloc(1024)]));

function listAll(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? listAll(p).map((x) => `${f}/${x}`) : [f];
  });
}

describe('artifacts', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'fluxion-art-'));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('are deterministic: the same files give the same bytes and digest, in any order', () => {
    const files = [
      { path: 'b.yaml', content: Buffer.from('b') },
      { path: 'a/x.yaml', content: Buffer.from('x'), executable: true },
      { path: `${'deep/'.repeat(30)}long.yaml`, content: Buffer.from('long') },
    ];
    const one = tarGz(files);
    const two = tarGz([...files].reverse());
    expect(one.digest).toBe(two.digest);
    expect(one.bytes.equals(two.bytes)).toBe(true);
  });

  it('are readable by the tar CLI, long paths and modes included', () => {
    const bytes = tar([
      { path: 'run.sh', content: Buffer.from('#!/bin/sh\n'), executable: true },
      { path: `${'deep/'.repeat(30)}long.yaml`, content: Buffer.from('long') },
    ]);
    const listing = execFileSync('tar', ['-tv'], { input: bytes }).toString();
    expect(listing).toContain('-rwxr-xr-x');
    expect(listing).toContain(`${'deep/'.repeat(30)}long.yaml`);
  });

  it('round-trip through storage and safe extraction', async () => {
    const storage = new ArtifactStorage({ root: path.join(tmp, 'store'), clock: new ManualClock() });
    const archive = tarGz([{ path: 'x/y.yaml', content: Buffer.from('y: 1\n') }]);
    const artifact = await storage.store('GitRepository', 'ns', 'name', 'abc.tar.gz', archive.bytes, 'main@sha1:abc');
    expect(artifact).toMatchObject({ path: 'gitrepository/ns/name/abc.tar.gz', digest: archive.digest, size: archive.size, lastUpdateTime: '2026-01-01T00:00:00Z' });
    const out = path.join(tmp, 'out');
    expect(await extractArtifact(await storage.read(artifact), out, artifact.digest)).toEqual(['x/y.yaml']);
    expect(readFileSync(path.join(out, 'x/y.yaml'), 'utf8')).toBe('y: 1\n');
  });

  it('keep only the newest artifacts of an object', async () => {
    const storage = new ArtifactStorage({ root: path.join(tmp, 'store'), clock: new ManualClock(), retain: 2 });
    for (const n of ['one', 'two', 'three']) await storage.store('GitRepository', 'ns', 'name', `${n}.tar.gz`, Buffer.from(n), n);
    expect(readdirSync(path.join(tmp, 'store/gitrepository/ns/name')).sort()).toEqual(['three.tar.gz', 'two.tar.gz']);
  });

  it('refuse a tampered artifact', async () => {
    const storage = new ArtifactStorage({ root: path.join(tmp, 'store'), clock: new ManualClock() });
    const artifact = await storage.store('GitRepository', 'ns', 'name', 'a.tar.gz', tarGz([]).bytes, 'r');
    await expect(storage.read({ ...artifact, digest: `sha256:${'0'.repeat(64)}` })).rejects.toThrow(/digest/);
  });

  it.each([
    ['a path with ..', hostile(rawEntry('../escape.txt', '0', 'x'))],
    ['an absolute path', hostile(rawEntry('/tmp/escape.txt', '0', 'x'))],
    ['a symlink', hostile(rawEntry('link', '2', '', '/etc/passwd'), rawEntry('link/x', '0', 'x'))],
    ['a hard link', hostile(rawEntry('hard', '1', '', '/etc/passwd'))],
    ['a device file', hostile(rawEntry('dev', '3'))],
  ])('extraction refuses %s and writes nothing', async (_what, bytes) => {
    const out = path.join(tmp, 'out');
    await expect(extractArtifact(bytes, out)).rejects.toBeInstanceOf(UnsafeArchiveError);
    expect(existsSync(out) ? listAll(out) : []).toEqual([]);
    expect(existsSync(path.join(tmp, 'escape.txt'))).toBe(false);
  });

  it('extraction never writes outside the target, whatever the entry names', async () => {
    const segment = fc.constantFrom('a', 'b', '..', '.', '', 'c.yaml');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('/')), { minLength: 1, maxLength: 5 }), fc.boolean(), async (names, absolute) => {
        const root = mkdtempSync(path.join(tmp, 'p-'));
        const target = path.join(root, 'target');
        const entries = names.filter((n) => n && !n.endsWith('/')).map((n) => rawEntry(absolute ? `/${n}` : n, '0', 'z'));
        if (!entries.length) return;
        // Refused (unsafe names) or failed (a file where a directory must go): either way, nothing lands outside.
        await extractArtifact(hostile(...entries), target).catch(() => undefined);
        for (const f of listAll(root)) expect(f.startsWith('target/')).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});
