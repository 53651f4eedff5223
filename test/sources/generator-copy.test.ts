/**
 * The ArtifactGenerator's copy operations, as source-watcher applies them: `cp`-like rules for
 * files and directories, Go globs for `from` (where `**` is one segment), doublestar excludes,
 * Merge and Extract strategies, and a deterministic artifact whose digest is the revision.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tarGz } from '../../src/sources/artifact/tarball.js';
import { adler32, buildArtifact, contentsHash, isVcsFile } from '../../src/sources/generator/build.js';
import type { CopyOperation } from '../../src/sources/generator/copy.js';
import { CopyError, applyCopyOperations, isExcluded, selectionRoot } from '../../src/sources/generator/copy.js';
import { FileTree, GlobSyntaxError, byteOrder, goGlob, goMatch, starMatch } from '../../src/sources/generator/glob.js';

const tree = (files: Record<string, string | Buffer>): FileTree => new FileTree(new Map(Object.entries(files).map(([p, c]) => [p, Buffer.isBuffer(c) ? c : Buffer.from(c)])));
const run = async (ops: CopyOperation[], sources: Record<string, Record<string, string | Buffer>>): Promise<Record<string, string>> => {
  const out = await applyCopyOperations(ops, new Map(Object.entries(sources).map(([alias, files]) => [alias, tree(files)])));
  return Object.fromEntries([...out].sort(([a], [b]) => (a < b ? -1 : 1)).map(([p, c]) => [p, c.toString()]));
};

const monorepo = {
  'apps/base/podinfo/kustomization.yaml': 'base-k',
  'apps/base/podinfo/release.yaml': 'base-r',
  'apps/staging/kustomization.yaml': 'staging-k',
  'apps/production/kustomization.yaml': 'prod-k',
  'infrastructure/configs/gateway.yaml': 'gw',
  'infrastructure/controllers/cert-manager.yaml': 'cm',
  'infrastructure/controllers/descheduler/release.yaml': 'ds',
  'infrastructure/README.md': 'readme',
  'config.yaml': 'root-config',
  'configs/a.yaml': 'a',
  'configs/b.json': 'b',
  'configs/sub/c.yaml': 'c',
};

describe('Go globs (copy from)', () => {
  it.each([
    ['*.yaml', 'a.yaml', true],
    ['*.yaml', '.hidden.yaml', true],
    ['*', 'a/b', false],
    ['**', 'a/b', false],
    ['a?c', 'abc', true],
    ['[a-c]x', 'bx', true],
    ['[^a-c]x', 'bx', false],
    ['\\*', '*', true],
  ])('path.Match(%j, %j) is %s', (pattern, name, want) => {
    expect(goMatch(pattern, name)).toBe(want);
  });

  it.each(['[', '[]', '[^]', 'a\\', '[a-]', '[-a]'])('%j is a syntax error', (pattern) => {
    expect(() => goMatch(pattern, 'x')).toThrow(GlobSyntaxError);
  });

  it('`dir/**` selects the direct entries of dir only: ** is one segment in Go', () => {
    expect(goGlob(tree(monorepo), 'infrastructure/**')).toEqual(['infrastructure/README.md', 'infrastructure/configs', 'infrastructure/controllers']);
    expect(goGlob(tree(monorepo), 'configs/**/*.yaml')).toEqual(['configs/sub/c.yaml']);
    expect(goGlob(tree(monorepo), 'nothing/*')).toEqual([]);
  });
});

describe('doublestar (exclude)', () => {
  it.each([
    ['**/testdata/**', 'a/testdata/b.yaml', true],
    ['**/testdata/**', 'testdata/x', true],
    ['descheduler/**', 'descheduler', true],
    ['descheduler/**', 'controllers/descheduler/x', false],
    ['**/.*', 'a/.env', true],
    ['*.{md,txt}', 'README.md', true],
    ['*.md', 'docs/README.md', false],
  ])('Match(%j, %j) is %s', (pattern, p, want) => {
    expect(starMatch(pattern, p)).toBe(want);
  });

  it('a pattern without / also matches the base name; patterns apply from the source root or the from prefix', () => {
    expect(isExcluded('docs/README.md', '.', ['*.md'])).toBe(true);
    expect(isExcluded('infrastructure/controllers/descheduler/release.yaml', 'infrastructure', ['controllers/descheduler/**'])).toBe(true);
    expect(isExcluded('infrastructure/controllers/descheduler/release.yaml', 'infrastructure', ['infrastructure/controllers/descheduler/**'])).toBe(true);
    expect(isExcluded('infrastructure/controllers/descheduler/release.yaml', 'infrastructure', ['descheduler/**'])).toBe(false);
    expect(selectionRoot('infrastructure/**')).toBe('infrastructure');
    expect(selectionRoot('*.yaml')).toBe('.');
  });
});

