/**
 * `npm run demo`: the embedded simulator reconciling the bundled example repository, served by a
 * local git server, phase by phase — every step real: Git over HTTP, artifacts on disk, kustomize
 * builds, server-side apply, rollouts on the simulator, supervised actors and their status.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { parseAllDocuments } from 'yaml';
import { settle, systemClock } from '../api/clock.js';
import type { Condition } from '../api/conditions.js';
import type { KubeObject, ObjectRef } from '../api/meta.js';
import { createSimulator } from '../sim/simulator.js';
import { serveExampleRepo } from './example-repo.js';

interface FluxStatus {
  artifact?: { revision: string; digest: string; size?: number };
  conditions?: Condition[];
  observedGeneration?: number;
  lastAppliedRevision?: string;
  lastHandledReconcileAt?: string;
  inventory?: { entries: { id: string }[] };
}

const KS = 'kustomize.toolkit.fluxcd.io/v1';
const ks = (name: string): ObjectRef => ({ apiVersion: KS, kind: 'Kustomization', name, namespace: 'flux-system' });
const source: ObjectRef = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', name: 'flux-system', namespace: 'flux-system' };
const web: ObjectRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'web' };

export async function runDemo(out: Writable): Promise<number> {
  const say = (line = ''): void => void out.write(`${line}\n`);
  const phase = (n: number, title: string): void => say(`\n== ${n}. ${title}`);
  const started = Date.now();
  const repo = await serveExampleRepo();
  const clock = systemClock;
  const errors: string[] = [];
  const sim = createSimulator({ clock, rolloutDelayMs: 300, healthPollMs: 100, onError: (m) => errors.push(m) });
  const { cluster, supervisor } = sim;

  const status = async (ref: ObjectRef): Promise<FluxStatus> => ((await cluster.get(ref))?.status ?? {}) as FluxStatus;
  const ready = async (ref: ObjectRef): Promise<Condition | undefined> => (await status(ref)).conditions?.find((c) => c.type === 'Ready');
  const until = async (what: string, check: () => Promise<boolean>): Promise<void> => {
    const deadline = Date.now() + 30_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await settle(1);
    }
  };
  const allReady = async (revision?: string): Promise<boolean> => {
    for (const name of ['flux-system', 'infrastructure', 'apps']) {
      const st = await status(ks(name));
      if (st.conditions?.find((c) => c.type === 'Ready')?.status !== 'True') return false;
      if (revision && st.lastAppliedRevision !== revision) return false;
    }
    return true;
  };
  const request = async (ref: ObjectRef, stamp: string): Promise<void> => {
    await cluster.patch(ref, { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': stamp } } }, 'merge');
  };
  const tree = async (): Promise<void> => {
    const src = await status(source);
    say(`   GitRepository/flux-system  ${src.artifact?.revision ?? '-'}`);
    for (const name of ['flux-system', 'infrastructure', 'apps']) {
      const st = await status(ks(name));
      const r = st.conditions?.find((c) => c.type === 'Ready');
      say(`   Kustomization/${name}  Ready=${r?.status ?? '?'} (${r?.reason ?? ''})  ${r?.message ?? ''}`);
      for (const e of st.inventory?.entries ?? []) say(`      └ ${e.id}`);
    }
  };
  const deployment = async (): Promise<string> => {
    const d = await cluster.get(web);
    const spec = d?.spec as { replicas?: number; template?: { spec?: { containers?: { image?: string }[] } } } | undefined;
    const st = d?.status as { readyReplicas?: number } | undefined;
    return `Deployment/web/web replicas=${spec?.replicas ?? '-'} ready=${st?.readyReplicas ?? 0} image=${spec?.template?.spec?.containers?.[0]?.image ?? '-'} resourceVersion=${d?.metadata.resourceVersion ?? '-'}`;
  };

  try {
    say('fluxion demo: the embedded simulator, a real git server on 127.0.0.1, supervised actors');
    phase(1, 'Start the simulator and the supervisor; serve the example repository');
    await sim.start();
    say(`   MemoryCluster with the Flux CRDs; repository at ${repo.url}`);

    phase(2, 'Bootstrap: apply clusters/demo/flux-system/gotk-sync.yaml (a GitRepository and the flux-system Kustomization)');
    const sync = parseAllDocuments(readFileSync(path.join(repo.workdir, 'clusters/demo/flux-system/gotk-sync.yaml'), 'utf8')).map((d) => d.toJS() as KubeObject);
    for (const obj of sync) await cluster.apply(obj, { fieldManager: 'flux-bootstrap' });
    await until('every Kustomization to be Ready', () => allReady());
    say('   flux-system applied infrastructure and apps; apps waited for infrastructure (dependsOn) and for the rollout (wait: true):');
    await tree();
    say(`   ${await deployment()}`);

    phase(3, 'Reconcile with nothing new: no clone, no apply');
    const rv = (await cluster.get(web))?.metadata.resourceVersion;
    const posts = repo.server.counts.uploadPack;
    await request(source, 'no-change');
    await request(ks('apps'), 'no-change');
    await until(
      'the requests to be handled',
      async () =>
        (await status(source)).lastHandledReconcileAt === 'no-change' &&
        (await ready(source))?.status === 'True' &&
        (await status(ks('apps'))).lastHandledReconcileAt === 'no-change' &&
        (await allReady()),
    );
    say(`   git-upload-pack requests: ${repo.server.counts.uploadPack - posts} (ls-refs only); Deployment resourceVersion unchanged: ${(await cluster.get(web))?.metadata.resourceVersion === rv}`);

    phase(4, 'Deploy a change: a commit moves the image to 6.7.1 and replicas to 3');
    const deployPath = 'apps/base/web/deployment.yaml';
    const updated = readFileSync(path.join(repo.workdir, deployPath), 'utf8').replace('podinfo:6.7.0', 'podinfo:6.7.1');
    const c1 = repo.commit({ [deployPath]: updated, 'apps/demo/kustomization.yaml': readFileSync(path.join(repo.workdir, 'apps/demo/kustomization.yaml'), 'utf8').replace('value: 2', 'value: 3') }, 'web 6.7.1, 3 replicas');
    await request(source, 'deploy');
    await until('the new revision everywhere', () => allReady(`main@sha1:${c1}`));
    say(`   main@sha1:${c1.slice(0, 12)}… reached every Kustomization through source.revisionChanged`);
    say(`   ${await deployment()}`);

    phase(5, 'Drift: someone scales the Deployment by hand; the watch on applied objects reverts it at once');
    await cluster.apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'web' }, spec: { replicas: 1 } }, { fieldManager: 'kubectl', force: true });
    const drifted = Date.now();
    say(`   after kubectl scale: ${await deployment()}`);
    await until('the drift to be corrected', async () => ((await cluster.get(web))?.spec as { replicas?: number }).replicas === 3);
    say(`   corrected:           ${await deployment()} (${Date.now() - drifted} ms later, no interval, no request)`);

    phase(6, 'Prune: a commit removes the Service from the repository');
    const base = readFileSync(path.join(repo.workdir, 'apps/base/web/kustomization.yaml'), 'utf8').replace('  - service.yaml\n', '');
    const c2 = repo.commit({ 'apps/base/web/kustomization.yaml': base, 'apps/base/web/service.yaml': null }, 'Drop the Service');
    await request(source, 'prune');
    await until('the prune', async () => (await allReady(`main@sha1:${c2}`)) && (await cluster.get({ apiVersion: 'v1', kind: 'Service', name: 'web', namespace: 'web' })) === undefined);
    say('   Service/web/web deleted; the inventory no longer lists it:');
    for (const e of (await status(ks('apps'))).inventory?.entries ?? []) say(`      └ ${e.id}`);

    phase(7, 'A bad commit: invalid YAML in apps/base/web/deployment.yaml');
    const before = await deployment();
    const c3 = repo.commit({ [deployPath]: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: [broken\n' }, 'Oops');
    await request(source, 'bad');
    await until('the build failure', async () => (await status(ks('apps'))).conditions?.some((c) => c.type === 'Ready' && c.status === 'False' && c.reason === 'BuildFailed') ?? false);
    const failed = await ready(ks('apps'));
    say(`   Kustomization/apps Ready=False (${failed?.reason}) ${failed?.message}`);
    say(`   nothing pruned, nothing changed: ${(await deployment()) === before}; last applied revision still ${((await status(ks('apps'))).lastAppliedRevision ?? '').slice(0, 17)}…`);
    const c4 = repo.commit({ [deployPath]: updated }, 'Fix the manifest');
    await request(source, 'fixed');
    await until('recovery', () => allReady(`main@sha1:${c4}`));
    say(`   fixed at main@sha1:${c4.slice(0, 12)}… (after ${c3.slice(0, 7)}): every Kustomization Ready again`);

    const stats = supervisor.stats();
    const events = await cluster.list({ apiVersion: 'v1', kind: 'Event', namespace: 'flux-system' });
    say(`\n   actors: ${stats.actors} ${JSON.stringify(stats.states)}; restarts: ${JSON.stringify(stats.restarts)}`);
    say(`   Kubernetes Events: ${events.items.map((e) => `${String(e.reason)}×${String(e.count)}`).join(', ') || 'none'}`);
    say(`\ndone in ${((Date.now() - started) / 1000).toFixed(1)} s. State charts of these actors: docs/state-charts.md`);
    return 0;
  } catch (err) {
    say(`\ndemo failed: ${(err as Error).message}`);
    for (const e of errors.slice(-10)) say(`   ${e}`);
    return 1;
  } finally {
    await sim.stop();
    await repo.close();
  }
}
