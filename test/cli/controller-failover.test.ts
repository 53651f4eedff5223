/**
 * Two `fluxion controller` processes against one simulator served as a Kubernetes API: one
 * leads and applies, the other stands by; killing the leader hands over the Lease without
 * re-creating anything; SIGTERM releases the Lease and exits 0.
 *
 * The processes run on real time (leases of 2 s); the test waits on watch events and on the
 * processes' log lines, never on timers.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fluxCrds } from '../../src/api/crds.js';
import type { KubeObject } from '../../src/api/meta.js';
import { serveCluster } from '../../src/cluster/http/index.js';
import type { ServedCluster } from '../../src/cluster/http/index.js';
import { MemoryCluster } from '../../src/cluster/memory/index.js';
import { startGitServer } from '../../src/sources/git/serve.js';
import type { GitServer } from '../../src/sources/git/serve.js';
import { makeRepo } from '../helpers/git.js';
import type { TestRepo } from '../helpers/git.js';

const root = path.resolve(import.meta.dirname, '../..');
const lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', name: 'fluxion-leader-election', namespace: 'flux-system' };
const cm = { apiVersion: 'v1', kind: 'ConfigMap', name: 'settings', namespace: 'apps' };
const ks = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name: 'apps', namespace: 'flux-system' };

interface Replica {
  child: ChildProcessWithoutNullStreams;
  identity: Promise<string>;
  exited: Promise<number | null>;
  log: string[];
}

describe('fluxion controller: two replicas, one served simulator', () => {
  let dir: string;
  let cluster: MemoryCluster;
  let served: ServedCluster;
  let repo: TestRepo;
  let git: GitServer;
  let kubeconfig: string;
  const replicas: Replica[] = [];

  /** Resolves with `ref`'s object once `test` holds for it (now, or at a later watch event). */
  const when = async (ref: typeof cm, test: (obj: KubeObject | undefined) => boolean): Promise<KubeObject | undefined> => {
    const query = { apiVersion: ref.apiVersion, kind: ref.kind, namespace: ref.namespace, fieldSelector: `metadata.name=${ref.name}` };
    const list = await cluster.list(query);
    if (test(list.items[0])) return list.items[0];
    return new Promise((resolve) => {
      let done = false;
      let watch: { stop(): void } | undefined;
      void cluster
        .watch({ ...query, resourceVersion: list.resourceVersion }, (event) => {
          const obj = event.type === 'DELETED' ? undefined : event.object;
          if (done || !test(obj)) return;
          done = true;
          watch?.stop();
          resolve(obj);
        })
        .then((w) => {
          watch = w;
          if (done) w.stop();
        });
    });
  };

  const startReplica = (name: string): Replica => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/fluxion.ts',
        'controller',
        `--kubeconfig=${kubeconfig}`,
        '--enable-leader-election',
        '--leader-election-lease-duration=2s',
        '--leader-election-renew-deadline=1500ms',
        '--leader-election-retry-period=200ms',
        '--health-addr=127.0.0.1:0',
        '--metrics-addr=127.0.0.1:0',
        '--receiver-addr=127.0.0.1:0',
        `--storage-path=${path.join(dir, `state-${name}`)}`,
      ],
      { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: dir, RUNTIME_NAMESPACE: 'flux-system' }, stdio: 'pipe' },
    );
    const log: string[] = [];
    let buffer = '';
    let gotIdentity: (id: string) => void;
    const identity = new Promise<string>((resolve) => (gotIdentity = resolve));
    child.stderr.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        log.push(line);
        try {
          const entry = JSON.parse(line) as { msg?: string; identity?: string };
          if (entry.msg === 'started' && entry.identity) gotIdentity(entry.identity);
        } catch {
          // not a log line (a stack trace): kept in `log` for the failure message
        }
      }
    });
    child.stdout.resume();
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const replica = { child, identity, exited, log };
    replicas.push(replica);
    return replica;
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'fluxion-failover-'));
    repo = makeRepo('app');
    repo.commit({ 'deploy/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n', 'deploy/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: apps\ndata:\n  mode: one\n' });
    git = await startGitServer({ root: repo.root });
    cluster = new MemoryCluster({ crds: fluxCrds() });
    await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
    await cluster.create({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'app', namespace: 'flux-system' }, spec: { url: git.url('app.git'), interval: '1h', ref: { branch: 'main' } } });
    await cluster.create({ ...ks, metadata: { name: ks.name, namespace: ks.namespace }, spec: { interval: '1h', path: './deploy', prune: true, sourceRef: { kind: 'GitRepository', name: 'app' } } } as KubeObject);
    served = await serveCluster(cluster, { port: 0 });
    kubeconfig = path.join(dir, 'kubeconfig');
    await served.writeKubeconfig(kubeconfig);
  });

  afterAll(async () => {
    for (const r of replicas) if (r.child.exitCode === null) r.child.kill('SIGKILL');
    await Promise.all(replicas.map((r) => r.exited));
    await served.close();
    await git.close();
    repo.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('elects one leader that applies; on SIGKILL the standby takes over without re-creating anything; SIGTERM releases the Lease', async () => {
    const a = startReplica('a');
    const b = startReplica('b');
    const ids = await Promise.all([a.identity, b.identity]);
    expect(ids[0]).not.toBe(ids[1]);

    // One of them leads and applies the repository.
    const applied = await when(cm, (o) => (o?.data as { mode?: string } | undefined)?.mode === 'one');
    const holder = (await cluster.get(lease))?.spec as { holderIdentity?: string };
    expect(ids).toContain(holder.holderIdentity);
    const [leader, standby] = holder.holderIdentity === ids[0] ? [a, b] : [b, a];
    const standbyId = await standby.identity;
    const addr = (r: Replica, field: 'healthAddr' | 'metricsAddr'): string => {
      const line = r.log.map((l) => JSON.parse(l) as Record<string, string>).find((e) => e[field]);
      return `http://${line?.[field]}`;
    };
    // Both are ready (they reach the API server); only the leader has reconcile metrics.
    for (const r of [leader, standby]) expect((await fetch(`${addr(r, 'healthAddr')}/readyz`)).status).toBe(200);
    await when(ks, (o) => (o?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true);
    const metrics = await (await fetch(`${addr(leader, 'metricsAddr')}/metrics`)).text();
    expect(metrics).toContain('gotk_reconcile_condition{kind="Kustomization",name="apps",namespace="flux-system",type="Ready",status="True"} 1');
    expect(await (await fetch(`${addr(standby, 'metricsAddr')}/metrics`)).text()).not.toContain('gotk_reconcile_condition{');

    // Only the leader writes: the object is applied once, by kustomize-controller.
    expect(applied?.metadata.managedFields?.map((m) => m.manager)).toEqual(['kustomize-controller']);
    const uid = applied?.metadata.uid;
    const rv = applied?.metadata.resourceVersion;
    expect(leader.log.some((l) => l.includes('"msg":"started leading"') || l.includes('started leading'))).toBe(true);
    expect(standby.log.some((l) => l.includes('started leading'))).toBe(false);

    // The leader dies without releasing the Lease: the standby takes over once it expires.
    leader.child.kill('SIGKILL');
    await leader.exited;
    await when(lease, (o) => (o?.spec as { holderIdentity?: string } | undefined)?.holderIdentity === standbyId);
    expect(((await cluster.get(lease))?.spec as { leaseTransitions?: number }).leaseTransitions).toBeGreaterThanOrEqual(1);

    // The new leader resumes from the cluster: nothing re-created, nothing re-applied.
    await when(ks, (o) => (o?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true);
    const after = await cluster.get(cm);
    expect(after?.metadata.uid).toBe(uid);
    expect(after?.metadata.resourceVersion).toBe(rv);

    // It reconciles new commits.
    repo.commit({ 'deploy/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: apps\ndata:\n  mode: two\n' });
    await cluster.patch({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', name: 'app', namespace: 'flux-system' }, { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': 'after-failover' } } }, 'merge');
    const updated = await when(cm, (o) => (o?.data as { mode?: string } | undefined)?.mode === 'two');
    expect(updated?.metadata.uid).toBe(uid);

    // Graceful shutdown: exit 0 and the Lease released for the next replica.
    standby.child.kill('SIGTERM');
    expect(await standby.exited).toBe(0);
    expect(((await cluster.get(lease))?.spec as { holderIdentity?: string }).holderIdentity ?? '').toBe('');
  }, 120_000);
});
