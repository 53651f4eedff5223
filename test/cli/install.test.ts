import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/api/clock.js';
import type { KubeObject } from '../../src/api/meta.js';
import { MemoryCluster } from '../../src/cluster/memory/index.js';
import { runFluxion } from '../helpers/cli.js';
import { startCliHarness } from './harness.js';

const docs = (yaml: string): KubeObject[] => parseAllDocuments(yaml).map((d) => d.toJS() as KubeObject);

describe('fluxion install --export', () => {
  it('prints CRDs, namespace, RBAC, Service and Deployment, in apply order', async () => {
    const r = await runFluxion(['install', '--export']);
    expect(r.code, r.err).toBe(0);
    const objects = docs(r.out);
    const kinds = objects.map((o) => o.kind);
    const firstOther = kinds.findIndex((k) => k !== 'CustomResourceDefinition');
    expect(firstOther).toBeGreaterThan(0);
    expect(kinds.slice(firstOther)).toEqual(['Namespace', 'ServiceAccount', 'ClusterRoleBinding', 'Service', 'Deployment']);
    const crdNames = objects.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => o.metadata.name);
    expect(crdNames).toEqual(expect.arrayContaining(['gitrepositories.source.toolkit.fluxcd.io', 'kustomizations.kustomize.toolkit.fluxcd.io']));
    const deploy = objects.at(-1) as KubeObject & { spec: { template: { spec: { containers: { args: string[]; image: string }[] } } } };
    expect(deploy.metadata).toMatchObject({ name: 'fluxion-controller', namespace: 'flux-system' });
    const args = deploy.spec.template.spec.containers[0]!.args;
    expect(args[0]).toBe('controller');
    expect(args).toContain('--enable-leader-election');
  });

  it('applies cleanly with server-side apply, CRDs first, and the namespace and selector flags reach the objects', async () => {
    const r = await runFluxion(['install', '--export', '-n', 'shard1', '--watch-label-selector', 'sharding.fluxcd.io/key=shard1', '--replicas', '2', '--image', 'example.com/fluxion:v9']);
    expect(r.code, r.err).toBe(0);
    const objects = docs(r.out);
    const cluster = new MemoryCluster({ clock: new ManualClock() });
    for (const o of objects) await cluster.apply(o, { fieldManager: 'fluxion' });
    const deploy = await cluster.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'fluxion-controller', namespace: 'shard1' });
    const container = (deploy?.spec as { replicas: number; template: { spec: { containers: { args: string[]; image: string }[] } } }).template.spec.containers[0]!;
    expect((deploy?.spec as { replicas: number }).replicas).toBe(2);
    expect(container.image).toBe('example.com/fluxion:v9');
    expect(container.args).toContain('--watch-label-selector=sharding.fluxcd.io/key=shard1');
    const binding = await cluster.get({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', name: 'cluster-reconciler-shard1' });
    expect((binding as { subjects: unknown[] } | undefined)?.subjects).toEqual([{ kind: 'ServiceAccount', name: 'fluxion-controller', namespace: 'shard1' }]);
    expect(await cluster.resourceFor('kustomize.toolkit.fluxcd.io/v1', 'Kustomization')).toMatchObject({ plural: 'kustomizations' });
  });

  it.each([
    [['install', '--export', '--replicas', '0'], '--replicas must be at least 1'],
    [['install', '--export', '--log-level', 'loud'], '--log-level must be debug, info or error'],
    [['install', '--export', '--bogus'], 'unknown flag: --bogus'],
    [['install', 'extra'], 'unknown command "extra" for "fluxion install"'],
  ])('%j exits 1 saying why', async (argv, message) => {
    const r = await runFluxion(argv);
    expect(r.code).toBe(1);
    expect(r.err).toContain(message);
    expect(r.out).toBe('');
  });
});

describe('fluxion install', () => {
  it('applies the CRDs (established first), RBAC and the controller, and waits for its Deployment', async () => {
    const h = await startCliHarness();
    try {
      const r = await h.run(['install', '--namespace', 'fluxion-system']);
      expect(r.code, r.err).toBe(0);
      expect(r.err).toContain('► installing components in fluxion-system namespace');
      expect(r.err).toContain('✔ CustomResourceDefinition/kustomizations.kustomize.toolkit.fluxcd.io applied');
      expect(r.err).toContain('✔ fluxion-controller: deployment ready');
      expect(r.err.trim().split('\n').at(-1)).toBe('✔ install finished');
      const deploy = await h.cluster.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'fluxion-controller', namespace: 'fluxion-system' });
      expect(deploy?.metadata.managedFields?.some((m) => m.manager === 'fluxion')).toBe(true);
      // And `fluxion uninstall` takes it all away again.
      const u = await h.run(['uninstall', '--namespace', 'fluxion-system', '-s']);
      expect(u.code, u.err).toBe(0);
      expect(await h.cluster.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'fluxion-controller', namespace: 'fluxion-system' })).toBeUndefined();
    } finally {
      await h.close();
    }
  });
});
