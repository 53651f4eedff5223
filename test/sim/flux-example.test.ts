/**
 * Flux's own example repository (flux2-kustomize-helm-example, the GitRepository + HelmRepository
 * layout) reconciled to Ready by `fluxion sim`: its HelmRepositories served from a local chart
 * repository (the real podinfo chart, stand-ins for cert-manager and ingress-nginx), its
 * Kustomizations in their dependsOn order, podinfo's HelmRelease installed with the staging values.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHelmRepo } from '../helpers/helm-repo.js';
import type { HelmRepoServer } from '../helpers/helm-repo.js';
import { runFluxion } from '../helpers/cli.js';

const EXAMPLE = '/work/shared/conformance/flux-examples/kustomize-helm-2025-04';
const PODINFO = '/work/shared/conformance/helm/podinfo-6.14.1/charts/podinfo';
const STAND_INS = path.resolve(import.meta.dirname, '../fixtures/charts/stand-ins');

describe('flux2-kustomize-helm-example in fluxion sim', () => {
  let dir: string;
  let charts: HelmRepoServer;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'fluxion-example-'));
    cpSync(EXAMPLE, path.join(dir, 'repo'), { recursive: true });
    charts = await startHelmRepo();
    await charts.publishDirs([PODINFO, path.join(STAND_INS, 'cert-manager'), path.join(STAND_INS, 'ingress-nginx')]);
  });
  afterAll(async () => {
    await charts.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('staging reconciles to Ready: infra-controllers, infra-configs, apps with podinfo installed', async () => {
    const r = await runFluxion(
      [
        'sim',
        '--repo', 'repo',
        '--path', 'clusters/staging',
        '--until-ready',
        '--timeout', '5m',
        '--source', `https://charts.jetstack.io=${charts.url}`,
        '--source', `https://kubernetes.github.io/ingress-nginx=${charts.url}`,
        '--source', `https://stefanprodan.github.io/podinfo=${charts.url}`,
      ],
      { cwd: dir, env: process.env },
    );
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toMatch(/Kustomization\/flux-system\/apps {2}Ready=True/);
    expect(r.out).toMatch(/Kustomization\/flux-system\/infra-configs {2}Ready=True/);
    expect(r.out).toMatch(/HelmRelease\/podinfo\/podinfo {2}Ready=True {2}InstallSucceeded {2}Helm install succeeded for release podinfo\/podinfo\.v1 with chart podinfo@6\.14\.1/);
    expect(r.out).toMatch(/HelmRelease\/cert-manager\/cert-manager {2}Ready=True/);
    expect(r.out).toMatch(/HelmChart\/podinfo\/podinfo-podinfo {2}Ready=True/);
    expect(r.out).toContain('  └ _letsencrypt_cert-manager.io_ClusterIssuer');
    // A HelmRelease's tree is what its release applied, read from Helm's storage.
    expect(r.out).toContain('  └ podinfo_podinfo_apps_Deployment');
    expect(r.out).toContain('  └ podinfo_podinfo-redis_apps_Deployment');
    expect(r.out).toContain('  └ _clusterissuers.cert-manager.io_apiextensions.k8s.io_CustomResourceDefinition');
  }, 120_000);
});
