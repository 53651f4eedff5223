/**
 * ImagePolicy tag selection as image-reflector-controller makes it: semver ranges (pre-releases
 * only when the range names one), alphabetical and numerical order, filterTags with Go regexp
 * `$group` extraction; each policy checked against a plain model with fast-check.
 */
import fc from 'fast-check';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { InvalidPolicyError, alphabeticalPolicer, compileGoRegexp, expandTemplate, filterTags, latestTag, numericalPolicer, semverPolicer } from '../../src/image/policy.js';
import { DEFAULT_EXCLUSION_LIST, compileExclusions, parseImageName, summariseTags } from '../../src/image/scan.js';

describe('semver policy', () => {
  it.each([
    ['>=1.0.0', ['1.0.0', '1.2.3', '1.10.0', '0.9.0', 'latest'], '1.10.0'],
    ['1.x', ['1.0.0', '1.9.9', '2.0.0'], '1.9.9'],
    ['>=1.0.0', ['v1.2.0', '1.1.0'], 'v1.2.0'],
    ['>=1.0.0', ['1.2.0', '1.3.0-rc.1'], '1.2.0'],
    ['>=1.0.0-0', ['1.2.0', '1.3.0-rc.1'], '1.3.0-rc.1'],
    ['>=1.0.0 <2.0.0', ['1.5.0', '2.0.0'], '1.5.0'],
    ['>=1.0.0, <2.0.0', ['1.5.0', '2.0.0'], '1.5.0'],
    ['<1.0.0 || >=3.0.0', ['0.5.0', '2.0.0', '3.1.0'], '3.1.0'],
  ])('%s picks from %j: %s', (range, tags, want) => {
    expect(semverPolicer(range)(tags)).toBe(want);
  });

  it('fails with Flux’s messages when no tag fits, and on an empty list', () => {
    expect(() => semverPolicer('>=5.0.0')(['1.0.0', 'main'])).toThrow('unable to determine latest version from provided list');
    expect(() => semverPolicer('>=1.0.0')([])).toThrow('version list argument cannot be empty');
  });

  it('refuses a range that is not one', () => {
    expect(() => semverPolicer('not a range')).toThrow(InvalidPolicyError);
  });

  it('picks a satisfying version that no other satisfying tag beats (model check)', () => {
    const version = fc.tuple(fc.nat(5), fc.nat(5), fc.nat(5), fc.option(fc.constantFrom('alpha', 'rc.1', 'rc.2'), { nil: undefined })).map(([a, b, c, pre]) => `${a}.${b}.${c}${pre ? `-${pre}` : ''}`);
    const tag = fc.oneof(version, version.map((v) => `v${v}`), fc.constantFrom('latest', 'main', '1.2'));
    const range = fc.tuple(fc.nat(5), fc.nat(5)).map(([a, b]) => `>=${a}.${b}.0`);
    fc.assert(
      fc.property(fc.array(tag, { maxLength: 15 }), range, (tags, r) => {
        const candidates = tags.filter((t) => {
          const v = semver.valid(t.replace(/^v/, ''));
          return v !== null && semver.prerelease(v) === null && semver.satisfies(v, r);
        });
        if (candidates.length === 0) {
          expect(() => semverPolicer(r)(tags)).toThrow();
          return;
        }
        const picked = semverPolicer(r)(tags);
        expect(candidates).toContain(picked);
        for (const c of candidates) expect(semver.gt(c.replace(/^v/, ''), picked.replace(/^v/, ''))).toBe(false);
      }),
    );
  });
});

describe('alphabetical policy', () => {
  it('asc takes the last tag in byte order, desc the first', () => {
    const tags = ['RELEASE.2024-01-01', 'RELEASE.2024-03-05', 'RELEASE.2023-12-31'];
    expect(alphabeticalPolicer('asc')(tags)).toBe('RELEASE.2024-03-05');
    expect(alphabeticalPolicer('desc')(tags)).toBe('RELEASE.2023-12-31');
    // Byte order: upper case sorts before lower case.
    expect(alphabeticalPolicer('asc')(['b', 'C', 'a'])).toBe('b');
  });

  it.each(['asc', 'desc'] as const)('%s: the pick is a candidate and none is better (model check)', (order) => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme-ascii', maxLength: 6 }), { minLength: 1, maxLength: 15 }), (tags) => {
        const picked = alphabeticalPolicer(order)(tags);
        expect(tags).toContain(picked);
        for (const t of tags) expect(order === 'asc' ? Buffer.compare(Buffer.from(t), Buffer.from(picked)) <= 0 : Buffer.compare(Buffer.from(t), Buffer.from(picked)) >= 0).toBe(true);
      }),
    );
  });
});

