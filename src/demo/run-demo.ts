/**
 * `npm run demo`: the embedded simulator reconciling the bundled example repository, served by a
 * local git server, phase by phase — every step real: Git over HTTP, artifacts on disk, actors
 * and status in the in-memory cluster.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { settle, systemClock } from '../api/clock.js';
import { fluxCrds } from '../api/crds.js';
import type { Condition } from '../api/conditions.js';
import type { KubeObject, ObjectRef } from '../api/meta.js';
import { MemoryCluster } from '../cluster/memory/index.js';
import { gitRepositoryController } from '../controllers/git-repository.js';
import { Supervisor } from '../runtime/supervisor.js';
import { ArtifactStorage } from '../sources/artifact/storage.js';
import { readArchive } from '../sources/git-repository.js';
import { serveExampleRepo } from './example-repo.js';

interface Status {
  artifact?: { revision: string; digest: string; size?: number; path: string };
  conditions?: Condition[];
  observedGeneration?: number;
}

export async function runDemo(out: Writable): Promise<number> {
  const say = (line = ''): void => void out.write(`${line}\n`);
  const phase = (n: number, title: string): void => say(`\n== ${n}. ${title}`);
  const started = Date.now();
  const repo = await serveExampleRepo();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'fluxion-demo-state-'));
  const clock = systemClock;
  const cluster = new MemoryCluster({ clock, crds: fluxCrds(), rolloutDelayMs: 500 });
  const storage = new ArtifactStorage({ root: path.join(tmp, 'artifacts'), clock });
  const errors: string[] = [];
  const supervisor = new Supervisor({
    cluster,
    clock,
    registrations: [gitRepositoryController({ storage, cacheRoot: path.join(tmp, 'git-cache') }, { cluster, clock, onError: (m) => errors.push(m) })],
    onError: (m) => errors.push(m),
  });
  const ref: ObjectRef = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', name: 'flux-system', namespace: 'flux-system' };
  const status = async (): Promise<Status> => ((await cluster.get(ref))?.status ?? {}) as Status;
  const ready = async (): Promise<Condition | undefined> => (await status()).conditions?.find((c) => c.type === 'Ready');
  const until = async (what: string, check: () => Promise<boolean>): Promise<void> => {
    const deadline = Date.now() + 30_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await settle(1);
    }
  };
  const show = async (): Promise<void> => {
    const st = await status();
    const state = supervisor.actorFor(ref)?.getSnapshot().value;
    say(`   actor state: ${typeof state === 'string' ? state : JSON.stringify(state)}`);
    for (const c of st.conditions ?? []) say(`   ${c.type}=${c.status} (${c.reason}) ${c.message}`);
    if (st.artifact) say(`   artifact: ${st.artifact.revision}  ${st.artifact.digest.slice(0, 19)}…  ${st.artifact.size ?? 0} bytes  ${st.artifact.path}`);
  };
  const request = async (stamp: string): Promise<void> => {
    await cluster.patch(ref, { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': stamp } } }, 'merge');
  };

  try {
    say('fluxion demo: the embedded simulator, a real git server on 127.0.0.1, and supervised actors');
    phase(1, 'Start the simulator and the supervisor');
    await supervisor.start();
    await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
    const crds = await cluster.list({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' });
    say(`   MemoryCluster with ${crds.items.length} Flux CRDs installed: ${crds.items.map((c) => c.metadata.name).join(', ')}`);
    say(`   example repository served at ${repo.url}`);

    phase(2, 'Apply the GitRepository from clusters/demo/flux-system/gotk-sync.yaml (URL pointed at the local server)');
    const gitRepository: KubeObject = {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: 'flux-system', namespace: 'flux-system' },
      spec: { interval: '1m0s', ref: { branch: 'main' }, url: repo.url },
    };
    await cluster.apply(gitRepository, { fieldManager: 'fluxion-demo' });
    await until('the first artifact', async () => (await ready())?.status === 'True');
    await show();
    const files = await readArchive(await storage.read((await status()).artifact as never));
    say(`   the artifact holds ${files.length} files: ${files.map((f) => f.path).join(', ')}`);

    phase(3, 'Reconcile again with nothing new: the remote is asked for its refs, nothing is fetched');
    const fetchesBefore = repo.server.counts.uploadPack;
    const revBefore = (await status()).artifact?.revision;
    await request('demo-no-change');
    await until('the request to be handled', async () => ((await cluster.get(ref))?.status as { lastHandledReconcileAt?: string } | undefined)?.lastHandledReconcileAt === 'demo-no-change' && (await ready())?.status === 'True');
    say(`   git-upload-pack requests: ${repo.server.counts.uploadPack - fetchesBefore} (one ls-refs, no fetch); revision unchanged: ${(await status()).artifact?.revision === revBefore}`);

    phase(4, 'Push a commit: the new revision is fetched incrementally and stored');
    const commit = repo.commit({ 'apps/demo/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../base/web\n' }, 'Drop the replica patch');
    await request('demo-new-commit');
    await until('the new revision', async () => (await status()).artifact?.revision === `main@sha1:${commit}`);
    await show();

    phase(5, 'Point the GitRepository at a branch that does not exist: Ready=False, the last good artifact stays');
    await cluster.patch(ref, { spec: { ref: { branch: 'does-not-exist' } } }, 'merge');
    await until('the failure', async () => (await ready())?.status === 'False');
    await show();
    await cluster.patch(ref, { spec: { ref: { branch: 'main' } } }, 'merge');
    await until('recovery', async () => (await ready())?.status === 'True' && (await status()).observedGeneration === 3);
    say('   back on main:');
    await show();

    phase(6, 'An SSH URL cannot succeed until the spec changes: Stalled');
    await cluster.apply({ ...gitRepository, metadata: { name: 'over-ssh', namespace: 'flux-system' }, spec: { interval: '1m', url: 'ssh://git@example.com/org/repo' } }, { fieldManager: 'fluxion-demo' });
    const sshRef = { ...ref, name: 'over-ssh' };
    await until('the stalled condition', async () => (((await cluster.get(sshRef))?.status as Status | undefined)?.conditions ?? []).some((c) => c.type === 'Stalled'));
    for (const c of (((await cluster.get(sshRef))?.status as Status).conditions ?? [])) say(`   ${c.type}=${c.status} (${c.reason}) ${c.message}`);

    phase(7, 'Delete the GitRepository: the actor finalizes (artifacts removed) and the object goes');
    await cluster.delete(sshRef);
    await cluster.delete(ref);
    await until('deletion', async () => (await cluster.get(ref)) === undefined && (await cluster.get(sshRef)) === undefined);
    const stats = supervisor.stats();
    say(`   objects left: none; actors left: ${stats.actors}; restarts: ${JSON.stringify(stats.restarts)}`);
    const events = await cluster.list({ apiVersion: 'v1', kind: 'Event', namespace: 'flux-system' });
    say(`   Kubernetes Events recorded: ${events.items.map((e) => `${String(e.reason)}×${String(e.count)}`).join(', ')}`);
    say(`\ndone in ${((Date.now() - started) / 1000).toFixed(1)} s. State charts of these machines: docs/state-charts.md`);
    return 0;
  } catch (err) {
    say(`\ndemo failed: ${(err as Error).message}`);
    for (const e of errors) say(`   ${e}`);
    return 1;
  } finally {
    await supervisor.stop();
    await repo.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}
