import { describe, expect, it } from 'vitest';
import { StalledError, TransientError, WaitingError } from '../../src/api/errors.js';
import { gitRepositoryMachine, kustomizationMachine, lifecycleMachine } from '../../machines/index.js';
import { backoffMs } from '../../machines/lifecycle.js';
import { gitRepo, run, timing, topState } from './harness.js';

describe('the shared lifecycle', () => {
  it('reconciles on start, becomes Healthy with Ready=True, and reconciles again after the interval', async () => {
    let n = 0;
    const h = run(lifecycleMachine, () => ({ ok: true, out: { revision: `rev-${++n}` } }), { steps: ['reconcile'] });
    await h.flush();
    expect(topState(h.actor.getSnapshot().value)).toBe('Healthy');
    const ready = h.rec.statuses.at(-1)?.status?.conditions.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'True', reason: 'ReconciliationSucceeded', message: 'Applied revision: rev-1' });
    expect(h.rec.ready).toEqual(['rev-1']);
    await h.clock.advanceAsync(59_000);
    expect(n).toBe(1);
    await h.clock.advanceAsync(1_000);
    expect(n).toBe(2);
    expect(h.rec.revisions).toEqual(['rev-1', 'rev-2']);
  });

  it('shows Reconciling=True and Ready=Unknown while a run is under way', async () => {
    const h = run(lifecycleMachine, () => ({ ok: true }), { steps: ['reconcile'] });
    const first = h.rec.statuses[0];
    expect(first?.status?.conditions.map((c) => `${c.type}=${c.status}`)).toEqual(['Ready=Unknown', 'Reconciling=True']);
    await h.flush();
  });

  it('backs off exponentially after failures, capped, and recovers', async () => {
    let calls = 0;
    const h = run(lifecycleMachine, () => (++calls <= 4 ? { ok: false, error: new TransientError('BuildFailed', 'bad yaml in apps/web.yaml') } : { ok: true }), { steps: ['reconcile'] });
    await h.flush();
    expect(topState(h.actor.getSnapshot().value)).toBe('Failed');
    expect(h.rec.statuses.at(-1)?.status?.conditions.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'BuildFailed', message: 'bad yaml in apps/web.yaml' });
    expect(h.rec.events.at(-1)).toMatchObject({ type: 'Warning', reason: 'BuildFailed' });
    const delays = [10_000, 20_000, 40_000, 80_000];
    for (const [i, d] of delays.entries()) {
      await h.clock.advanceAsync(d - 1);
      expect(calls).toBe(i + 1);
      await h.clock.advanceAsync(1);
      expect(calls).toBe(i + 2);
    }
    expect(topState(h.actor.getSnapshot().value)).toBe('Healthy');
  });

  it.each([
    [1, 10_000],
    [2, 20_000],
    [5, 160_000],
    [30, 160_000],
  ])('backoff after %d failures is %d ms', (failures, ms) => {
    expect(backoffMs(timing, failures)).toBe(ms);
  });

  it('waits for the requeue delay a WaitingError asks for, or a dependency message, whichever comes first', async () => {
    let calls = 0;
    const h = run(lifecycleMachine, () => (++calls === 1 ? { ok: false, error: new WaitingError('DependencyNotReady', "dependency 'flux-system/infra' is not ready", 30_000) } : { ok: true }), { steps: ['reconcile'] });
    await h.flush();
    expect(topState(h.actor.getSnapshot().value)).toBe('Waiting');
    expect(h.rec.statuses.at(-1)?.status?.conditions.find((c) => c.type === 'Ready')?.reason).toBe('DependencyNotReady');
    h.actor.send({ type: 'dependency.ready', ref: { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name: 'infra', namespace: 'flux-system' } });
    await h.flush();
    expect(calls).toBe(2);
    expect(topState(h.actor.getSnapshot().value)).toBe('Healthy');
  });

  it('stalls on a StalledError and retries only when the spec changes', async () => {
    let calls = 0;
    const h = run(lifecycleMachine, () => (++calls === 1 ? { ok: false, error: new StalledError('InvalidSpec', 'spec.url: Required value') } : { ok: true }), { steps: ['reconcile'] });
    await h.flush();
    expect(topState(h.actor.getSnapshot().value)).toBe('Stalled');
    const conds = h.rec.statuses.at(-1)?.status?.conditions ?? [];
    expect(conds.find((c) => c.type === 'Stalled')).toMatchObject({ status: 'True', reason: 'InvalidSpec' });
    await h.clock.advanceAsync(3_600_000);
    h.actor.send({ type: 'source.revisionChanged', revision: 'main@sha1:abc' });
    await h.flush();
    expect(calls).toBe(1);
    h.actor.send({ type: 'spec.changed', object: gitRepo(2) });
    await h.flush();
    expect(calls).toBe(2);
    expect(h.rec.statuses.at(-1)?.status).toMatchObject({ observedGeneration: 2 });
  });

  it('coalesces requests that arrive during a run into one follow-up run', async () => {
    let release: () => void = () => undefined;
    let calls = 0;
    const { createActor, fromPromise } = await import('xstate');
    const { ManualClock, settle } = await import('../../src/api/clock.js');
    const clock = new ManualClock();
    const machine = lifecycleMachine.provide({
      actors: {
        reconcile: fromPromise(async () => {
          calls++;
          if (calls === 1) await new Promise<void>((r) => (release = r));
          return {};
        }),
      } as never,
    });
    const actor = createActor(machine, { clock, input: { object: gitRepo(), timing, now: () => clock.now(), random: () => 0.5 } });
    actor.start();
    await settle();
    for (let i = 0; i < 5; i++) actor.send({ type: 'reconcile.requested', requestedAt: `t${i}` });
    release();
    await settle(8);
    expect(calls).toBe(2);
    expect(actor.getSnapshot().context.lastHandledReconcileAt).toBe('t4');
  });

  it('does no work while suspended and reconciles on resume', async () => {
    let calls = 0;
    const h = run(lifecycleMachine, () => (calls++, { ok: true }), { steps: ['reconcile'], object: gitRepo(1, true) });
    await h.flush();
    expect(topState(h.actor.getSnapshot().value)).toBe('Suspended');
    h.actor.send({ type: 'reconcile.requested' });
    await h.clock.advanceAsync(24 * 3_600_000);
    expect(calls).toBe(0);
    h.actor.send({ type: 'resume' });
    await h.flush();
    expect(calls).toBe(1);
  });

  it('finalizes on deletion and ends in the final Pruned state', async () => {
    const h = run(lifecycleMachine, () => ({ ok: true }), { steps: ['reconcile'] });
    await h.flush();
    h.actor.send({ type: 'object.deleted' });
    await h.flush();
    expect(h.rec.calls.map((c) => c.effect)).toEqual(['reconcile', 'finalize']);
    expect(h.actor.getSnapshot().value).toBe('Pruned');
    expect(h.actor.getSnapshot().status).toBe('done');
  });
});

