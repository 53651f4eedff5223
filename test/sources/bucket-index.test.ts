/** The Bucket revision (Flux's index digest) and key filtering, as pure functions. */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketIgnore, indexDigest, keyPath } from '../../src/sources/bucket.js';
import { parseListObjectsV2 } from '../../src/sources/bucket/s3-client.js';

const arbKey = fc.stringMatching(/^[a-z0-9._ -]{1,6}(\/[a-z0-9._ é-]{1,6}){0,2}$/);
const arbEtag = fc.stringMatching(/^[0-9a-f]{32}$/);
const arbIndex = fc.uniqueArray(fc.tuple(arbKey, arbEtag), { selector: ([k]) => k, minLength: 1, maxLength: 20 });

describe('indexDigest', () => {
  it('is sha256 over sorted "<key> <etag>\\n" lines, as Flux’s index.Digester', () => {
    const index = new Map([['b/x.yaml', '2'], ['a.yaml', '1']]);
    expect(indexDigest(index)).toBe(`sha256:${createHash('sha256').update('a.yaml 1\nb/x.yaml 2\n').digest('hex')}`);
    expect(indexDigest(new Map())).toBe(`sha256:${createHash('sha256').digest('hex')}`);
  });

  it('does not depend on listing order', () => {
    fc.assert(
      fc.property(arbIndex.chain((entries) => fc.tuple(fc.constant(entries), fc.shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length }))), ([entries, shuffled]) => {
        expect(indexDigest(new Map(shuffled))).toBe(indexDigest(new Map(entries)));
      }),
    );
  });

  it('changes when any etag changes, any key is renamed, added or removed', () => {
    fc.assert(
      fc.property(arbIndex, fc.nat(), arbEtag, arbKey, (entries, at, etag, key) => {
        const base = new Map(entries);
        const before = indexDigest(base);
        const [k, v] = entries[at % entries.length]!;
        if (etag !== v) expect(indexDigest(new Map(base).set(k, etag))).not.toBe(before);
        if (!base.has(key)) {
          const renamed = new Map(base);
          renamed.delete(k);
          renamed.set(key, v);
          expect(indexDigest(renamed)).not.toBe(before);
          expect(indexDigest(new Map(base).set(key, v))).not.toBe(before);
        }
        const removed = new Map(base);
        removed.delete(k);
        expect(indexDigest(removed)).not.toBe(before);
      }),
    );
  });
});

describe('bucketIgnore', () => {
  it.each([
    ['*.md', undefined, 'README.md', true],
    ['*.md', undefined, 'deploy/app.yaml', false],
    [undefined, '/deploy/secret.yaml', 'deploy/secret.yaml', true],
    ['*.yaml', '!deploy/keep.yaml', 'deploy/keep.yaml', false],
    [undefined, undefined, 'logo.png', false],
  ] as const)('sourceignore %j, spec.ignore %j: %s ignored = %s', (sourceignore, specIgnore, key, ignored) => {
    expect(bucketIgnore(sourceignore, specIgnore)(key)).toBe(ignored);
  });
});

describe('keyPath', () => {
  it.each([
    ['a/b.yaml', 'a/b.yaml'],
    ['/a/./b.yaml', 'a/b.yaml'],
    ['../../etc/passwd', 'etc/passwd'],
    ['a/../../b', 'b'],
  ])('%s → %s (never outside the artifact root)', (key, want) => {
    expect(keyPath(key)).toBe(want);
  });
});

describe('parseListObjectsV2', () => {
  it('reads keys (entities decoded), ETags without quotes, and the next token only when truncated', () => {
    const xml = `<?xml version="1.0"?><ListBucketResult><Name>b</Name><IsTruncated>true</IsTruncated><NextContinuationToken>t+/=</NextContinuationToken>
      <Contents><Key>a &amp; b.yaml</Key><ETag>&quot;abc&quot;</ETag><Size>1</Size></Contents><Contents><Key>c.yaml</Key><ETag>"def-2"</ETag></Contents></ListBucketResult>`;
    expect(parseListObjectsV2(xml)).toEqual({ objects: [{ key: 'a & b.yaml', etag: 'abc' }, { key: 'c.yaml', etag: 'def-2' }], next: 't+/=' });
    expect(parseListObjectsV2(xml.replace('<IsTruncated>true', '<IsTruncated>false')).next).toBeUndefined();
  });
});
