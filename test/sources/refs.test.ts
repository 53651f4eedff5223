import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import semver from 'semver';
import { resolveRef } from '../../src/sources/git/refs.js';
import type { RemoteRef } from '../../src/sources/git/refs.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const T = 'd'.repeat(40);
const refs: RemoteRef[] = [
  { ref: 'HEAD', oid: A },
  { ref: 'refs/heads/main', oid: A },
  { ref: 'refs/heads/dev', oid: B },
  { ref: 'refs/tags/v1.0.0', oid: T, peeled: C },
  { ref: 'refs/tags/v1.2.0', oid: B },
  { ref: 'refs/tags/v2.0.0-rc.1', oid: A },
  { ref: 'refs/tags/not-semver', oid: A },
];

describe('resolving spec.ref against the remote refs', () => {
  it.each([
    [{}, A, `master@sha1:${A}`, 'missing'],
    [{ branch: 'main' }, A, `main@sha1:${A}`, ''],
    [{ branch: 'dev' }, B, `dev@sha1:${B}`, ''],
    [{ tag: 'v1.0.0' }, C, `v1.0.0@sha1:${C}`, ''],
    [{ semver: '>=1.0.0' }, B, `v1.2.0@sha1:${B}`, ''],
    [{ semver: '~1.0' }, C, `v1.0.0@sha1:${C}`, ''],
    [{ semver: '>=2.0.0-rc.0' }, A, `v2.0.0-rc.1@sha1:${A}`, ''],
    [{ name: 'refs/heads/dev' }, B, `refs/heads/dev@sha1:${B}`, ''],
    [{ commit: C }, C, `sha1:${C}`, ''],
    [{ commit: C, branch: 'main' }, C, `main@sha1:${C}`, ''],
    [{ branch: 'main', tag: 'v1.0.0' }, C, `v1.0.0@sha1:${C}`, ''],
    [{ tag: 'v1.0.0', semver: '>=1.1' }, B, `v1.2.0@sha1:${B}`, ''],
    [{ semver: '>=1', name: 'refs/heads/dev' }, B, `refs/heads/dev@sha1:${B}`, ''],
  ])('%j → %s', (spec, commit, revision, missing) => {
    if (missing) {
      expect(() => resolveRef(spec, refs)).toThrow("branch 'master' not found");
      return;
    }
    const r = resolveRef(spec, refs);
    expect(r.commit).toBe(commit);
    expect(r.revision).toBe(revision);
  });

  it('fails clearly for a tag that does not exist and a range nothing satisfies', () => {
    expect(() => resolveRef({ tag: 'v9' }, refs)).toThrow("tag 'v9' not found in the remote repository");
    expect(() => resolveRef({ semver: '>=5' }, refs)).toThrow("no tag matching semver range '>=5'");
  });

  it('semver picks the highest satisfying tag, whatever the order of the advertisement', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(fc.nat(3), fc.nat(3), fc.nat(3)), { minLength: 1, maxLength: 12, selector: (t) => t.join('.') }), fc.constantFrom('>=0.0.0', '<2.0.0', '^1.0.0', '~0.2', '>=1.1.0 <3.0.0'), (versions, range) => {
        const advertised = versions.map(([a, b, c], i) => ({ ref: `refs/tags/v${a}.${b}.${c}`, oid: i.toString(16).padStart(40, '0') }));
        const best = semver.maxSatisfying(versions.map((v) => v.join('.')), range);
        if (!best) {
          expect(() => resolveRef({ semver: range }, advertised)).toThrow(/no tag matching/);
          return;
        }
        expect(resolveRef({ semver: range }, advertised).revision.startsWith(`v${best}@sha1:`)).toBe(true);
      }),
    );
  });
});