describe('GitRepository refinement', () => {
  it('runs checkRemote → fetch → storeArtifact and tells referrers about the new revision', async () => {
    const h = run(gitRepositoryMachine, (effect) => ({ ok: true, out: effect === 'checkRemote' ? { revision: 'main@sha1:aaa' } : {} }), { steps: ['checkRemote', 'fetch', 'storeArtifact'], input: { isSource: true } });
    await h.flush();
    expect(h.rec.calls.map((c) => c.effect)).toEqual(['checkRemote', 'fetch', 'storeArtifact']);
    expect(h.rec.revisions).toEqual(['main@sha1:aaa']);
    expect(h.rec.statuses.at(-1)?.status?.conditions.find((c) => c.type === 'Ready')?.reason).toBe('Succeeded');
  });

  it('skips fetch and storage when the remote revision is unchanged, and sends no revision message', async () => {
    const h = run(gitRepositoryMachine, (effect) => ({ ok: true, out: effect === 'checkRemote' ? { revision: 'main@sha1:aaa', unchanged: true } : {} }), {
      steps: ['checkRemote', 'fetch', 'storeArtifact'],
      input: { isSource: true, status: { lastAppliedRevision: 'main@sha1:aaa' } },
    });
    await h.flush();
    expect(h.rec.calls.map((c) => c.effect)).toEqual(['checkRemote']);
    expect(h.rec.revisions).toEqual([]);
    expect(topState(h.actor.getSnapshot().value)).toBe('Healthy');
  });
});

describe('Kustomization refinement', () => {
  it('runs the pipeline in order, passing data along, then checks health before Ready', async () => {
    const h = run(
      kustomizationMachine,
      (effect, input) => {
        if (effect === 'fetchArtifact') return { ok: true, out: { revision: 'main@sha1:bbb', data: { dir: '/tmp/x' } } };
        if (effect === 'build') return { ok: true, out: { data: { objects: 3, seenDir: input.data.dir } } };
        return { ok: true };
      },
      { steps: ['checkDependencies', 'fetchArtifact', 'build', 'applyStaged', 'prune'] },
    );
    await h.flush();
    expect(h.rec.calls.map((c) => c.effect)).toEqual(['checkDependencies', 'fetchArtifact', 'build', 'applyStaged', 'prune', 'checkHealth']);
    expect(h.rec.calls.find((c) => c.effect === 'applyStaged')?.input).toMatchObject({ data: { dir: '/tmp/x', objects: 3, seenDir: '/tmp/x' } });
    expect(h.rec.statuses.map((s) => s.state)).toContain('Applied');
    expect(h.rec.statuses.at(-1)?.status).toMatchObject({ lastAppliedRevision: 'main@sha1:bbb', lastAttemptedRevision: 'main@sha1:bbb' });
  });

  it('never prunes when the build fails', async () => {
    const h = run(kustomizationMachine, (effect) => (effect === 'build' ? { ok: false, error: new TransientError('BuildFailed', 'kustomization.yaml: invalid') } : { ok: true }), {
      steps: ['checkDependencies', 'fetchArtifact', 'build', 'applyStaged', 'prune'],
    });
    await h.flush();
    expect(h.rec.calls.map((c) => c.effect)).not.toContain('prune');
    expect(topState(h.actor.getSnapshot().value)).toBe('Failed');
  });
});
