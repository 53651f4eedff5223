import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { controllerFlags, parseAddr } from '../../src/cli/commands/controller.js';
import { parseFlags } from '../../src/cli/flags.js';
import { installManifests } from '../../src/cli/install.js';
import { main } from '../../src/cli/main.js';
import { runFluxion } from '../helpers/cli.js';

describe('fluxion controller', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'fluxion-ctl-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('takes the arguments `fluxion install` gives its Deployment, with Flux defaults', () => {
    const deploy = installManifests({ args: ['--watch-label-selector=sharding.fluxcd.io/key=shard1'] }).find((o) => o.kind === 'Deployment');
    const args = (deploy?.spec as { template: { spec: { containers: { args: string[] }[] } } }).template.spec.containers[0]!.args;
    const { values, args: rest } = parseFlags(args.slice(1), controllerFlags, { RUNTIME_NAMESPACE: 'flux-system' });
    expect(rest).toEqual([]);
    expect(values).toMatchObject({
      namespace: 'flux-system',
      'enable-leader-election': true,
      'watch-all-namespaces': true,
      'watch-label-selector': 'sharding.fluxcd.io/key=shard1',
      'leader-election-lease-duration': 35_000,
      'kube-api-qps': 50,
      'kube-api-burst': 100,
      concurrent: 4,
      'storage-path': '/data',
    });
    expect(parseAddr(values['health-addr'] as string)).toEqual({ host: '0.0.0.0', port: 9440 });
    expect(parseAddr('127.0.0.1:0')).toEqual({ host: '127.0.0.1', port: 0 });
  });

  it('rejects a malformed kubeconfig naming the file', async () => {
    const file = path.join(dir, 'kubeconfig');
    writeFileSync(file, 'apiVersion: v1\nclusters: [unclosed\n');
    const r = await runFluxion(['controller', '--kubeconfig', file], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.err).toContain(file);
  });

  it('keeps retrying an unreachable API server with /readyz failing, and stops on request with exit 0', async () => {
    // A port that refuses connections: bound, then closed.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const file = path.join(dir, 'kubeconfig');
    writeFileSync(
      file,
      `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: http://127.0.0.1:${port}\n    insecure-skip-tls-verify: true\nusers:\n- name: u\n  user:\n    token: t\ncontexts:\n- name: x\n  context:\n    cluster: c\n    user: u\ncurrent-context: x\n`,
    );
    const stderr = new PassThrough();
    let err = '';
    const healthAddr = new Promise<string>((resolve) => {
      stderr.on('data', (c: Buffer) => {
        err += c.toString();
        const m = /"healthAddr":"([^"]+)"/.exec(err);
        if (m && /unable to reach the API server/.test(err)) resolve(m[1]!);
      });
    });
    const abort = new AbortController();
    const done = main(['controller', '--kubeconfig', file, '--health-addr', '127.0.0.1:0', '--metrics-addr', '127.0.0.1:0', '--receiver-addr', '127.0.0.1:0'], { stdout: new PassThrough(), stderr, cwd: dir, env: {}, signal: abort.signal });
    const addr = await healthAddr;
    const ready = await fetch(`http://${addr}/readyz`);
    expect(ready.status).toBe(500);
    expect((await fetch(`http://${addr}/healthz`)).status).toBe(200);
    abort.abort();
    expect(await done).toBe(0);
    const lines = err.trim().split('\n').map((l) => JSON.parse(l) as { level: string; msg: string; error?: string });
    expect(lines.find((l) => l.msg === 'unable to reach the API server, retrying')).toMatchObject({ level: 'error' });
  });
});
