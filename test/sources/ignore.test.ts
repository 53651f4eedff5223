import { describe, expect, it } from 'vitest';
import { ignoreRules, rootPattern } from '../../src/sources/ignore.js';

describe('source ignore rules', () => {
  const none = new Map<string, string>();

  it.each([
    ['.git/config', true],
    ['logo.png', true],
    ['docs/img/a.jpg', true],
    ['.github/workflows/ci.yaml', true],
    ['deploy/.sops.yaml', true],
    ['release.tar.gz', true],
    ['deploy/app.yaml', false],
    ['README.md', false],
  ])("Flux's defaults: %s ignored=%s", (p, ignored) => {
    expect(ignoreRules(none, undefined).ignores(p)).toBe(ignored);
  });

  it('spec.ignore replaces every default except the VCS ones', () => {
    const rules = ignoreRules(none, '/*\n!/deploy\n');
    expect(rules.ignores('README.md')).toBe(true);
    expect(rules.ignores('deploy/logo.png')).toBe(false);
    expect(rules.ignores('.gitignore')).toBe(true);
  });

  it('a .sourceignore applies below its own directory only', () => {
    const rules = ignoreRules(new Map([['apps', '*.md\n/local.yaml\ntests/\n']]), undefined);
    expect(rules.ignores('apps/README.md')).toBe(true);
    expect(rules.ignores('apps/web/notes.md')).toBe(true);
    expect(rules.ignores('README.md')).toBe(false);
    expect(rules.ignores('apps/local.yaml')).toBe(true);
    expect(rules.ignores('apps/web/local.yaml')).toBe(false);
    expect(rules.ignores('apps/web/tests/x.yaml')).toBe(true);
    // Any pattern drops the non-VCS defaults, as in Flux.
    expect(rules.ignores('logo.png')).toBe(false);
  });

  it.each([
    ['*.md', 'a/b', 'a/b/**/*.md'],
    ['/x.yaml', 'a', 'a/x.yaml'],
    ['c/d', 'a', 'a/c/d'],
    ['!keep.md', 'a', '!a/**/keep.md'],
    ['x', '', 'x'],
  ])('re-roots %s from %s as %s', (pattern, dir, expected) => {
    expect(rootPattern(pattern, dir)).toBe(expected);
  });
});