describe('numerical policy', () => {
  it('orders numbers, not strings; a non-number fails as Flux fails', () => {
    expect(numericalPolicer('asc')(['9', '10', '2'])).toBe('10');
    expect(numericalPolicer('desc')(['9', '10', '2'])).toBe('2');
    expect(numericalPolicer('asc')(['1.5', '-3', '1e2'])).toBe('1e2');
    expect(() => numericalPolicer('asc')(['1', 'latest'])).toThrow("failed to parse invalid numeric value 'latest'");
  });

  it.each(['asc', 'desc'] as const)('%s: the pick is a candidate and none is better (model check)', (order) => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 100000 }).map(String), { minLength: 1, maxLength: 15 }), (tags) => {
        const picked = numericalPolicer(order)(tags);
        expect(tags).toContain(picked);
        for (const t of tags) expect(order === 'asc' ? Number(t) <= Number(picked) : Number(t) >= Number(picked)).toBe(true);
      }),
    );
  });
});

describe('filterTags', () => {
  it('extracts a named group (Go syntax) and orders by it, answering with the original tag', () => {
    const tags = ['main-abc1234-1700000000', 'main-def5678-1700000500', 'main-0a0a0a0-999', 'feature-x-1800000000', 'latest'];
    expect(latestTag(tags, { numerical: { order: 'asc' } }, { pattern: '^main-[a-f0-9]+-(?P<ts>[0-9]+)', extract: '$ts' })).toBe('main-def5678-1700000500');
  });

  it('expands templates as Go’s Regexp.Expand does', () => {
    const m = compileGoRegexp('^(?P<major>\\d+)\\.(?P<minor>\\d+)').exec('12.34.5')!;
    expect(expandTemplate('$major-${minor}', m)).toBe('12-34');
    expect(expandTemplate('$1$2', m)).toBe('1234');
    expect(expandTemplate('$$x', m)).toBe('$x');
    expect(expandTemplate('$nothing', m)).toBe('');
    expect(expandTemplate('$majorx', m)).toBe('');
  });

  it('a pattern that does not compile is an invalid policy naming the field', () => {
    expect(() => filterTags(['a'], '(unclosed')).toThrow(InvalidPolicyError);
    expect(() => filterTags(['a'], '(unclosed')).toThrow(/spec\.filterTags\.pattern/);
  });

  it('with no tag left, the policy fails with Flux’s message', () => {
    expect(() => latestTag(['1.0.0'], { semver: { range: '*' } }, { pattern: '^nope$' })).toThrow('version list argument cannot be empty');
  });
});

describe('image names and scans', () => {
  it.each([
    ['alpine', 'index.docker.io/library/alpine', 'https'],
    ['docker.io/fluxcd/flux', 'index.docker.io/fluxcd/flux', 'https'],
    ['ghcr.io/org/app', 'ghcr.io/org/app', 'https'],
    ['127.0.0.1:5000/org/app', '127.0.0.1:5000/org/app', 'http'],
    ['localhost:5000/app', 'localhost:5000/app', 'http'],
  ])('%s is %s over %s', (image, canonical, scheme) => {
    expect(parseImageName(image)).toMatchObject({ canonical, scheme });
  });

  it.each(['ghcr.io/org/app:1.0', 'ghcr.io/org/app@sha256:abc', 'https://ghcr.io/org/app', 'ghcr.io/Org/App'])('refuses %s', (image) => {
    expect(() => parseImageName(image)).toThrow();
  });

  it('drops excluded tags and lists the 10 greatest in reverse byte order', () => {
    const tags = [...Array.from({ length: 12 }, (_, i) => `1.${i}.0`), '1.0.0.sig', 'sha256-abc.sig'];
    const r = summariseTags(tags, compileExclusions(DEFAULT_EXCLUSION_LIST));
    expect(r.tagCount).toBe(12);
    expect(r.latestTags).toEqual(['1.9.0', '1.8.0', '1.7.0', '1.6.0', '1.5.0', '1.4.0', '1.3.0', '1.2.0', '1.11.0', '1.10.0']);
    expect(summariseTags([...tags].reverse(), compileExclusions(DEFAULT_EXCLUSION_LIST)).revision).toBe(r.revision);
    expect(summariseTags([...tags, '2.0.0'], compileExclusions(DEFAULT_EXCLUSION_LIST)).revision).not.toBe(r.revision);
  });
});

describe('Go regexp syntax', () => {
  it.each([
    ['^v\\-(?P<n>\\d+)$', 'v-12', true],
    ['\\A1\\.\\d+\\z', '1.25', true],
    ['\\A1\\.\\d+\\z', 'x1.25', false],
    ['(?i)^main', 'MAIN-1', true],
  ])('%s against %s: %s', (pattern, tag, matches) => {
    expect(compileGoRegexp(pattern).test(tag)).toBe(matches);
  });

  it.each(['(a)\\1', '^(?=a)', '(?<!a)b'])('refuses %s as RE2 does', (pattern) => {
    expect(() => compileGoRegexp(pattern)).toThrow();
  });
});

describe('policy from spec', () => {
  it('an invalid semver range is an invalid policy, with Flux’s prefix', () => {
    expect(() => latestTag(['1.0.0'], { semver: { range: 'nope' } })).toThrow(/^invalid policy: improper constraint: nope$/);
  });
});
