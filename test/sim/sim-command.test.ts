import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

const example = path.resolve(__dirname, '../../docs/example-repo');

async function fluxion(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await main(args, { stdout, stderr, cwd, env: process.env });
  return { code, out, err };
}

describe('fluxion sim', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'fluxion-simcmd-'));
    cpSync(example, path.join(dir, 'repo'), { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('--repo --path --until-ready reconciles a bootstrap layout from the files on disk and exits 0', async () => {
    const r = await fluxion(['sim', '--repo', 'repo', '--path', 'clusters/demo', '--until-ready', '--timeout', '60s'], dir);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toMatch(/Kustomization\/flux-system\/apps {2}Ready=True {2}ReconciliationSucceeded {2}Applied revision: sha256:[0-9a-f]{64}/);
    expect(r.out).toContain('  └ web_web_apps_Deployment');
    expect(r.out).toMatch(/all 4 Flux objects Ready in [\d.]+ s/);
  });

  it('exits 1 and says why when an object is Stalled', async () => {
    writeFileSync(path.join(dir, 'repo/clusters/demo/apps.yaml'), 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  interval: 1d\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n');
    const r = await fluxion(['sim', '--repo', 'repo', '--path', 'clusters/demo', '--until-ready', '--timeout', '60s'], dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain('stalled:');
    expect(r.out).toMatch(/Kustomization\/flux-system\/apps {2}Ready=False {2}InvalidSpec {2}spec.interval: invalid duration "1d"/);
  });

  it('exits 1 at the timeout listing what is not Ready', async () => {
    execFileSync('sh', ['-c', `sed -i 's/podinfo:6.7.0/example.com\\/fail:1/' ${path.join(dir, 'repo/apps/base/web/deployment.yaml')}`]);
    const r = await fluxion(['sim', '--repo', 'repo', '--path', 'clusters/demo', '--until-ready', '--timeout', '3s'], dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain('timed out after 3s; not Ready:');
    expect(r.out).toContain('Kustomization/flux-system/apps');
  });

  it('applies manifest files and directories given on the command line', async () => {
    writeFileSync(
      path.join(dir, 'flux.yaml'),
      `apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: local\n  namespace: flux-system\nspec:\n  interval: 1m\n  url: ${path.join(dir, 'repo')}\n---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: infra\n  namespace: flux-system\nspec:\n  interval: 1m\n  path: ./infrastructure\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: local\n`,
    );
    const r = await fluxion(['sim', '--until-ready', 'flux.yaml'], dir);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toContain('  └ _web__Namespace');
  });

  it.each([
    [['sim', '--repo', 'repo'], '--repo needs --path'],
    [['sim', '--bogus'], 'unknown flag --bogus'],
    [['sim', 'missing.yaml'], 'no such file or directory'],
    [['sim', '--timeout', '1d', 'x'], '--timeout: invalid duration'],
    [['sim'], 'nothing to run'],
  ])('%j fails with a clear message', async (args, message) => {
    const r = await fluxion(args, dir);
    expect(r.code).toBe(1);
    expect(r.err).toContain(message);
  });
});
