/**
 * Flux's own example repository in its 2026-07 layout (flux2-kustomize-helm-example with an
 * ArtifactGenerator splitting the monorepo into `infrastructure` and `apps` ExternalArtifacts,
 * charts from OCI registries) reconciled to Ready by `fluxion sim`: cert-manager and Envoy
 * Gateway stand-ins pushed by the real `helm push --plain-http` to a registry on 127.0.0.1 and
 * found there through `--source` overrides of their oci:// URLs, podinfo from a local chart
 * repository, the Kustomizations in their dependsOn order.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helm } from '../helm/chart/oracle.js';
import { startHelmRepo } from '../helpers/helm-repo.js';
import type { HelmRepoServer } from '../helpers/helm-repo.js';
import { startOciRegistry } from '../helpers/oci-registry.js';
import type { OciRegistry } from '../helpers/oci-registry.js';
import { runFluxion } from '../helpers/cli.js';

const EXAMPLE = '/work/shared/conformance/flux-examples/kustomize-helm-2026-07';
const PODINFO = '/work/shared/conformance/helm/podinfo-6.14.1/charts/podinfo';
const STAND_INS = path.resolve(import.meta.dirname, '../fixtures/charts/stand-ins');

describe('flux2-kustomize-helm-example (2026-07 layout: ArtifactGenerator, OCI charts) in fluxion sim', () => {
  let dir: string;
  let charts: HelmRepoServer;
  let registry: OciRegistry;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'fluxion-example-2026-'));
    cpSync(EXAMPLE, path.join(dir, 'repo'), { recursive: true });
    charts = await startHelmRepo();
    await charts.publishDirs([PODINFO]);
    registry = await startOciRegistry();
    const packaged = path.join(dir, 'packaged');
    for (const [chart, repository] of [
      ['cert-manager', 'charts'],
      ['gateway-helm', 'envoyproxy'],
    ] as const) {
      const pkg = await helm(['package', path.join(STAND_INS, chart), '--destination', packaged]);
      if (pkg.code !== 0) throw new Error(`helm package ${chart}: ${pkg.stderr}`);
      const tgz = readdirSync(packaged).find((f) => f.startsWith(`${chart}-`)) as string;
      const push = await helm(['push', path.join(packaged, tgz), `oci://${registry.host}/${repository}`, '--plain-http']);
      if (push.code !== 0) throw new Error(`helm push ${chart}: ${push.stderr}`);
    }
  });
  afterAll(async () => {
    await charts.close();
    await registry.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['staging', 'production'])('%s reconciles to Ready: the generator, infra-controllers, infra-configs, apps with podinfo installed', async (env) => {
    const r = await runFluxion(
      [
        'sim',
        '--repo', 'repo',
        '--path', `clusters/${env}`,
        '--until-ready',
        '--timeout', '5m',
        '--source', `oci://quay.io/jetstack/charts/cert-manager=http://${registry.host}/charts/cert-manager`,
        '--source', `oci://docker.io/envoyproxy/gateway-helm=http://${registry.host}/envoyproxy/gateway-helm`,
        '--source', `https://stefanprodan.github.io/podinfo=${charts.url}`,
      ],
      { cwd: dir, env: process.env },
    );
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toMatch(/ArtifactGenerator\/flux-system\/flux-system {2}Ready=True {2}Succeeded {2}reconciliation succeeded, generated 2 artifact\(s\)/);
    expect(r.out).toMatch(/ExternalArtifact\/flux-system\/infrastructure {2}Ready=True {2}Succeeded {2}Artifact is ready/);
    expect(r.out).toMatch(/ExternalArtifact\/flux-system\/apps {2}Ready=True/);
    const infra = /Kustomization\/flux-system\/infra-controllers {2}Ready=True {2}ReconciliationSucceeded {2}Applied revision: (latest@sha256:[0-9a-f]{64})/.exec(r.out);
    expect(infra, r.out).not.toBeNull();
    // Both infrastructure Kustomizations read the one infrastructure artifact.
    expect(r.out).toContain(`Kustomization/flux-system/infra-configs  Ready=True  ReconciliationSucceeded  Applied revision: ${infra?.[1]}`);
    expect(r.out).toMatch(/Kustomization\/flux-system\/apps {2}Ready=True {2}ReconciliationSucceeded {2}Applied revision: latest@sha256:/);
    expect(r.out).toMatch(/OCIRepository\/cert-manager\/cert-manager {2}Ready=True {2}Succeeded {2}stored artifact for digest '1\.17\.1@sha256:/);
    expect(r.out).toMatch(/HelmRelease\/cert-manager\/cert-manager {2}Ready=True {2}InstallSucceeded {2}Helm install succeeded for release cert-manager\/cert-manager\.v1 with chart cert-manager@1\.17\.1\+[0-9a-f]{12}/);
    expect(r.out).toMatch(/HelmRelease\/envoy-gateway-system\/envoy-gateway {2}Ready=True {2}InstallSucceeded {2}Helm install succeeded for release envoy-gateway-system\/envoy-gateway\.v1 with chart gateway-helm@1\.8\.0\+[0-9a-f]{12}/);
    expect(r.out).toMatch(/HelmRelease\/podinfo\/podinfo {2}Ready=True {2}InstallSucceeded {2}Helm install succeeded for release podinfo\/podinfo\.v1 with chart podinfo@6\.14\.1/);
    // The configs: the ClusterIssuer (its CRD from cert-manager) and Envoy's Gateway (Gateway API CRDs from gateway-helm).
    expect(r.out).toContain('  └ _letsencrypt_cert-manager.io_ClusterIssuer');
    expect(r.out).toContain('  └ envoy-gateway-system_envoy_gateway.networking.k8s.io_Gateway');
    expect(r.out).toContain('  └ _envoy_gateway.networking.k8s.io_GatewayClass');
    // podinfo's HTTPRoute, attached to that Gateway.
    expect(r.out).toContain('  └ podinfo_podinfo_gateway.networking.k8s.io_HTTPRoute');
    expect(r.out).toContain('  └ podinfo_podinfo_apps_Deployment');
  }, 180_000);
});
