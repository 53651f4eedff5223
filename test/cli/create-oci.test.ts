/**
 * `create source oci`: the YAML `flux create source oci --export` prints, the errors it gives,
 * and applying the object and waiting for it against the served simulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFluxion } from '../helpers/cli.js';
import { startFakeController } from './fake-controller.js';
import type { CliHarness } from './harness.js';
import { startCliHarness } from './harness.js';

const URL = 'oci://ghcr.io/stefanprodan/manifests/podinfo';
const exportOf = (...flags: string[]) => runFluxion(['create', 'source', 'oci', 'podinfo', `--url=${URL}`, ...flags, '--export']);

describe('create source oci --export prints the YAML flux prints', () => {
  // flux's goldens (cmd/flux/testdata/oci/export*.golden) are made with the flags reset to their
  // zero values, so they leave out `provider`; the flux binary sets its default, `generic`.
  it('with a tag', async () => {
    expect(await exportOf('--tag=6.3.5', '--interval', '10m')).toEqual({
      code: 0,
      err: '',
      out: `---
apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata:
  name: podinfo
  namespace: flux-system
spec:
  interval: 10m0s
  provider: generic
  ref:
    tag: 6.3.5
  url: ${URL}
`,
    });
  });

  it('with a secret, a semver range, a layer selector and labels, keys sorted as sigs.k8s.io/yaml sorts them', async () => {
    const r = await exportOf('--tag-semver=>=6.0.0', '--secret-ref=creds', '--cert-ref=tls', '--layer-selector=application/vnd.cncf.helm.chart.content.v1.tar+gzip:copy', '--label=team=a', '-n', 'apps');
    expect(r.out).toBe(`---
apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata:
  labels:
    team: a
  name: podinfo
  namespace: apps
spec:
  certSecretRef:
    name: tls
  interval: 1m0s
  layerSelector:
    mediaType: application/vnd.cncf.helm.chart.content.v1.tar+gzip
    operation: copy
  provider: generic
  ref:
    semver: '>=6.0.0'
  secretRef:
    name: creds
  url: ${URL}
`);
  });

  it('with a digest, ignore paths, plain HTTP and another provider', async () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const r = await exportOf(`--digest=${digest}`, '--ignore-paths=drafts/,*.md', '--insecure', '--provider=aws', '--service-account=puller');
    expect(r.out).toBe(`---
apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata:
  name: podinfo
  namespace: flux-system
spec:
  ignore: |-
    drafts/
    *.md
  insecure: true
  interval: 1m0s
  provider: aws
  ref:
    digest: ${digest}
  serviceAccountName: puller
  url: ${URL}
`);
  });

  it.each([
    [['create', 'source', 'oci'], '✗ name is required\n'],
    [['create', 'source', 'oci', 'podinfo'], '✗ url is required\n'],
    [['create', 'source', 'oci', 'podinfo', `--url=${URL}`], '✗ --tag, --tag-semver or --digest is required\n'],
    [['create', 'source', 'oci', 'podinfo', `--url=${URL}`, '--tag=1', '--layer-selector=application/vnd.cncf.helm.chart.content.v1.tar+gzip:move'], '✗ invalid --layer-selector "application/vnd.cncf.helm.chart.content.v1.tar+gzip:move": operation must be "extract" or "copy"\n'],
    [['create', 'source', 'oci', 'podinfo', `--url=${URL}`, '--tag=1', '--layer-selector=application/vnd.cncf.helm.chart.content.v1.tar+gzip'], '✗ invalid --layer-selector "application/vnd.cncf.helm.chart.content.v1.tar+gzip": must be in the format \'<media-type>:<operation>\'\n'],
    [['create', 'source', 'oci', 'podinfo', `--url=${URL}`, '--tag=1', '--provider=github'], '✗ invalid argument "github" for "--provider" flag: source OCI provider \'github\' is not supported, must be one of: generic, aws, azure, gcp\n'],
    [['create', 'source', 'oci', 'podinfo', `--url=${URL}`, '--branch=main'], '✗ unknown flag: --branch for "fluxion create source oci"\n'],
    [['create', 'source', 'git', 'podinfo', '--url=https://github.com/x/y', '--branch=main', '--digest=sha256:00'], '✗ unknown flag: --digest for "fluxion create source git"\n'],
  ])('%j is refused', async (args, err) => {
    expect(await runFluxion([...args, '--export'])).toEqual({ code: 1, out: '', err });
  });
});

describe('create source oci against the served simulator', () => {
  let h: CliHarness;
  const revision = `6.3.5@sha256:${'6c959c51'.repeat(8)}`;
  const ref = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository', name: 'podinfo', namespace: 'flux-system' };

  beforeAll(async () => {
    h = await startCliHarness();
  });
  afterAll(() => h.close());

  it('applies the OCIRepository and waits for its artifact, printing what flux prints', async () => {
    const controller = await startFakeController(h.cluster, () => ({ ready: true, revision }));
    try {
      // flux's cmd/flux/testdata/oci/create_source_oci.golden, with this revision.
      expect(await h.run(['create', 'source', 'oci', 'podinfo', `--url=${URL}`, '--tag=6.3.5', '--interval', '10m'])).toEqual({
        code: 0,
        out: '',
        err: `► applying OCIRepository
✔ OCIRepository created
◎ waiting for OCIRepository reconciliation
✔ OCIRepository reconciliation completed
✔ fetched revision: ${revision}
`,
      });
      expect((await h.cluster.get(ref))?.spec).toMatchObject({ interval: '10m0s', provider: 'generic', ref: { tag: '6.3.5' }, url: URL });
      // Updating replaces the spec as flux does: the tag does not linger beside the digest.
      const digest = `sha256:${'b'.repeat(64)}`;
      const r = await h.run(['create', 'source', 'oci', 'podinfo', `--url=${URL}`, `--digest=${digest}`]);
      expect(r.err.split('\n').slice(0, 2)).toEqual(['► applying OCIRepository', '✔ OCIRepository updated']);
      expect(r.code).toBe(0);
      expect(((await h.cluster.get(ref))?.spec as { ref: unknown }).ref).toEqual({ digest });
    } finally {
      controller.stop();
    }
  });

});
