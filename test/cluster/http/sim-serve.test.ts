import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { spawn } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { oracles } from '../../helpers/oracles.js';
import { running } from './harness.js';

describe('fluxion sim --serve', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'fluxion-sim-serve-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('serves the simulator it runs, writes a kubeconfig, and stops when aborted', async () => {
    await writeFile(
      path.join(dir, 'objects.yaml'),
      `apiVersion: v1
kind: Namespace
metadata: {name: apps}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: apps}
data: {color: blue}
`,
    );
    const stdout = new PassThrough();
    const out = running({ stdout, stderr: new PassThrough(), on: () => undefined, off: () => undefined } as never);
    const abort = new AbortController();
    const exit = main(['sim', '--serve', '0', '--kubeconfig', 'kc.yaml', 'objects.yaml'], { stdout, stderr: process.stderr, cwd: dir, env: {}, signal: abort.signal });
    const text = await out.until(/applied 2 objects/);
    const url = /serving the Kubernetes API at (http:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1];
    expect(url).toBeDefined();
    expect(await readFile(path.join(dir, 'kc.yaml'), 'utf8')).toContain(`server: ${url}`);
    const { kubectl } = await oracles();
    const child = running(spawn(kubectl, ['--kubeconfig', path.join(dir, 'kc.yaml'), '--cache-dir', path.join(dir, 'cache'), 'get', 'configmap', 'settings', '-n', 'apps', '-o', 'jsonpath={.data.color}'], { env: { PATH: process.env.PATH ?? '', HOME: dir } }));
    const got = await new Promise<number | null>((resolve) => child.child.on('close', resolve));
    expect(got).toBe(0);
    expect(child.stdout).toBe('blue');
    abort.abort();
    expect(await exit).toBe(0);
  });

  it('rejects --kubeconfig without --serve and a bad port', async () => {
    const stderr = new PassThrough();
    let err = '';
    stderr.on('data', (d: Buffer) => (err += d.toString()));
    expect(await main(['sim', '--kubeconfig', 'x', 'y.yaml'], { stdout: new PassThrough(), stderr, cwd: dir, env: {} })).toBe(1);
    expect(await main(['sim', '--serve', 'eighty', 'y.yaml'], { stdout: new PassThrough(), stderr, cwd: dir, env: {} })).toBe(1);
    expect(err).toContain('--kubeconfig needs --serve PORT');
    expect(err).toContain('--serve wants a port number');
  });
});
