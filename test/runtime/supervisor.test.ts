import { describe, expect, it } from 'vitest';
import { FLUX_FINALIZER } from '../../src/api/annotations.js';
import { gitRepository, kustomization, readyOf, world } from './fixtures.js';

const repoRef = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', name: 'repo', namespace: 'flux-system' };

describe('Supervisor', () => {
  it('spawns an actor per object, adds the finalizer, and writes Flux status', async () => {
    const w = await world();
    await w.cluster.create(gitRepository('repo'));
    await w.flush();
    const obj = await w.cluster.get(repoRef);
    expect(obj?.metadata.finalizers).toContain(FLUX_FINALIZER);
    expect(await readyOf(w.cluster, 'GitRepository', 'repo')).toMatchObject({ status: 'True', reason: 'Succeeded' });
    expect(obj?.status).toMatchObject({ observedGeneration: 1 });
    expect(w.supervisor.stats()).toMatchObject({ actors: 1, states: { Healthy: 1 } });
    await w.supervisor.stop();
  });

  it('finalizes on delete, removes the finalizer, and lets the object go', async () => {
    const w = await world();
    await w.cluster.create(gitRepository('repo'));
    await w.flush();
    await w.cluster.delete(repoRef);
    await w.flush();
    expect(await w.cluster.get(repoRef)).toBeUndefined();
    expect(w.supervisor.stats().actors).toBe(0);
    await w.supervisor.stop();
  });

  it('turns a spec change into a new reconcile, and requestedAt into one more', async () => {
    const w = await world();
    await w.cluster.create(gitRepository('repo'));
    await w.flush();
    await w.cluster.patch(repoRef, { spec: { ref: { commit: 'abc1234' } } }, 'merge');
    await w.flush();
    expect(w.runs.filter((r) => r === 'GitRepository/repo')).toHaveLength(2);
    await w.cluster.patch(repoRef, { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': 'now-1' } } }, 'merge');
    await w.flush();
    expect(w.runs.filter((r) => r === 'GitRepository/repo')).toHaveLength(3);
    expect((await w.cluster.get(repoRef))?.status).toMatchObject({ lastHandledReconcileAt: 'now-1', observedGeneration: 2 });
    await w.supervisor.stop();
  });

  it('reports an invalid spec as Stalled, naming the field', async () => {
    const w = await world();
    await w.cluster.create({ ...gitRepository('repo'), spec: { url: 'ftp://nope', interval: '1m' } });
    await w.flush();
    const ready = await readyOf(w.cluster, 'GitRepository', 'repo');
    expect(ready).toMatchObject({ status: 'False', reason: 'InvalidSpec' });
    expect(ready?.message).toContain('spec.url');
    expect(w.supervisor.stats().states).toEqual({ Stalled: 1 });
    await w.supervisor.stop();
  });
});

describe('Supervisor scope (sharding)', () => {
  const labelled = (name: string, shard: string | undefined, namespace = 'flux-system') => {
    const obj = gitRepository(name);
    return { ...obj, metadata: { ...obj.metadata, namespace, ...(shard ? { labels: { 'sharding.fluxcd.io/key': shard } } : {}) } };
  };

  it('with --watch-label-selector reconciles only its shard, and picks up an object relabelled into it', async () => {
    const w = await world({ labelSelector: 'sharding.fluxcd.io/key=shard1' });
    await w.cluster.create(labelled('mine', 'shard1'));
    await w.cluster.create(labelled('theirs', 'shard2'));
    await w.cluster.create(labelled('unsharded', undefined));
    await w.flush();
    expect(w.runs).toEqual(['GitRepository/mine']);
    expect((await w.cluster.get({ ...repoRef, name: 'theirs' }))?.status).toBeUndefined();
    await w.cluster.patch({ ...repoRef, name: 'theirs' }, { metadata: { labels: { 'sharding.fluxcd.io/key': 'shard1' } } }, 'merge');
    await w.flush();
    expect(w.runs).toEqual(['GitRepository/mine', 'GitRepository/theirs']);
    await w.supervisor.stop();
  });

  it('lets go of an object relabelled to another shard without finalizing it', async () => {
    const w = await world({ labelSelector: 'sharding.fluxcd.io/key=shard1' });
    await w.cluster.create(labelled('moving', 'shard1'));
    await w.flush();
    expect(w.supervisor.stats().actors).toBe(1);
    await w.cluster.patch({ ...repoRef, name: 'moving' }, { metadata: { labels: { 'sharding.fluxcd.io/key': 'shard2' } } }, 'merge');
    await w.flush();
    expect(w.supervisor.stats().actors).toBe(0);
    const live = await w.cluster.get({ ...repoRef, name: 'moving' });
    expect(live?.metadata.finalizers).toContain(FLUX_FINALIZER);
    expect(live?.metadata.deletionTimestamp).toBeUndefined();
    await w.supervisor.stop();
  });

  it('the complement selector (!sharding.fluxcd.io/key) takes what no shard owns', async () => {
    const w = await world({ labelSelector: '!sharding.fluxcd.io/key' });
    await w.cluster.create(labelled('mine', 'shard1'));
    await w.cluster.create(labelled('unsharded', undefined));
    await w.flush();
    expect(w.runs).toEqual(['GitRepository/unsharded']);
    await w.supervisor.stop();
  });

  it('with a watch namespace reconciles only that namespace', async () => {
    const w = await world({ namespace: 'flux-system' });
    await w.cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
    await w.cluster.create(labelled('here', undefined));
    await w.cluster.create(labelled('elsewhere', undefined, 'team-a'));
    await w.flush();
    expect(w.runs).toEqual(['GitRepository/here']);
    await w.supervisor.stop();
  });
});

describe('Routing', () => {
  it("delivers a source's new revision to exactly the objects that reference it", async () => {
    const w = await world();
    await w.cluster.create(gitRepository('a'));
    await w.cluster.create(gitRepository('b'));
    await w.cluster.create(kustomization('uses-a', 'a'));
    await w.cluster.create(kustomization('uses-b', 'b'));
    await w.flush();
    const before = [...w.runs];
    await w.cluster.patch({ ...repoRef, name: 'a' }, { spec: { ref: { commit: 'bbbbbbb' } } }, 'merge');
    await w.flush();
    const after = w.runs.slice(before.length);
    expect(after).toEqual(['GitRepository/a', 'Kustomization/uses-a']);
    expect((await w.cluster.get({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name: 'uses-a', namespace: 'flux-system' }))?.status).toMatchObject({
      lastAppliedRevision: 'main@sha1:bbbbbbb',
    });
    await w.supervisor.stop();
  });

  it('holds a dependant in Waiting until its dependency is Ready, then runs it at once', async () => {
    let infraFails = true;
    const w = await world({ fail: (key) => (key === 'Kustomization/infra' && infraFails ? new Error('not yet') : undefined) });
    await w.cluster.create(gitRepository('repo'));
    await w.cluster.create(kustomization('infra', 'repo'));
    await w.cluster.create(kustomization('apps', 'repo', ['infra']));
    await w.flush();
    expect(await readyOf(w.cluster, 'Kustomization', 'apps')).toMatchObject({ status: 'False', reason: 'DependencyNotReady' });
    infraFails = false;
    await w.clock.advanceAsync(600_000);
    await w.flush();
    expect(await readyOf(w.cluster, 'Kustomization', 'infra')).toMatchObject({ status: 'True' });
    expect(await readyOf(w.cluster, 'Kustomization', 'apps')).toMatchObject({ status: 'True' });
    await w.supervisor.stop();
  });

  it('reports a dependency cycle as Stalled with the cycle in the message', async () => {
    const w = await world();
    await w.cluster.create(gitRepository('repo'));
    await w.cluster.create(kustomization('a', 'repo', ['b']));
    await w.cluster.create(kustomization('b', 'repo', ['a']));
    await w.flush();
    // 'a' first waited for a missing 'b'; its requeue finds the cycle.
    await w.clock.advanceAsync(30_000);
    await w.flush();
    const ready = await readyOf(w.cluster, 'Kustomization', 'a');
    expect(ready).toMatchObject({ status: 'False', reason: 'DependencyCycle' });
    expect(ready?.message).toBe('dependency cycle: Kustomization/flux-system/a -> Kustomization/flux-system/b -> Kustomization/flux-system/a');
    await w.supervisor.stop();
  });
});
