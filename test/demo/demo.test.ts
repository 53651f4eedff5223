import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../src/demo/run-demo.js';

describe('npm run demo', () => {
  it('bootstraps, deploys, corrects drift, prunes and survives a bad commit, against a real git server and the simulator', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    const code = await runDemo(out);
    expect(code, text).toBe(0);
    for (const phase of ['== 1.', '== 2.', '== 3.', '== 4.', '== 5.', '== 6.', '== 7.']) expect(text).toContain(phase);
    expect(text).toMatch(/Kustomization\/apps {2}Ready=True \(ReconciliationSucceeded\) {2}Applied revision: main@sha1:[0-9a-f]{40}/);
    expect(text).toContain('Deployment/web/web replicas=2 ready=2 image=ghcr.io/stefanprodan/podinfo:6.7.0');
    expect(text).toContain('git-upload-pack requests: 1 (ls-refs only); Deployment resourceVersion unchanged: true');
    expect(text).toContain('replicas=3 ready=3 image=ghcr.io/stefanprodan/podinfo:6.7.1');
    expect(text).toMatch(/corrected: +Deployment\/web\/web replicas=3 .* ms later, no interval, no request/);
    expect(text).toContain('Service/web/web deleted');
    expect(text).toMatch(/Kustomization\/apps Ready=False \(BuildFailed\) kustomize build failed: apps\/base\/web\/deployment.yaml:4/);
    expect(text).toContain('nothing pruned, nothing changed: true');
    expect(text).toContain('every Kustomization Ready again');
  });
});
