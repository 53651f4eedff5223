/**
 * create, build, diff, logs, delete, check, uninstall and completion: golden output against
 * the served simulator (or no cluster at all for `--export`, `--dry-run` and `logs`).
 */
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ManualClock } from '../../src/api/clock.js';
import { installManifests } from '../../src/cli/install.js';
import { runFluxion } from '../helpers/cli.js';
import type { CliHarness } from './harness.js';
import { cond, startCliHarness, startFluxion } from './harness.js';
import { startFakeController } from './fake-controller.js';

const REV = 'main@sha1:0123456789abcdef0123456789abcdef01234567';

describe('create --export prints the YAML flux prints', () => {
  // The expected documents are flux's own goldens (fluxcd/flux2 cmd/flux/testdata/create_source_git).
  it.each([
    ['--branch=test', 'ref:\n    branch: test'],
    ['--tag=test', 'ref:\n    tag: test'],
    ['--tag-semver=v1.01', 'ref:\n    semver: v1.01'],
  ])('create source git %s', async (flag, ref) => {
    const r = await runFluxion(['create', 'source', 'git', 'podinfo', '--namespace=flux-system', '--url=https://github.com/stefanprodan/podinfo', flag, '--interval=1m0s', '--export']);
    expect(r).toEqual({
      code: 0,
      err: '',
      out: `---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: podinfo
  namespace: flux-system
spec:
  interval: 1m0s
  ${ref}
  url: https://github.com/stefanprodan/podinfo
`,
    });
  });

  it('create source git with ignore paths writes them as a block scalar, sorted keys', async () => {
    const r = await runFluxion(['create', 'source', 'git', 'podinfo', '-n', 'default', '--url=https://github.com/stefanprodan/podinfo', '--branch=master', '--ignore-paths=.cosign,non-existent-dir/', '--export']);
    expect(r.out).toBe(`---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: podinfo
  namespace: default
spec:
  ignore: |-
    .cosign
    non-existent-dir/
  interval: 1m0s
  ref:
    branch: master
  url: https://github.com/stefanprodan/podinfo
`);
  });

  it('create kustomization', async () => {
    const r = await runFluxion(['create', 'kustomization', 'podinfo', '--source=GitRepository/podinfo.infra', '--path=./kustomize', '--prune=true', '--interval=5m', '--wait', '--depends-on=infra,apps/db', '--target-namespace=apps', '--export']);
    expect(r).toEqual({
      code: 0,
      err: '',
      out: `---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: podinfo
  namespace: flux-system
spec:
  dependsOn:
  - name: infra
  - name: db
    namespace: apps
  interval: 5m0s
  path: ./kustomize
  prune: true
  sourceRef:
    kind: GitRepository
    name: podinfo
    namespace: infra
  targetNamespace: apps
  timeout: 2m0s
  wait: true
`,
    });
  });

  it.each([
    [['create', 'source', 'git', 'x', '--url=ftp://host/repo', '--branch=main', '--export'], "✗ git URL scheme 'ftp' not supported, can be: ssh, http and https\n"],
    [['create', 'source', 'git', 'x', '--url=https://host/repo', '--export'], '✗ a Git ref is required, use one of the following: --branch, --tag, --commit, --ref-name or --tag-semver\n'],
    [['create', 'kustomization', 'x', '--source=podinfo', '--path=kustomize', '--export'], '✗ path must begin with ./\n'],
    [['create', 'kustomization', 'x', '--export'], '✗ source is required\n'],
    [['create', 'kustomization', 'x', '--source=podinfo', '--url=https://x', '--export'], '✗ unknown flag: --url for "fluxion create kustomization"\n'],
    [['create', 'bucket', 'x'], '✗ unknown kind "bucket x" for "fluxion create": one of source git, source oci, source bucket, kustomization, alert-provider, alert, receiver\n'],
  ])('%j is refused', async (args, err) => {
    expect(await runFluxion(args)).toEqual({ code: 1, out: '', err });
  });
});

