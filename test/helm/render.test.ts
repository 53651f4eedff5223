import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadChart, renderChart, renderChartSync, formatTemplateOutput } from '../../src/helm/index.js';
import { MemoryCluster } from '../../src/cluster/memory/index.js';
import { FIXTURES, PODINFO } from './chart/oracle.js';
import { compareWithHelm, fluxion } from './render-helpers.js';

const ALL_ON = path.join(FIXTURES, 'podinfo-all-on.yaml');
const SHOP = path.join(FIXTURES, 'shop');
const LEGACY = path.join(FIXTURES, 'legacy');

describe('podinfo against helm template', () => {
  it('renders with default values', async () => {
    await compareWithHelm(PODINFO, []);
  });

  it('renders with values-prod.yaml', async () => {
    await compareWithHelm(PODINFO, ['-f', path.join(PODINFO, 'values-prod.yaml')]);
  });

  it('renders every optional template (redis, hpa, ingress, serviceMonitor, certificate, routes, hooks, tests)', async () => {
    const { ours } = await compareWithHelm(PODINFO, ['-f', ALL_ON], 'prod');
    for (const t of ['redis/deployment.yaml', 'hpa.yaml', 'ingress.yaml', 'servicemonitor.yaml', 'certificate.yaml', 'httproute.yaml', 'grpcroute.yaml', 'hooks/job.yaml', 'tests/tls.yaml']) {
      expect(ours.stdout).toContain(`# Source: podinfo/templates/${t}`);
    }
  });

  it('renders with --set overrides, a namespace, --is-upgrade, --skip-tests and --kube-version', async () => {
    await compareWithHelm(PODINFO, ['-f', ALL_ON, '--set', 'replicaCount=5,ui.color=#ff0000', '--set-string', 'service.externalPort=80', '-n', 'web', '--is-upgrade', '--skip-tests', '--kube-version', '1.30.2'], 'upgrade');
  });

  it('renders --show-only with a glob', async () => {
    await compareWithHelm(PODINFO, ['-f', ALL_ON, '--show-only', 'templates/tests/*', '-s', 'templates/service.yaml']);
  });
});

describe('fixture charts against helm template', () => {
  it.each([
    ['shop', SHOP, []],
    ['shop with CRDs', SHOP, ['--include-crds']],
    ['shop with a namespace and name', SHOP, ['-n', 'store', '--name', 'web']],
    ['shop with API versions and a kube version', SHOP, ['--kube-version', 'v1.29.3', '--api-versions', 'monitoring.coreos.com/v1', '-a', 'x.example.com/v1']],
    ['shop with subcharts switched off', SHOP, ['--set', 'db.enabled=false', '--set', 'tags.backend=false', '--set', 'redis.enabled=null']],
    ['shop with --set-string and files', SHOP, ['--set-string', 'replicaCount=3', '--skip-schema-validation', '-f', path.join(FIXTURES, 'shop-values.yaml')]],
    ['legacy', LEGACY, []],
    ['legacy without its child', LEGACY, ['--set', 'child.enabled=false']],
    ['legacy with nulls', LEGACY, ['--set', 'nullme=null,deep.drop=null']],
  ])('%s', async (_name, chart, args) => {
    const rest = [...(args as string[])];
    const i = rest.indexOf('--name');
    const name = i >= 0 ? rest.splice(i, 2)[1] : undefined;
    await compareWithHelm(chart as string, rest, name);
  });
});

describe('the library API', () => {
  it('returns manifests with parsed objects, hooks, notes and CRDs', () => {
    const r = renderChartSync(loadChart(SHOP), { releaseName: 'api', namespace: 'ns1' });
    expect(r.manifests[0]).toMatchObject({ source: 'shop/templates/rbac.yaml', kind: 'Namespace', objects: [{ metadata: { name: 'ns1-extra' } }] });
    const deploy = r.manifests.find((m) => m.kind === 'Deployment')!;
    expect(deploy.objects[0]).toMatchObject({ spec: { replicas: 2 } });
    expect(r.hooks.map((h) => `${h.kind}:${h.events.join('+')}`)).toEqual(['ConfigMap:post-install', 'Pod:test', 'Job:pre-install+pre-upgrade']);
    expect(r.notes).toBe('Thank you for installing shop as api.\n');
    expect(r.crds.map((c) => c.source)).toEqual(['shop/crds/widgets.yaml']);
    expect(r.crds[0]!.objects[0]).toMatchObject({ kind: 'CustomResourceDefinition' });
    expect(formatTemplateOutput(r)).toContain('# Source: shop/templates/rbac.yaml\napiVersion: v1\nkind: Namespace');
  });

  it('answers lookup from a cluster', async () => {
    const cluster = new MemoryCluster();
    await cluster.apply(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
      { fieldManager: 'test' },
    ).catch(() => undefined);
    await cluster.apply(
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'shop-credentials', namespace: 'shop' }, data: { password: 'cw==' } },
      { fieldManager: 'test' },
    );
    const chart = loadChart(SHOP);
    const found = await renderChart(chart, { releaseName: 'r', namespace: 'shop', cluster });
    const missing = await renderChart(chart, { releaseName: 'r', namespace: 'other', cluster });
    const annotation = (r: typeof found): unknown =>
      (r.manifests.find((m) => m.kind === 'Deployment')!.objects[0] as { spec: { template: { metadata: { annotations: Record<string, string> } } } }).spec.template.metadata.annotations['secret-found'];
    expect(annotation(found)).toBe('true');
    expect(annotation(missing)).toBe('false');
    // Without a cluster, lookup returns an empty map as helm template does.
    expect(annotation(renderChartSync(chart, { namespace: 'shop' }))).toBe('false');
  });

  it('is reusable: rendering does not change the loaded chart', () => {
    const chart = loadChart(SHOP);
    const a = formatTemplateOutput(renderChartSync(chart, { values: { replicaCount: 7n } }));
    const b = formatTemplateOutput(renderChartSync(chart, {}));
    const c = formatTemplateOutput(renderChartSync(chart, {}));
    expect(a).not.toBe(b);
    expect(b).toBe(c);
  });
});

describe('the CLI', () => {
  it('prints usage and rejects unknown flags', async () => {
    expect((await fluxion(['--bogus', SHOP])).code).toBe(1);
  });
});
