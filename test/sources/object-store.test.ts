import { describe, expect, it } from 'vitest';
import { ObjectStore, PackCache } from '../../src/sources/git/object-store.js';
import { git, makeRepo } from '../helpers/git.js';

describe('ObjectStore with a PackCache', () => {
  it('reads only the packs added since the last open, answering as a store read from scratch', async () => {
    const repo = makeRepo('packs');
    try {
      const big = Array.from({ length: 200 }, (_, i) => `line ${i} of a file large enough to be deltified\n`).join('');
      repo.commit({ 'a.txt': big, 'dir/b.txt': 'b\n' });
      git(repo.bare, 'repack', '-q', '-d');
      const cache = new PackCache();
      const first = await ObjectStore.open(repo.bare, cache);
      expect(cache.stats).toEqual({ parsed: 1, reused: 0 });
      const c1 = repo.head();
      expect((await first.listTree(c1)).map((f) => f.path)).toEqual(['a.txt', 'dir/b.txt']);

      // A second commit changing a few lines: `git repack` (incremental) makes a second pack.
      const c2 = repo.commit({ 'a.txt': big.replace('line 7 ', 'line seven ') + 'tail\n', 'c.txt': 'c\n' });
      git(repo.bare, 'repack', '-q', '-d');
      const second = await ObjectStore.open(repo.bare, cache);
      expect(cache.stats.reused).toBe(1);
      expect(cache.stats.parsed).toBe(2);
      const files = await second.listTree(c2);
      expect(files.map((f) => f.path)).toEqual(['a.txt', 'c.txt', 'dir/b.txt']);
      const a = files.find((f) => f.path === 'a.txt')!;
      expect((await second.read(a.oid)).data.toString()).toBe(big.replace('line 7 ', 'line seven ') + 'tail\n');
      // The same answers as a store read from scratch.
      const fresh = await ObjectStore.open(repo.bare);
      expect(await fresh.listTree(c2)).toEqual(files);
      expect((await fresh.read(a.oid)).data.equals((await second.read(a.oid)).data)).toBe(true);

      // After a full repack the old packs are gone and forgotten.
      git(repo.bare, 'repack', '-q', '-a', '-d');
      const third = await ObjectStore.open(repo.bare, cache);
      expect((await third.listTree(c2)).length).toBe(3);
    } finally {
      repo.dispose();
    }
  });
});
