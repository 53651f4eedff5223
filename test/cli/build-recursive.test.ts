/**
 * `fluxion build|diff kustomization --recursive --local-sources`: the Kustomizations a build
 * contains are built (or diffed) too, each from the local copy of its own source, as
 * `flux build|diff kustomization --recursive` does.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { ManualClock } from '../../src/api/clock.js';
import type { KubeObject } from '../../src/api/meta.js';
import { runFluxion } from '../helpers/cli.js';
import type { CliHarness } from './harness.js';
import { cond, startCliHarness } from './harness.js';

const ks = (name: string, source: string, p: string): KubeObject => ({
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  metadata: { name, namespace: 'flux-system' },
  spec: { interval: '10m', path: p, prune: true, sourceRef: { kind: 'GitRepository', name: source } },
});
const cm = (name: string, ns: string, data: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data });

describe('build and diff --recursive with --local-sources', () => {
  let dir: string;
  let h: CliHarness;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'fluxion-build-rec-'));
    const write = (rel: string, docs: KubeObject[]): void => {
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      writeFileSync(path.join(dir, rel), docs.map((d) => `---\n${stringify(d)}`).join(''));
    };
    // The fleet repository: the cluster directory holds the apps Kustomization, apps/ holds a
    // ConfigMap and a Kustomization of another repository (db).
    write('fleet/clusters/dev/apps.yaml', [ks('apps', 'flux-system', './apps'), cm('cluster-info', 'flux-system', { env: 'dev' })]);
    write('fleet/apps/web.yaml', [cm('web', 'apps', { replicas: '2' }), ks('db', 'db-repo', './deploy')]);
    write('db-repo/deploy/db.yaml', [cm('db', 'data', { size: 'small' })]);
    write('flux-system.yaml', [ks('flux-system', 'flux-system', './clusters/dev')]);
    h = await startCliHarness({ clock: new ManualClock() });
  });
  afterAll(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const names = (out: string): string[] => parseAllDocuments(out).map((d) => {
    const o = d.toJS() as KubeObject;
    return `${o.kind}/${o.metadata.namespace}/${o.metadata.name} by ${o.metadata.labels?.['kustomize.toolkit.fluxcd.io/name']}`;
  });
  const sources = 'GitRepository/flux-system/flux-system=./fleet,GitRepository/flux-system/db-repo=./db-repo';

  it('builds every nested Kustomization from its local source, labelled by its own name', async () => {
    const r = await runFluxion(['build', 'ks', 'flux-system', '--path', './fleet/clusters/dev', '--kustomization-file', './flux-system.yaml', '--dry-run', '--recursive', '--local-sources', sources], { cwd: dir });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(names(r.out)).toEqual([
      'ConfigMap/flux-system/cluster-info by flux-system',
      'Kustomization/flux-system/apps by flux-system',
      'ConfigMap/apps/web by apps',
      'Kustomization/flux-system/db by apps',
      'ConfigMap/data/db by db',
    ]);
  });

  it('builds only the named Kustomization without --recursive', async () => {
    const r = await runFluxion(['build', 'ks', 'flux-system', '--path', './fleet/clusters/dev', '--kustomization-file', './flux-system.yaml', '--dry-run'], { cwd: dir });
    expect(names(r.out)).toEqual(['ConfigMap/flux-system/cluster-info by flux-system', 'Kustomization/flux-system/apps by flux-system']);
  });

  it('says which source has no local path', async () => {
    const r = await runFluxion(['build', 'ks', 'flux-system', '--path', './fleet/clusters/dev', '--kustomization-file', './flux-system.yaml', '--dry-run', '-r', '--local-sources', 'GitRepository/flux-system/flux-system=./fleet'], { cwd: dir });
    expect(r).toEqual({ code: 1, out: '', err: '✗ cannot get local path for GitRepository/flux-system/db-repo of kustomization db\n' });
  });

  it('diff reports the changes of a nested Kustomization under its name', async () => {
    await h.cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
    await h.cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'data' } });
    const owned = (o: KubeObject, owner: string): KubeObject => ({ ...o, metadata: { ...o.metadata, labels: { 'kustomize.toolkit.fluxcd.io/name': owner, 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' } } });
    for (const [o, owner] of [
      [cm('cluster-info', 'flux-system', { env: 'dev' }), 'flux-system'],
      [ks('apps', 'flux-system', './apps'), 'flux-system'],
      [cm('web', 'apps', { replicas: '1' }), 'apps'],
      [ks('db', 'db-repo', './deploy'), 'apps'],
      [cm('db', 'data', { size: 'small' }), 'db'],
    ] as const) {
      await h.cluster.apply(owned(o, owner), { fieldManager: 'kustomize-controller' });
    }
    await h.seed(ks('flux-system', 'flux-system', './clusters/dev'), { conditions: [cond('Ready', 'True', 'ReconciliationSucceeded', 'Applied revision: main@sha1:1')] });
    const r = await h.run(['diff', 'ks', 'flux-system', '--path', path.join(dir, 'fleet/clusters/dev'), '--recursive', '--local-sources', `GitRepository/flux-system/flux-system=${path.join(dir, 'fleet')},GitRepository/flux-system/db-repo=${path.join(dir, 'db-repo')}`]);
    expect(r).toEqual({
      code: 1,
      out: `📁 Kustomization/flux-system/apps changed
► ConfigMap/apps/web drifted

data.replicas
± value change
- 1
+ 2

`,
      err: '✗ identified at least one change, exiting with non-zero exit code\n',
    });
  });
});
