import { describe, expect, it } from 'vitest';
import { ManualClock, settle } from '../../src/api/clock.js';
import { fluxCrds } from '../../src/api/crds.js';
import { MemoryCluster } from '../../src/cluster/memory/index.js';
import { Limiter } from '../../src/runtime/limiter.js';
import { exponentialBucketsRange, fluxDurationBuckets, Metrics } from '../../src/runtime/metrics.js';
import { Supervisor } from '../../src/runtime/supervisor.js';
import { parsePromText, select, valueOf } from '../server/prom-text.js';
import { gitRepository } from './fixtures.js';

const subject = { kind: 'Kustomization', name: 'apps', namespace: 'flux-system' };
const scrape = async (m: Metrics) => parsePromText(await m.text());
const readyGauge = async (m: Metrics) => Object.fromEntries(select(await scrape(m), 'gotk_reconcile_condition', { ...subject, type: 'Ready' }).map((s) => [s.labels.status, s.value]));

describe('Metrics: Flux names, labels and semantics', () => {
  it("uses Flux's duration buckets: ExponentialBucketsRange(10ms, 1800s, 10)", () => {
    expect(fluxDurationBuckets).toHaveLength(10);
    expect(fluxDurationBuckets[0]).toBeCloseTo(0.01, 12);
    expect(fluxDurationBuckets[9]).toBeCloseTo(1800, 6);
    for (let i = 1; i < 10; i++) expect((fluxDurationBuckets[i] as number) / (fluxDurationBuckets[i - 1] as number)).toBeCloseTo((1800 / 0.01) ** (1 / 9), 9);
    expect(() => exponentialBucketsRange(0, 1, 3)).toThrow(RangeError);
  });

  it.each([
    ['True', { True: 1, False: 0, Unknown: 0, Deleted: 0 }],
    ['False', { True: 0, False: 1, Unknown: 0, Deleted: 0 }],
    ['Unknown', { True: 0, False: 0, Unknown: 1, Deleted: 0 }],
  ])('sets 1 on the Ready status %s and 0 on the others', async (status, expected) => {
    const m = new Metrics();
    m.recordReadiness(subject, [{ type: 'Reconciling', status: 'True' }, { type: 'Ready', status }]);
    expect(await readyGauge(m)).toEqual(expected);
    expect(select(await scrape(m), 'gotk_reconcile_condition', { type: 'Reconciling' })).toEqual([]);
  });

  it('counts a missing Ready condition as Unknown, and a deleted object as Deleted only', async () => {
    const m = new Metrics();
    m.recordReadiness(subject, []);
    expect(await readyGauge(m)).toEqual({ True: 0, False: 0, Unknown: 1, Deleted: 0 });
    m.recordReadiness(subject, [{ type: 'Ready', status: 'True' }], true);
    expect(await readyGauge(m)).toEqual({ True: 0, False: 0, Unknown: 0, Deleted: 1 });
  });

  it('records suspension and durations per object', async () => {
    const m = new Metrics();
    m.recordSuspend(subject, true);
    m.recordDuration(subject, 1.2);
    m.recordDuration(subject, 0.005);
    const s = await scrape(m);
    expect(valueOf(s, 'gotk_suspend_status', subject)).toBe(1);
    expect(valueOf(s, 'gotk_reconcile_duration_seconds_count', subject)).toBe(2);
    expect(valueOf(s, 'gotk_reconcile_duration_seconds_sum', subject)).toBeCloseTo(1.205, 9);
    expect(valueOf(s, 'gotk_reconcile_duration_seconds_bucket', { ...subject, le: String(fluxDurationBuckets[0]) })).toBe(1);
    expect(valueOf(s, 'gotk_reconcile_duration_seconds_bucket', { ...subject, le: '+Inf' })).toBe(2);
  });

  it('keeps a registry per instance, never the global one', async () => {
    const a = new Metrics();
    const b = new Metrics();
    a.recordSuspend(subject, true);
    expect(select(await scrape(b), 'gotk_suspend_status')).toEqual([]);
    expect(a.registry).not.toBe(b.registry);
  });

  it('reads actors per state and the limiter queue at scrape time', async () => {
    const m = new Metrics();
    const limiter = new Limiter(1);
    let states: Record<string, Record<string, number>> = { Kustomization: { Healthy: 2, Failed: 1 } };
    m.observeRuntime({ actors: () => states, queueDepth: () => Object.fromEntries(Object.entries(limiter.stats()).map(([k, l]) => [k, l.queued])) });
    let release!: () => void;
    const held = limiter.run('Kustomization', () => new Promise<void>((r) => (release = r)));
    const waiting = [limiter.run('Kustomization', async () => undefined), limiter.run('Kustomization', async () => undefined)];
    await settle();
    let s = await scrape(m);
    expect(valueOf(s, 'fluxion_queue_depth', { kind: 'Kustomization' })).toBe(2);
    expect(valueOf(s, 'fluxion_actors', { kind: 'Kustomization', state: 'Healthy' })).toBe(2);
    expect(valueOf(s, 'fluxion_actors', { kind: 'Kustomization', state: 'Failed' })).toBe(1);
    release();
    await Promise.all([held, ...waiting]);
    states = { Kustomization: { Healthy: 3 } };
    s = await scrape(m);
    expect(valueOf(s, 'fluxion_queue_depth', { kind: 'Kustomization' })).toBe(0);
    expect(select(s, 'fluxion_actors', { state: 'Failed' })).toEqual([]);
  });

  it('counts actor restarts by kind when the supervisor restarts a crashed actor', async () => {
    const clock = new ManualClock();
    const cluster = new MemoryCluster({ clock, crds: fluxCrds() });
    await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
    const m = new Metrics();
    const supervisor = new Supervisor({
      cluster,
      clock,
      random: () => 0.5,
      registrations: [
        {
          apiVersion: 'source.toolkit.fluxcd.io/v1',
          kind: 'GitRepository',
          createActor: () => {
            throw new Error('boom');
          },
        },
      ],
      onRestart: (kind) => m.actorRestarted(kind),
    });
    m.observeRuntime({ actors: () => supervisor.stats().byKind, queueDepth: () => ({}) });
    await supervisor.start();
    await cluster.create(gitRepository('repo'));
    await settle(10);
    expect(valueOf(await scrape(m), 'fluxion_actor_restarts_total', { kind: 'GitRepository' })).toBe(1);
    expect(valueOf(await scrape(m), 'fluxion_actors', { kind: 'GitRepository', state: 'Restarting' })).toBe(1);
    await clock.advanceAsync(60_000);
    expect(valueOf(await scrape(m), 'fluxion_actor_restarts_total', { kind: 'GitRepository' })).toBeGreaterThanOrEqual(2);
    await supervisor.stop();
  });
});