describe('logs', () => {
  let dir: string;
  const line = (o: Record<string, unknown>) => `${JSON.stringify(o)}\n`;
  const ksLine = line({ level: 'info', ts: '2026-01-01T00:00:01.200Z', msg: 'Reconciliation finished in 1.2s, next run in 10m0s', controller: 'kustomization', controllerGroup: 'kustomize.toolkit.fluxcd.io', controllerKind: 'Kustomization', Kustomization: { name: 'apps', namespace: 'flux-system' }, namespace: 'flux-system', name: 'apps', reconcileID: 'r1' });
  const gitLine = line({ level: 'error', ts: '2026-01-01T00:00:02.000Z', msg: 'Reconciler error', controllerKind: 'GitRepository', namespace: 'default', name: 'podinfo', error: 'authentication required' });
  const startLine = line({ level: 'info', ts: '2026-01-01T00:00:00.000Z', msg: 'starting fluxion controller' });
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'fluxion-logs-'));
    writeFileSync(path.join(dir, 'controller.log'), startLine + ksLine + 'not json\n' + gitLine);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    [[], '2026-01-01T00:00:01.200Z info Kustomization/apps.flux-system - Reconciliation finished in 1.2s, next run in 10m0s \n'],
    [['-A', '--level', 'error'], '2026-01-01T00:00:02.000Z error GitRepository/podinfo.default - Reconciler error authentication required\n'],
    [['-A', '--kind', 'gitrepository', '--name', 'PODINFO'], '2026-01-01T00:00:02.000Z error GitRepository/podinfo.default - Reconciler error authentication required\n'],
    [['-A', '--tail', '1'], '2026-01-01T00:00:02.000Z error GitRepository/podinfo.default - Reconciler error authentication required\n'],
    [['-n', 'default'], '2026-01-01T00:00:02.000Z error GitRepository/podinfo.default - Reconciler error authentication required\n'],
  ])('%j filters and formats as flux logs', async (args, out) => {
    expect(await runFluxion(['logs', '--file', 'controller.log', ...args], { cwd: dir })).toEqual({ code: 0, out, err: '' });
  });

  it('rejects an unknown level', async () => {
    expect((await runFluxion(['logs', '--file', 'controller.log', '--level', 'warn'], { cwd: dir })).err).toBe("✗ invalid argument \"warn\" for \"--level\" flag: unsupported log level 'warn', must be one of: debug, info, error\n");
  });

  it('-f prints lines appended to the file until stopped', async () => {
    const file = path.join(dir, 'follow.log');
    writeFileSync(file, ksLine);
    const f = startFluxion(['logs', '--file', file, '-f']);
    await f.until(/Reconciliation finished/);
    appendFileSync(file, line({ level: 'info', ts: '2026-01-01T00:00:03.000Z', msg: 'second', controllerKind: 'Kustomization', namespace: 'flux-system', name: 'apps' }));
    await f.until(/second/);
    expect(await f.stop()).toBe(0);
    expect(f.out()).toBe(`2026-01-01T00:00:01.200Z info Kustomization/apps.flux-system - Reconciliation finished in 1.2s, next run in 10m0s \n2026-01-01T00:00:03.000Z info Kustomization/apps.flux-system - second \n`);
  });
});

