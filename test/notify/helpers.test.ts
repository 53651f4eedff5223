/** The small text rules Flux's notifiers apply: reason words, commit hashes, git addresses, title case. */
import { describe, expect, it } from 'vitest';
import { commitOf, describeReason, parseGitAddress } from '../../src/notify/commit-status.js';
import { titleCase } from '../../src/notify/providers.js';
import { goJson } from '../../src/notify/event.js';

describe('notifier text rules', () => {
  it.each([
    ['BuildFailed', 'build failed'],
    ['HealthCheckFailed', 'health check failed'],
    ['ReconciliationSucceeded', 'reconciliation succeeded'],
    ['HTTPServerError', 'http server error'],
    ['Error404Found', 'error 404 found'],
  ])('describeReason(%s) = %s', (reason, words) => expect(describeReason(reason)).toBe(words));

  it.each([
    ['main@sha1:0123456789abcdef0123456789abcdef01234567', '0123456789abcdef0123456789abcdef01234567'],
    ['sha1:0123456789abcdef0123456789abcdef01234567', '0123456789abcdef0123456789abcdef01234567'],
    ['main/0123456789abcdef0123456789abcdef01234567', '0123456789abcdef0123456789abcdef01234567'],
  ])('commitOf(%s)', (rev, sha) => expect(commitOf(rev)).toBe(sha));

  it('refuses a revision without a commit (an OCI digest is not a commit)', () => {
    expect(() => commitOf('latest@sha256:abc')).toThrow(/failed to extract commit hash/);
  });

  it.each([
    ['https://github.com/org/repo.git', { host: 'https://github.com', id: 'org/repo' }],
    ['ssh://git@github.com/org/repo', { host: 'https://github.com', id: 'org/repo' }],
    ['git@gitlab.com:group/sub/repo.git', { host: 'https://gitlab.com', id: 'group/sub/repo' }],
    ['http://127.0.0.1:8080/org/repo', { host: 'http://127.0.0.1:8080', id: 'org/repo' }],
  ])('parseGitAddress(%s)', (addr, want) => expect(parseGitAddress(addr)).toEqual(want));

  it('title-cases as Go cases.Title does', () => {
    expect(titleCase('BuildFailed')).toBe('Buildfailed');
    expect(titleCase('health check failed')).toBe('Health Check Failed');
  });

  it('writes JSON as Go does: map keys sorted, HTML characters escaped', () => {
    expect(goJson({ b: 1, metadata: { z: 'a<b>&c', a: '\u2028' } })).toBe('{"b":1,"metadata":{"a":"\\u2028","z":"a\\u003cb\\u003e\\u0026c"}}');
  });
});