describe('copy operations', () => {
  it.each<[string, CopyOperation[], Record<string, string>]>([
    ['a file into a directory (trailing slash)', [{ from: '@src/config.yaml', to: '@artifact/apps/' }], { 'apps/config.yaml': 'root-config' }],
    ['a file to a file name', [{ from: '@src/config.yaml', to: '@artifact/apps/app.yaml' }], { 'apps/app.yaml': 'root-config' }],
    ['a glob of files keeps their paths under the destination', [{ from: '@src/configs/*.yaml', to: '@artifact/apps/' }], { 'apps/configs/a.yaml': 'a' }],
    ['a directory with a trailing slash becomes a subdirectory', [{ from: '@src/configs/', to: '@artifact/apps/' }], { 'apps/configs/a.yaml': 'a', 'apps/configs/b.json': 'b', 'apps/configs/sub/c.yaml': 'c' }],
    ['dir/** copies the contents, recursively', [{ from: '@src/configs/**', to: '@artifact/apps/' }], { 'apps/a.yaml': 'a', 'apps/b.json': 'b', 'apps/sub/c.yaml': 'c' }],
    ['the whole source', [{ from: '@src/', to: '@artifact/' }], monorepo],
    [
      'the example: base and an overlay',
      [
        { from: '@src/apps/base/**', to: '@artifact/base/' },
        { from: '@src/apps/staging/**', to: '@artifact/staging/' },
      ],
      { 'base/podinfo/kustomization.yaml': 'base-k', 'base/podinfo/release.yaml': 'base-r', 'staging/kustomization.yaml': 'staging-k' },
    ],
    [
      'excludes by base name, from the prefix and from the source root',
      [{ from: '@src/infrastructure/**', to: '@artifact/', exclude: ['*.md', 'controllers/descheduler/**', 'infrastructure/configs/gateway.yaml'] }],
      { 'controllers/cert-manager.yaml': 'cm' },
    ],
    ['a later operation overwrites an earlier one', [{ from: '@src/configs/a.yaml', to: '@artifact/x.yaml' }, { from: '@src/config.yaml', to: '@artifact/x.yaml' }], { 'x.yaml': 'root-config' }],
    ['a file to a name that is a staged directory goes inside it', [{ from: '@src/configs/', to: '@artifact/' }, { from: '@src/config.yaml', to: '@artifact/configs' }], { 'configs/a.yaml': 'a', 'configs/b.json': 'b', 'configs/config.yaml': 'root-config', 'configs/sub/c.yaml': 'c' }],
    ['an excluded single file is skipped silently', [{ from: '@src/config.yaml', to: '@artifact/', exclude: ['config.yaml'] }, { from: '@src/configs/a.yaml', to: '@artifact/' }], { 'a.yaml': 'a' }],
  ])('%s', async (_name, ops, want) => {
    expect(await run(ops, { src: monorepo })).toEqual(want);
  });

  it.each<[string, CopyOperation, RegExp]>([
    ['a glob matching nothing', { from: '@src/nothing/*.yaml', to: '@artifact/' }, /no files match pattern 'nothing\/\*\.yaml' in source 'src'/],
    ['a missing path', { from: '@src/missing.yaml', to: '@artifact/' }, /source 'missing.yaml' does not exist/],
    ['an unknown alias', { from: '@other/x', to: '@artifact/' }, /source alias 'other' not found/],
    ['a bad glob', { from: '@src/[', to: '@artifact/' }, /invalid glob pattern '\[': syntax error in pattern/],
    ['a bad exclude', { from: '@src/configs/**', to: '@artifact/', exclude: ['{a'] }, /invalid exclude pattern '\{a'/],
    ['everything excluded', { from: '@src/configs/*.yaml', to: '@artifact/', exclude: ['*.yaml'] }, /all files matching pattern 'configs\/\*\.yaml' in source 'src' were excluded/],
    ['a path escaping the source', { from: '@src/../etc/passwd', to: '@artifact/' }, /escapes its root/],
  ])('%s is an error naming the operation', async (_n, op, message) => {
    const err = await run([{ from: '@src/config.yaml', to: '@artifact/' }, op], { src: monorepo }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CopyError);
    expect((err as CopyError).index).toBe(1);
    expect((err as Error).message).toContain(`failed to apply copy operation from '${op.from}' to '${op.to}': `);
    expect((err as Error).message).toMatch(message);
  });

  it('Merge deep-merges YAML maps into a staged file, replacing lists, keys sorted', async () => {
    const out = await run(
      [
        { from: '@chart/podinfo/', to: '@artifact/' },
        { from: '@git/values-prod.yaml', to: '@artifact/podinfo/values.yaml', strategy: 'Merge' },
      ],
      { chart: { 'podinfo/Chart.yaml': 'name: podinfo', 'podinfo/values.yaml': 'replicas: 1\nimage:\n  tag: 1.0\n  repo: x\nhosts: [a, b]\n' }, git: { 'values-prod.yaml': 'image:\n  tag: 2.0\nhosts: [c]\n' } },
    );
    expect(out['podinfo/values.yaml']).toBe('hosts:\n  - c\nimage:\n  repo: x\n  tag: 2\nreplicas: 1\n');
    expect(out['podinfo/Chart.yaml']).toBe('name: podinfo');
  });

  it('Extract unpacks tarballs matched by a doublestar glob, skipping other files', async () => {
    const tgz = tarGz([
      { path: 'podinfo/Chart.yaml', content: Buffer.from('name: podinfo') },
      { path: 'podinfo/values.yaml', content: Buffer.from('a: 1') },
    ]).bytes;
    const out = await run([{ from: '@oci/releases/**/*.tgz', to: '@artifact/charts/', strategy: 'Extract' }], { oci: { 'releases/v1/podinfo-6.7.0.tgz': tgz, 'releases/notes.txt': 'x' } });
    expect(out).toEqual({ 'charts/podinfo/Chart.yaml': 'name: podinfo', 'charts/podinfo/values.yaml': 'a: 1' });
    const err = await run([{ from: '@oci/releases/notes.txt', to: '@artifact/', strategy: 'Extract' }], { oci: { 'releases/notes.txt': 'x' } }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/extract strategy requires tarball file/);
  });
});

