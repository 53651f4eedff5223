/**
 * `spec.pathPattern` (directory discovery): every directory of the source matching
 * `@alias/apps/{app}/envs/{env}` renders the artifact entries with its captures — lowercased in
 * names and labels, as found in copy paths — and bad captures or colliding names are terminal.
 */
import { describe, expect, it } from 'vitest';
import { FileTree } from '../../src/sources/generator/glob.js';
import type { ArtifactTemplate } from '../../src/sources/generator/path-pattern.js';
import { PathPatternError, expandArtifacts, renderTemplate } from '../../src/sources/generator/path-pattern.js';

const tree = (paths: string[]): FileTree => new FileTree(new Map(paths.map((p) => [p, Buffer.from(p)])));
const sources = (paths: string[]) => new Map([['mono', tree(paths)]]);
const template: ArtifactTemplate = { name: '{app}-{env}', copy: [{ from: '@mono/apps/{app}/envs/{env}/**', to: '@artifact/' }] };

describe('path patterns', () => {
  it('renders one request per matching directory, in walk order, with the captures as labels', () => {
    const out = expandArtifacts('@mono/apps/{app}/envs/{env}', [template], sources(['apps/Auth/envs/prod/a.yaml', 'apps/auth-ui/envs/dev/b.yaml', 'apps/web/envs/dev/c.yaml', 'apps/web/README.md', 'other/x.yaml']));
    expect(out).toEqual([
      { index: 0, labels: { app: 'auth', env: 'prod' }, artifact: { name: 'auth-prod', copy: [{ from: '@mono/apps/Auth/envs/prod/**', to: '@artifact/' }] } },
      { index: 0, labels: { app: 'auth-ui', env: 'dev' }, artifact: { name: 'auth-ui-dev', copy: [{ from: '@mono/apps/auth-ui/envs/dev/**', to: '@artifact/' }] } },
      { index: 0, labels: { app: 'web', env: 'dev' }, artifact: { name: 'web-dev', copy: [{ from: '@mono/apps/web/envs/dev/**', to: '@artifact/' }] } },
    ]);
  });

  it('without a pattern the entries are taken as they are', () => {
    expect(expandArtifacts(undefined, [template], sources([]))).toEqual([{ artifact: template, index: 0 }]);
  });

  it.each([
    ['two directories that differ only in case', ['apps/Auth/envs/prod/a', 'apps/auth/envs/prod/b'], '@mono/apps/{app}/envs/{env}', /directories "apps\/Auth\/envs\/prod" and "apps\/auth\/envs\/prod" both resolve to artifact name "auth-prod"/],
    ['a captured value that is no label value', ['apps/.hidden/envs/prod/a'], '@mono/apps/{app}/envs/{env}', /captured value ".hidden" for variable "app" is not a valid Kubernetes label value/],
    ['a duplicate capture', ['apps/a/envs/b/x'], '@mono/apps/{app}/envs/{app}', /duplicate capture variable "app"/],
    ['an unclosed capture', ['apps/a/x'], '@mono/apps/{app', /missing closing brace/],
    ['an unknown alias', ['apps/a/x'], '@other/apps/{app}', /source alias other not found/],
  ])('%s is a terminal error', (_n, paths, pattern, message) => {
    expect(() => expandArtifacts(pattern, [{ ...template, name: '{app}-{env}' }], sources(paths))).toThrow(PathPatternError);
    expect(() => expandArtifacts(pattern, [{ ...template, name: '{app}-{env}' }], sources(paths))).toThrow(message);
  });

  it('a template naming a capture the pattern does not define is an error', () => {
    expect(() => renderTemplate('{team}', { app: 'a' })).toThrow(/capture variable "team" is not defined by pathPattern/);
    expect(() => expandArtifacts('@mono/apps/{app}', [{ name: '{app}-{team}', copy: [] }], sources(['apps/web/x']))).toThrow(/failed to render artifact \{app\}-\{team\} for match apps\/web/);
  });
});
