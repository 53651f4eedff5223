/** `fluxion logs` reading the controller pods' logs through the Kubernetes API, as `flux logs` does. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fluxCrds } from '../../src/api/crds.js';
import { serveCluster } from '../../src/cluster/http/index.js';
import type { ServedCluster } from '../../src/cluster/http/index.js';
import { MemoryCluster } from '../../src/cluster/memory/index.js';
import { runFluxion } from '../helpers/cli.js';

const line = (o: Record<string, unknown>) => `${JSON.stringify(o)}\n`;
const LOGS: Record<string, string> = {
  'fluxion-controller-a': line({ level: 'info', ts: '2026-01-01T00:00:01.200Z', msg: 'Reconciliation finished in 1.2s, next run in 10m0s', controllerKind: 'Kustomization', namespace: 'flux-system', name: 'apps' }),
  'fluxion-controller-b': line({ level: 'error', ts: '2026-01-01T00:00:02.000Z', msg: 'Reconciler error', controllerKind: 'GitRepository', namespace: 'flux-system', name: 'podinfo', error: 'authentication required' }) + line({ level: 'info', ts: '2026-01-01T00:00:03.000Z', msg: 'stopped leading' }),
};

describe('fluxion logs from the cluster', () => {
  let dir: string;
  let served: ServedCluster;
  let kubeconfig: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'fluxion-podlogs-'));
    const cluster = new MemoryCluster({ crds: fluxCrds() });
    await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
    for (const name of Object.keys(LOGS)) {
      await cluster.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'flux-system', labels: { app: 'fluxion-controller' } }, spec: { containers: [{ name: 'manager', image: 'fluxion:v0.1.0' }] } });
    }
    await cluster.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'unrelated', namespace: 'flux-system' }, spec: { containers: [{ name: 'x', image: 'nginx' }] } });
    served = await serveCluster(cluster, { port: 0, podLogs: (_ns, pod, container) => (container === 'manager' ? LOGS[pod] : 'not this one\n') });
    kubeconfig = path.join(dir, 'kubeconfig');
    await served.writeKubeconfig(kubeconfig);
  });
  afterAll(async () => {
    await served.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads every fluxion-controller pod, filtering and formatting as flux logs', async () => {
    const all = await runFluxion(['logs', '--kubeconfig', kubeconfig], { cwd: dir, env: { HOME: dir } });
    expect(all).toEqual({
      code: 0,
      err: '',
      out: [
        '2026-01-01T00:00:01.200Z info Kustomization/apps.flux-system - Reconciliation finished in 1.2s, next run in 10m0s \n',
        '2026-01-01T00:00:02.000Z error GitRepository/podinfo.flux-system - Reconciler error authentication required\n',
      ].join(''),
    });
    const errors = await runFluxion(['logs', '--kubeconfig', kubeconfig, '--level', 'error'], { cwd: dir, env: { HOME: dir } });
    expect(errors.out).toBe('2026-01-01T00:00:02.000Z error GitRepository/podinfo.flux-system - Reconciler error authentication required\n');
  });

  it('says so when there is no controller in the namespace', async () => {
    const r = await runFluxion(['logs', '--kubeconfig', kubeconfig, '-n', 'default'], { cwd: dir, env: { HOME: dir } });
    expect(r.code).toBe(1);
    expect(r.err).toBe('✗ no fluxion-controller pods found in the default namespace\n');
  });
});