describe('the built artifact', () => {
  it('is named by its contents hash and revisioned by the digest of its archive; VCS files are left out', async () => {
    const built = await buildArtifact('apps', [{ from: '@src/**', to: '@artifact/' }], new Map([['src', tree({ 'a.yaml': 'a', '.gitignore': 'x', 'sub/.git/config': 'y' })]]));
    expect([...built.files.keys()]).toEqual(['a.yaml']);
    expect(built.revision).toBe(`latest@${built.archive.digest}`);
    expect(built.filename).toMatch(/^\d+\.tar\.gz$/);
    expect(isVcsFile('x/.gitattributes')).toBe(true);
    // Adler-32 of "Wikipedia" is 0x11E60398.
    expect(adler32(Buffer.from('Wikipedia'))).toBe(0x11e60398);
    expect(contentsHash('apps', new Map([['a', Buffer.from('x')]]))).toBe(String(adler32(Buffer.from(`${adler32(Buffer.from('x')).toString(16)}  apps/a\n`))));
  });
});

/** Paths of 1–3 segments over a small alphabet, so that globs and excludes hit often. */
const segment = fc.constantFrom('a', 'b', 'c', 'd.md', 'e.yaml', '.f');
const filePath = fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => s.join('/'));
const sourceFiles = fc.dictionary(filePath, fc.string({ maxLength: 8 }), { minKeys: 1, maxKeys: 25 }).map((files) => {
  // A path cannot be both a file and a directory.
  const keys = Object.keys(files);
  return Object.fromEntries(Object.entries(files).filter(([p]) => !keys.some((k) => k.startsWith(`${p}/`))));
});
const excludes = fc.array(fc.constantFrom('*.md', '**/.*', 'b/**', 'a/b/**', '**/c', 'e.yaml', 'a/*.yaml'), { maxLength: 3 });

