/**
 * `reconcile`, `suspend` and `resume` against the served simulator, with a stand-in controller
 * answering the request annotation (and, in the last test, the real engine with a Git server).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/meta.js';
import type { CliHarness } from './harness.js';
import { startCliHarness } from './harness.js';
import { startFakeController } from './fake-controller.js';
import type { Behaviour } from './fake-controller.js';

const REV = 'main@sha1:0123456789abcdef0123456789abcdef01234567';
const gitRef = (name: string) => ({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', name, namespace: 'flux-system' });
const ksRef = (name: string) => ({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name, namespace: 'flux-system' });

const git = (name: string): KubeObject => ({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name, namespace: 'flux-system' }, spec: { url: 'https://example.com/repo', interval: '1m', ref: { branch: 'main' } } });
const ks = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  metadata: { name, namespace: 'flux-system' },
  spec: { interval: '10m', path: './', prune: true, sourceRef: { kind: 'GitRepository', name: 'podinfo' }, ...extra },
});

describe('reconcile, suspend, resume', () => {
  let h: CliHarness;
  let controller: { stop(): void };
  beforeAll(async () => {
    h = await startCliHarness();
    const behaviours: Record<string, Behaviour> = {
      podinfo: { ready: true, revision: REV },
      apps: { ready: true, revision: REV },
      broken: { ready: false, reason: 'BuildFailed', message: "kustomize build failed: accumulating resources: 'missing.yaml' not found" },
      silent: 'silent',
      bitnami: { ready: true, revision: 'sha256:1b4a8c0f0e0d3f8b9a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a' },
      'flux-system-redis': { ready: true, revision: '18.1.0' },
      redis: { ready: true, revision: '18.1.0' },
    };
    controller = await startFakeController(h.cluster, (o) => behaviours[o.metadata.name] ?? 'silent');
    for (const o of [git('podinfo'), git('silent'), ks('apps'), ks('broken'), ks('frozen', { suspend: true })]) await h.cluster.create(o);
    await h.cluster.create({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', metadata: { name: 'bitnami', namespace: 'flux-system' }, spec: { url: 'https://charts.bitnami.com/bitnami', interval: '1h' } });
    await h.cluster.create({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmChart', metadata: { name: 'flux-system-redis', namespace: 'flux-system' }, spec: { chart: 'redis', version: '18.x', interval: '5m', sourceRef: { kind: 'HelmRepository', name: 'bitnami' } } });
    await h.cluster.create({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'redis', namespace: 'flux-system' }, spec: { interval: '5m', chart: { spec: { chart: 'redis', version: '18.x', sourceRef: { kind: 'HelmRepository', name: 'bitnami' } } } } });
  });
  afterAll(async () => {
    controller.stop();
    await h.close();
  });

  it('reconcile kustomization --with-source annotates the source, then the Kustomization, and waits for each', async () => {
    const r = await h.run(['reconcile', 'kustomization', 'apps', '--with-source']);
    expect(r).toEqual({
      code: 0,
      out: '',
      err: `► annotating GitRepository podinfo in flux-system namespace
✔ GitRepository annotated
◎ waiting for GitRepository reconciliation
✔ fetched revision ${REV}
► annotating Kustomization apps in flux-system namespace
✔ Kustomization annotated
◎ waiting for Kustomization reconciliation
✔ applied revision ${REV}
`,
    });
    const obj = (await h.cluster.get(ksRef('apps')))!;
    const requested = obj.metadata.annotations?.['reconcile.fluxcd.io/requestedAt'];
    expect(requested).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect((obj.status as { lastHandledReconcileAt?: string }).lastHandledReconcileAt).toBe(requested);
  });

  it('reconcile helmrelease --with-source reconciles the HelmRepository, then the chart, then the release', async () => {
    const r = await h.run(['reconcile', 'hr', 'redis', '--with-source', '--force']);
    expect(r).toEqual({
      code: 0,
      out: '',
      err: `► annotating HelmRepository bitnami in flux-system namespace
✔ HelmRepository annotated
◎ waiting for HelmRepository reconciliation
✔ fetched revision sha256:1b4a8c0f0e0d3f8b9a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a
► annotating HelmChart flux-system-redis in flux-system namespace
✔ HelmChart annotated
◎ waiting for HelmChart reconciliation
✔ fetched revision 18.1.0
► annotating HelmRelease redis in flux-system namespace
✔ HelmRelease annotated
◎ waiting for HelmRelease reconciliation
✔ applied revision 18.1.0
`,
    });
    const hr = (await h.cluster.get({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', name: 'redis', namespace: 'flux-system' }))!;
    expect(hr.metadata.annotations?.['reconcile.fluxcd.io/forceAt']).toBe(hr.metadata.annotations?.['reconcile.fluxcd.io/requestedAt']);
  });

  it('reconcile source git waits for the new request only, not an earlier one', async () => {
    const before = (await h.cluster.get(gitRef('podinfo')))!.metadata.annotations?.['reconcile.fluxcd.io/requestedAt'];
    const r = await h.run(['reconcile', 'source', 'git', 'podinfo']);
    expect(r.code).toBe(0);
    expect(r.err.split('\n').at(-2)).toBe(`✔ fetched revision ${REV}`);
    expect((await h.cluster.get(gitRef('podinfo')))!.metadata.annotations?.['reconcile.fluxcd.io/requestedAt']).not.toBe(before);
  });

  it('exits 1 with flux’s ✗ line when the reconciliation fails', async () => {
    expect(await h.run(['reconcile', 'ks', 'broken'])).toEqual({
      code: 1,
      out: '',
      err: `► annotating Kustomization broken in flux-system namespace
✔ Kustomization annotated
◎ waiting for Kustomization reconciliation
✗ Kustomization reconciliation failed: kustomize build failed: accumulating resources: 'missing.yaml' not found
`,
    });
  });

  it('exits 1 when --timeout passes before the controller answers', async () => {
    const r = await h.run(['reconcile', 'source', 'git', 'silent', '--timeout', '300ms']);
    expect(r.code).toBe(1);
    expect(r.err.split('\n').slice(-2)).toEqual(['✗ context deadline exceeded', '']);
  });

  it.each([
    [['reconcile', 'ks', 'frozen'], '✗ resource is suspended\n'],
    [['reconcile', 'ks', 'nope'], '✗ kustomizations.kustomize.toolkit.fluxcd.io "nope" not found\n'],
    [['reconcile', 'ks'], '✗ Kustomization name is required\n'],
    [['reconcile', 'bucket', 'x'], '✗ unknown kind "bucket" for "fluxion reconcile": one of source git, source oci, source helm, source chart, source bucket, kustomization, helmrelease, alert, alert-provider, receiver, image repository, image policy\n'],
    [['reconcile', 'source', 'git', 'podinfo', '--with-source'], '✗ --with-source applies to kustomization and helmrelease, not source git\n'],
  ])('%j is refused', async (args, err) => {
    expect(await h.run(args)).toEqual({ code: 1, out: '', err });
  });

  it('suspend sets spec.suspend; resume clears it and waits for Ready at the new generation', async () => {
    expect(await h.run(['suspend', 'kustomization', 'apps'])).toEqual({ code: 0, out: '', err: '► suspending kustomization apps in flux-system namespace\n✔ kustomization suspended\n' });
    expect(((await h.cluster.get(ksRef('apps')))!.spec as { suspend?: boolean }).suspend).toBe(true);
    expect(await h.run(['resume', 'kustomization', 'apps'])).toEqual({
      code: 0,
      out: '',
      err: `► resuming kustomization apps in flux-system namespace
✔ kustomization resumed
◎ waiting for Kustomization reconciliation
✔ Kustomization apps reconciliation completed
✔ applied revision ${REV}
`,
    });
    const obj = (await h.cluster.get(ksRef('apps')))!;
    expect((obj.spec as { suspend?: boolean }).suspend).toBe(false);
    expect((obj.status as { observedGeneration?: number }).observedGeneration).toBe(obj.metadata.generation);
  });

  it('suspend --all and resume --all act on every object of the kind; resume --all does not wait', async () => {
    expect((await h.run(['suspend', 'source', 'git', '--all'])).err).toBe(
      '► suspending source git podinfo in flux-system namespace\n✔ source git suspended\n► suspending source git silent in flux-system namespace\n✔ source git suspended\n',
    );
    expect((await h.run(['resume', 'source', 'git', '--all'])).err).toBe(
      '► resuming source git podinfo in flux-system namespace\n✔ source git resumed\n► resuming source git silent in flux-system namespace\n✔ source git resumed\n',
    );
  });

  it('resume reports a timeout per object and fails', async () => {
    await h.run(['suspend', 'source', 'git', 'silent']);
    const r = await h.run(['resume', 'source', 'git', 'silent', '--timeout', '300ms']);
    expect(r).toEqual({
      code: 1,
      out: '',
      err: `► resuming source git silent in flux-system namespace
✔ source git resumed
◎ waiting for GitRepository reconciliation
✗ GitRepository silent reconciliation failed: context deadline exceeded
✗ reconciliation failed for 1 GitRepository(s)
`,
    });
  });

  it('suspend of a missing object reports it and exits 1', async () => {
    expect(await h.run(['suspend', 'ks', 'nope'])).toEqual({ code: 1, out: '', err: '✗ Kustomization nope not found in flux-system namespace\n' });
  });
});
