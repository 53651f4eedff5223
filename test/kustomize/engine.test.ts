/** The library surface: in-memory builds, confinement, Flux's generated kustomization, typed errors, the CLI. */
import { rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { kustomizeCommand } from '../../src/cli/commands/kustomize.js';
import { build, buildYaml, diskFs, emitYaml, KustomizeError, memoryFs } from '../../src/kustomize/index.js';
import { goKeyLess } from '../../src/kustomize/emit.js';
import { kubectlKustomize, writeTree } from './oracle.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  k: v\n`;

function errorOf(fn: () => unknown): KustomizeError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(KustomizeError);
    return e as KustomizeError;
  }
  throw new Error('expected a KustomizeError');
}

describe('build over an in-memory filesystem', () => {
  it('builds an overlay and returns objects', () => {
    const fs = memoryFs({
      '/base/kustomization.yaml': 'resources:\n- cm.yaml\n',
      '/base/cm.yaml': cm('settings'),
      '/app/kustomization.yaml': 'resources:\n- ../base\nnamePrefix: x-\nnamespace: ns\n',
    });
    const objs = build(fs, '/app');
    expect(objs).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x-settings', namespace: 'ns' }, data: { k: 'v' } }]);
  });

  it('refuses paths that escape the root', () => {
    const fs = memoryFs({ '/root/app/kustomization.yaml': 'resources:\n- ../../etc/passwd\n' }, '/root');
    const e = errorOf(() => build(fs, '/root/app'));
    expect(e.message).toMatch(/not in or below/);
    expect(e.file).toBe('app/kustomization.yaml');
  });

  it('names file and line of malformed YAML', () => {
    const fs = memoryFs({ '/kustomization.yaml': 'resources:\n- a.yaml\n', '/a.yaml': 'kind: ConfigMap\nmetadata:\n  name: [x\n' });
    const e = errorOf(() => build(fs, '/'));
    expect(e.file).toBe('a.yaml');
    expect(e.line).toBeGreaterThan(0);
  });

  it('rejects remote resources without touching the network', () => {
    const fs = memoryFs({ '/kustomization.yaml': 'resources:\n- https://github.com/org/repo//dir?ref=v1\n' });
    expect(errorOf(() => build(fs, '/')).message).toMatch(/remote resource/);
  });

  it('reports a cycle between bases', () => {
    const fs = memoryFs({ '/a/kustomization.yaml': 'resources:\n- ../b\n', '/b/kustomization.yaml': 'resources:\n- ../a\n' });
    expect(errorOf(() => build(fs, '/a')).message).toMatch(/cycle detected: a -> b -> a/);
  });

  it('never returns a partial result on duplicates', () => {
    const fs = memoryFs({ '/kustomization.yaml': 'resources:\n- a.yaml\n- b.yaml\n', '/a.yaml': cm('x'), '/b.yaml': cm('x') });
    expect(errorOf(() => build(fs, '/')).message).toMatch(/already registered id/);
  });
});

describe('on-disk filesystem confinement', () => {
  it('refuses a symlink that points outside the root', async () => {
    const outside = await writeTree({ 'secret.yaml': cm('secret') });
    const root = await writeTree({ 'kustomization.yaml': 'resources:\n- link.yaml\n' });
    dirs.push(outside, root);
    await symlink(path.join(outside, 'secret.yaml'), path.join(root, 'link.yaml'));
    expect(errorOf(() => buildYaml(diskFs(root), root)).message).toMatch(/outside the root/);
  });
});

describe('Flux: a directory without kustomization.yaml', () => {
  it('generates one from every manifest, recursively, and matches kubectl on the equivalent', async () => {
    const files = {
      'a.yaml': cm('a'),
      'sub/b.yml': cm('b'),
      'sub/notes.yaml': 'just: data\n',
      'nested/kustomization.yaml': 'resources:\n- c.yaml\nnamePrefix: n-\n',
      'nested/c.yaml': cm('c'),
      'README.md': '# not a manifest\n',
    };
    const root = await writeTree(files);
    dirs.push(root);
    const ours = buildYaml(diskFs(root), root, { generateMissing: true });
    await writeFile(path.join(root, 'kustomization.yaml'), 'resources:\n- a.yaml\n- nested\n- sub/b.yml\n');
    const want = await kubectlKustomize(root);
    expect(want.ok).toBe(true);
    expect(ours).toBe(want.stdout);
  });

  it('errors without the option, like kubectl', () => {
    const fs = memoryFs({ '/app/a.yaml': cm('a') });
    expect(errorOf(() => build(fs, '/app')).message).toMatch(/unable to find one of 'kustomization.yaml'/);
  });
});

describe('emitter', () => {
  it('orders keys as go-yaml does: digit runs numerically, letters after other runes', () => {
    expect(goKeyLess('a2', 'a10')).toBe(true);
    expect(goKeyLess('A_FIRST', 'ANOTHER')).toBe(true);
    expect(emitYaml({ b: 1, a: { d: [], c: {} } })).toBe('a:\n  c: {}\n  d: []\nb: 1\n');
  });

  it('go-yaml key order is a strict order (fast-check)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        if (a === b) return !goKeyLess(a, b);
        return !(goKeyLess(a, b) && goKeyLess(b, a));
      }),
    );
  });
});

describe('fluxion kustomize (CLI)', () => {
  async function run(argv: string[], cwd: string) {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (c) => (out += c));
    stderr.on('data', (c) => (err += c));
    const code = await kustomizeCommand.run(argv, { stdout, stderr, cwd, env: {} });
    return { code, out, err };
  }

  it('prints exactly what kubectl kustomize prints', async () => {
    const root = await writeTree({ 'app/kustomization.yaml': 'resources:\n- cm.yaml\ncommonLabels:\n  a: b\n', 'app/cm.yaml': cm('x') });
    dirs.push(root);
    const r = await run(['app'], root);
    expect(r.code).toBe(0);
    expect(r.out).toBe((await kubectlKustomize(path.join(root, 'app'))).stdout);
  });

  it('exits 1 with the file named on bad input', async () => {
    const root = await writeTree({ 'kustomization.yaml': 'resources:\n- gone.yaml\n' });
    dirs.push(root);
    const r = await run(['.'], root);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/kustomization.yaml: .*gone.yaml/);
  });

  it('honours --load-restrictor LoadRestrictionsNone', async () => {
    const root = await writeTree({ 'app/kustomization.yaml': 'resources:\n- ../shared.yaml\n', 'shared.yaml': cm('s') });
    dirs.push(root);
    expect((await run(['app'], root)).code).toBe(1);
    const r = await run(['--load-restrictor', 'LoadRestrictionsNone', 'app'], root);
    expect(r.code).toBe(0);
    expect(r.out).toBe((await kubectlKustomize(path.join(root, 'app'), ['--load-restrictor=LoadRestrictionsNone'])).stdout);
  });
});

describe('tryBuild', () => {
  it('returns the error as a value', async () => {
    const { tryBuild } = await import('../../src/kustomize/index.js');
    const r = tryBuild(memoryFs({ '/kustomization.yaml': 'resources:\n- nope.yaml\n' }), '/');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.file).toBe('kustomization.yaml');
  });
});