describe('properties', () => {
  it('paths are ordered by their UTF-8 bytes, as Go orders them', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 6 }), (a, b) => {
        expect(Math.sign(byteOrder(a, b))).toBe(Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
      }),
      { numRuns: 2000, seed: 42 },
    );
  });

  it('the files under a directory are exactly those whose path starts with it', () => {
    fc.assert(
      fc.property(sourceFiles, fc.constantFrom('a', 'b', 'a/b', 'c', 'zz'), (files, dir) => {
        const want = Object.keys(files).filter((p) => p.startsWith(`${dir}/`)).sort(byteOrder);
        expect(tree(files).filesUnder(dir)).toEqual(want);
      }),
      { numRuns: 200, seed: 3 },
    );
  });

  it('`@src/DIR/**` copies exactly the files under DIR that no exclude matches, each from its own path', async () => {
    await fc.assert(
      fc.asyncProperty(sourceFiles, fc.constantFrom('a', 'b', '.'), excludes, fc.constantFrom('', 'out/'), async (files, dir, exclude, dest) => {
        const from = dir === '.' ? '@src/**' : `@src/${dir}/**`;
        const src = tree(files);
        const prefix = dir === '.' ? '' : `${dir}/`;
        const candidates = Object.keys(files).filter((p) => p.startsWith(prefix));
        let out: Map<string, Buffer>;
        try {
          out = await applyCopyOperations([{ from, to: `@artifact/${dest}`, exclude }], new Map([['src', src]]));
        } catch (err) {
          // Only "nothing matched" or "everything excluded" may fail.
          expect((err as Error).message).toMatch(/no files match|were excluded/);
          return;
        }
        // An oracle written without globs: each pattern of the fixed set, said in words.
        const hits = (pattern: string, p: string): boolean => {
          const segs = p.split('/');
          const last = segs[segs.length - 1] as string;
          switch (pattern) {
            case '*.md':
              return last.endsWith('.md');
            case '**/.*':
              return last.startsWith('.');
            case 'b/**':
              return segs[0] === 'b';
            case 'a/b/**':
              return segs[0] === 'a' && segs[1] === 'b';
            case '**/c':
              return last === 'c';
            case 'e.yaml':
              return last === 'e.yaml';
            case 'a/*.yaml':
              return segs.length === 2 && segs[0] === 'a' && last.endsWith('.yaml');
            default:
              throw new Error(pattern);
          }
        };
        // A file is left out when it, or a directory it is in (below DIR), is hit from the source
        // root or from DIR.
        const isOut = (p: string): boolean => {
          const parts = p.slice(prefix.length).split('/');
          return parts.some((_, i) => {
            const rel = parts.slice(0, i + 1).join('/');
            return exclude.some((e) => hits(e, prefix + rel) || (prefix !== '' && hits(e, rel)));
          });
        };
        for (const [p, content] of out) {
          expect(p.startsWith(dest)).toBe(true);
          const origin = prefix + p.slice(dest.length);
          expect(files[origin], p).toBeDefined();
          expect(content.toString()).toBe(files[origin]);
          expect(isOut(origin), `${origin} is excluded`).toBe(false);
        }
        for (const p of candidates) if (!isOut(p)) expect(out.has(dest + p.slice(prefix.length)), p).toBe(true);
      }),
      { numRuns: 300, seed: 20261130 },
    );
  });

  it('identical inputs give the identical artifact digest, whatever order the source files come in', async () => {
    await fc.assert(
      fc.asyncProperty(sourceFiles, fc.integer({ min: 0, max: 1000 }), async (files, salt) => {
        const entries = Object.entries(files);
        const shuffled = [...entries].sort((x, y) => ((x[0].length * 31 + salt) % 7) - ((y[0].length * 31 + salt) % 7));
        const ops: CopyOperation[] = [{ from: '@src/', to: '@artifact/' }];
        const one = await buildArtifact('x', ops, new Map([['src', tree(Object.fromEntries(entries))]]));
        const two = await buildArtifact('x', ops, new Map([['src', new FileTree(new Map(shuffled.map(([p, c]) => [p, Buffer.from(c)])))]]));
        expect(two.archive.digest).toBe(one.archive.digest);
        expect(two.revision).toBe(one.revision);
        expect(two.filename).toBe(one.filename);
      }),
      { numRuns: 100, seed: 7 },
    );
  });
});