describe('build, diff, delete, check, uninstall against the served simulator', () => {
  let h: CliHarness;
  let dir: string;
  const clock = new ManualClock();
  const ksObject = {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: 'app', namespace: 'flux-system' },
    spec: { interval: '5m', path: './app', prune: true, targetNamespace: 'apps', sourceRef: { kind: 'GitRepository', name: 'podinfo' }, postBuild: { substitute: { cluster_region: 'eu-central-1' }, substituteFrom: [{ kind: 'ConfigMap', name: 'cluster-vars' }] } },
  };
  beforeAll(async () => {
    h = await startCliHarness({ clock });
    dir = mkdtempSync(path.join(tmpdir(), 'fluxion-build-'));
    mkdirSync(path.join(dir, 'app'));
    writeFileSync(path.join(dir, 'app', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  region: ${cluster_region}\n  env: ${cluster_env:=dev}\n');
    writeFileSync(path.join(dir, 'app', 'web.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  replicas: "2"\n');
    writeFileSync(path.join(dir, 'ks.yaml'), `---\n${stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other' } })}---\n${stringify(ksObject)}`);
    await h.cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
    await h.cluster.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cluster-vars', namespace: 'flux-system' }, data: { cluster_env: 'prod' } });
    const owner = { 'kustomize.toolkit.fluxcd.io/name': 'app', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' };
    await h.cluster.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web', namespace: 'apps', labels: owner }, data: { replicas: '1' } }, { fieldManager: 'kustomize-controller' });
    await h.seed(ksObject, { conditions: [cond('Ready', 'True', 'ReconciliationSucceeded', `Applied revision: ${REV}`)], inventory: { entries: [{ id: 'apps_web__ConfigMap', v: 'v1' }, { id: 'apps_old__ConfigMap', v: 'v1' }] } });
  });
  afterAll(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const built = (env: string) => `apiVersion: v1
data:
  env: ${env}
  region: eu-central-1
kind: ConfigMap
metadata:
  labels:
    kustomize.toolkit.fluxcd.io/name: app
    kustomize.toolkit.fluxcd.io/namespace: flux-system
  name: settings
  namespace: apps
---
apiVersion: v1
data:
  replicas: "2"
kind: ConfigMap
metadata:
  labels:
    kustomize.toolkit.fluxcd.io/name: app
    kustomize.toolkit.fluxcd.io/namespace: flux-system
  name: web
  namespace: apps
`;

  it('build --dry-run --kustomization-file works offline, with inline substitutions only', async () => {
    expect(await runFluxion(['build', 'kustomization', 'app', '--path', './app', '--kustomization-file', './ks.yaml', '--dry-run'], { cwd: dir })).toEqual({ code: 0, out: built('dev'), err: '' });
  });

  it('build reads the Kustomization and its substituteFrom ConfigMap from the cluster', async () => {
    expect(await runFluxion(['build', 'ks', 'app', '--path', path.join(dir, 'app'), '--kubeconfig', h.kubeconfig])).toEqual({ code: 0, out: built('prod'), err: '' });
  });

  it('diff reports created, drifted and pruned objects, and exits 1', async () => {
    expect(await h.run(['diff', 'kustomization', 'app', '--path', path.join(dir, 'app')])).toEqual({
      code: 1,
      out: `► ConfigMap/apps/settings created
► ConfigMap/apps/web drifted

data.replicas
± value change
- 1
+ 2

► ConfigMap/apps/old deleted
`,
      err: '✗ identified at least one change, exiting with non-zero exit code\n',
    });
  });

  it('diff exits 0 when the cluster matches the build', async () => {
    const owner = { 'kustomize.toolkit.fluxcd.io/name': 'app', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' };
    await h.cluster.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web', namespace: 'apps', labels: owner }, data: { replicas: '2' } }, { fieldManager: 'kustomize-controller' });
    await h.cluster.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'apps', labels: owner }, data: { env: 'prod', region: 'eu-central-1' } }, { fieldManager: 'kustomize-controller' });
    const ks = (await h.cluster.get({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name: 'app', namespace: 'flux-system' }))!;
    await h.cluster.updateStatus({ ...ks, status: { ...(ks.status as object), inventory: { entries: [{ id: 'apps_settings__ConfigMap', v: 'v1' }, { id: 'apps_web__ConfigMap', v: 'v1' }] } } });
    expect(await h.run(['diff', 'ks', 'app', '--path', path.join(dir, 'app')])).toEqual({ code: 0, out: '', err: '' });
  });

  it('create applies the object and waits for it to be Ready', async () => {
    const controller = await startFakeController(h.cluster, () => ({ ready: true, revision: REV }));
    try {
      expect(await h.run(['create', 'source', 'git', 'podinfo', '--url=https://github.com/stefanprodan/podinfo', '--branch=main'])).toEqual({
        code: 0,
        out: '',
        err: `✚ generating GitRepository source
► applying GitRepository source
✔ GitRepository source created
◎ waiting for GitRepository source reconciliation
✔ GitRepository source reconciliation completed
✔ fetched revision: ${REV}
`,
      });
      expect((await h.run(['create', 'ks', 'podinfo', '--source=podinfo', '--path=./deploy', '--prune'])).err).toBe(`✚ generating Kustomization
► applying Kustomization
✔ Kustomization created
◎ waiting for Kustomization reconciliation
✔ Kustomization podinfo is ready
✔ applied revision ${REV}
`);
      expect((await h.run(['create', 'ks', 'podinfo', '--source=podinfo', '--path=./other'])).err.split('\n')[2]).toBe('✔ Kustomization updated');
    } finally {
      controller.stop();
    }
  });

  it('delete asks for confirmation unless --silent', async () => {
    expect(await h.run(['delete', 'ks', 'podinfo'])).toEqual({ code: 1, out: '', err: '✗ Are you sure you want to delete this kustomization? refusing to ask without a terminal: use --silent\n' });
    expect(await h.run(['delete', 'ks', 'podinfo', '-s'])).toEqual({ code: 0, out: '', err: '► deleting kustomization podinfo in flux-system namespace\n✔ kustomization deleted\n' });
    expect(await h.cluster.get({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name: 'podinfo', namespace: 'flux-system' })).toBeUndefined();
    expect(await h.run(['delete', 'ks', 'podinfo', '-s'])).toEqual({ code: 1, out: '', err: '✗ kustomizations.kustomize.toolkit.fluxcd.io "podinfo" not found\n' });
  });

  it('check --pre, then check fails until fluxion is installed and rolled out', async () => {
    expect(await h.run(['check', '--pre'])).toEqual({ code: 0, out: '', err: '► checking prerequisites\n✔ Kubernetes 1.32.0 >=1.30.0-0\n✔ prerequisites checks passed\n' });
    const missing = await h.run(['check']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('✗ fluxion-controller: deployment not found\n');
    for (const o of installManifests({})) if (o.kind !== 'CustomResourceDefinition') await h.cluster.apply(o, { fieldManager: 'fluxion' });
    clock.advance(5_000);
    expect(await h.run(['check'])).toEqual({
      code: 0,
      out: '',
      err: `► checking prerequisites
✔ Kubernetes 1.32.0 >=1.30.0-0
► checking version in cluster
✔ distribution: fluxion-v0.1.0
► checking controllers
✔ fluxion-controller: deployment ready
► fluxion:v0.1.0
► checking crds
✔ gitrepositories.source.toolkit.fluxcd.io/v1
✔ ocirepositories.source.toolkit.fluxcd.io/v1
✔ buckets.source.toolkit.fluxcd.io/v1
✔ helmrepositories.source.toolkit.fluxcd.io/v1
✔ helmcharts.source.toolkit.fluxcd.io/v1
✔ externalartifacts.source.toolkit.fluxcd.io/v1
✔ artifactgenerators.source.extensions.fluxcd.io/v1beta1
✔ kustomizations.kustomize.toolkit.fluxcd.io/v1
✔ helmreleases.helm.toolkit.fluxcd.io/v2
✔ providers.notification.toolkit.fluxcd.io/v1beta3
✔ alerts.notification.toolkit.fluxcd.io/v1beta3
✔ receivers.notification.toolkit.fluxcd.io/v1
✔ imagerepositories.image.toolkit.fluxcd.io/v1
✔ imagepolicies.image.toolkit.fluxcd.io/v1
✔ all checks passed
`,
    });
  });

  it('uninstall removes the controller, the finalizers, the CRDs and the namespace', async () => {
    await h.cluster.patch({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name: 'app', namespace: 'flux-system' }, { metadata: { finalizers: ['finalizers.fluxcd.io'] } }, 'merge');
    const dry = await h.run(['uninstall', '--dry-run']);
    expect(dry.err.split('\n').slice(0, 3)).toEqual(['► deleting components in flux-system namespace', '✔ Deployment/flux-system/fluxion-controller deleted (dry run)', '✔ Service/flux-system/fluxion-controller deleted (dry run)']);
    expect(await h.cluster.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'fluxion-controller', namespace: 'flux-system' })).toBeDefined();
    expect(await h.run(['uninstall', '--silent', '--keep-namespace'])).toEqual({
      code: 0,
      out: '',
      err: `► deleting components in flux-system namespace
✔ Deployment/flux-system/fluxion-controller deleted 
✔ Service/flux-system/fluxion-controller deleted 
✔ ServiceAccount/flux-system/fluxion-controller deleted 
✔ ClusterRoleBinding/cluster-reconciler-flux-system deleted 
► deleting toolkit.fluxcd.io finalizers in all namespaces
✔ GitRepository/flux-system/podinfo finalizers deleted 
✔ Kustomization/flux-system/app finalizers deleted 
► deleting toolkit.fluxcd.io custom resource definitions
✔ CustomResourceDefinition/gitrepositories.source.toolkit.fluxcd.io deleted 
✔ CustomResourceDefinition/ocirepositories.source.toolkit.fluxcd.io deleted 
✔ CustomResourceDefinition/buckets.source.toolkit.fluxcd.io deleted 
✔ CustomResourceDefinition/helmrepositories.source.toolkit.fluxcd.io deleted 
✔ CustomResourceDefinition/helmcharts.source.toolkit.fluxcd.io deleted 
✔ CustomResourceDefinition/externalartifacts.source.toolkit.fluxcd.io deleted 
✔ CustomResourceDefinition/artifactgenerators.source.extensions.fluxcd.io deleted 
✔ CustomResourceDefinition/kustomizations.kustomize.toolkit.fluxcd.io deleted 
✔ CustomResourceDefinition/helmreleases.helm.toolkit.fluxcd.io deleted 
✔ CustomResourceDefinition/providers.notification.toolkit.fluxcd.io deleted 
✔ CustomResourceDefinition/alerts.notification.toolkit.fluxcd.io deleted 
✔ CustomResourceDefinition/receivers.notification.toolkit.fluxcd.io deleted 
✔ CustomResourceDefinition/imagerepositories.image.toolkit.fluxcd.io deleted 
✔ CustomResourceDefinition/imagepolicies.image.toolkit.fluxcd.io deleted 
✔ uninstall finished
`,
    });
    expect(await h.cluster.get({ apiVersion: 'v1', kind: 'Namespace', name: 'flux-system' })).toBeDefined();
  });
});

describe('help and completion', () => {
  it.each(['get', 'reconcile', 'suspend', 'resume', 'events', 'logs', 'export', 'tree', 'trace', 'stats', 'check', 'diff', 'build', 'create', 'delete', 'uninstall', 'completion'])('%s --help shows usage, flags and examples', async (name) => {
    const r = await runFluxion([name, '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\nUsage:\n {2}fluxion /);
    expect(r.out).toContain('\nExamples:\n');
    if (name !== 'completion') expect(r.out).toMatch(/-n, --namespace string +the namespace scope for this operation \(default flux-system\)/);
  });

  it.each([
    ['bash', /complete -o default -F _fluxion fluxion/],
    ['zsh', /^#compdef fluxion/],
    ['fish', /complete -c fluxion -n '__fish_use_subcommand' -a reconcile -d 'Reconcile sources and resources'/],
  ])('completion %s', async (shell, re) => {
    const r = await runFluxion(['completion', shell]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(re);
  });

  it('completion of an unknown shell fails', async () => {
    expect(await runFluxion(['completion', 'tcsh'])).toEqual({ code: 1, out: '', err: '✗ unsupported shell "tcsh": bash, zsh or fish\n' });
  });
});
