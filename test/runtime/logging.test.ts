import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { lifecycleMachine } from '../../machines/index.js';
import { ManualClock, settle } from '../../src/api/clock.js';
import { fluxCrds } from '../../src/api/crds.js';
import { StalledError, TransientError, WaitingError } from '../../src/api/errors.js';
import { MemoryCluster } from '../../src/cluster/memory/index.js';
import { createController } from '../../src/controllers/controller.js';
import type { ControllerSpec } from '../../src/controllers/controller.js';
import { consoleLine, createLogger } from '../../src/runtime/logging.js';
import type { LoggerOptions } from '../../src/runtime/logging.js';
import { Metrics } from '../../src/runtime/metrics.js';
import { Supervisor } from '../../src/runtime/supervisor.js';
import { parsePromText, valueOf } from '../server/prom-text.js';
import { kustomization } from './fixtures.js';

/** A logger writing into memory; `lines()` returns what it wrote, line by line. */
function capture(options: Omit<LoggerOptions, 'destination'> = {}) {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = createLogger({ ...options, destination });
  return { logger, lines: () => chunks.join('').split('\n').filter(Boolean) };
}

const at = Date.parse('2026-01-01T00:00:01.200Z');
const fields = {
  controller: 'kustomization',
  controllerGroup: 'kustomize.toolkit.fluxcd.io',
  controllerKind: 'Kustomization',
  Kustomization: { name: 'apps', namespace: 'flux-system' },
  namespace: 'flux-system',
  name: 'apps',
  reconcileID: '0b9ad0a5-6c2f-4f5e-9b3e-3f1d3f0e9a11',
};

describe('createLogger: Flux controller log lines', () => {
  it('writes JSON with level as a string, ts as ISO time, msg, and no pid/hostname', () => {
    const { logger, lines } = capture({ now: () => at });
    logger.child(fields).info({ revision: 'main@sha1:abc' }, 'Reconciliation finished in 1.2s, next run in 10m0s');
    const [line] = lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(line).toEqual({ level: 'info', ts: '2026-01-01T00:00:01.200Z', msg: 'Reconciliation finished in 1.2s, next run in 10m0s', ...fields, revision: 'main@sha1:abc' });
    expect(Object.keys(line ?? {}).slice(0, 2)).toEqual(['level', 'ts']);
  });

  it('logs errors at error level and honours the level', () => {
    const { logger, lines } = capture({ level: 'error', now: () => at });
    logger.info('not written');
    logger.error({ error: 'kustomize build failed' }, 'Reconciliation failed after 0s, next try in 5m0s');
    expect(lines().map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
      { level: 'error', ts: '2026-01-01T00:00:01.200Z', msg: 'Reconciliation failed after 0s, next try in 5m0s', error: 'kustomize build failed' },
    ]);
  });

  it('writes nothing when silent', () => {
    const { logger, lines } = capture({ level: 'silent' });
    logger.error('nothing');
    expect(lines()).toEqual([]);
  });

  it("prints zap's console layout with encoding: 'console'", () => {
    const { logger, lines } = capture({ encoding: 'console', now: () => at });
    logger.child({ controller: 'kustomization' }).info('Reconciliation finished in 1.2s, next run in 10m0s');
    expect(lines()).toEqual(['2026-01-01T00:00:01.200Z\tINFO\tReconciliation finished in 1.2s, next run in 10m0s\t{"controller":"kustomization"}']);
    expect(consoleLine('not json')).toBe('not json\n');
  });
});

describe('controller logs: one Flux line per reconcile outcome, with its reconcileID', () => {
  it.each([
    ['ok', 'info', /^Reconciliation finished in 2s, next run in 10m0s$/, undefined],
    ['fail', 'error', /^Reconciliation failed after 2s, next try in 10m0s$/, 'BuildFailed'],
    ['stall', 'error', /^Reconciliation stalled after 2s, no retry until the spec changes$/, 'InvalidPath'],
    ['wait', 'info', /^Dependencies do not meet ready condition, retrying in 30s$/, 'DependencyNotReady'],
  ] as const)('%s → %s "%s"', async (mode, level, msg, reason) => {
    const clock = new ManualClock();
    const cluster = new MemoryCluster({ clock, crds: fluxCrds() });
    await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
    const { logger, lines } = capture({ now: () => clock.now() });
    const metrics = new Metrics();
    const spec: ControllerSpec = {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      machine: lifecycleMachine,
      reportingController: 'kustomize-controller',
      isSource: false,
      steps: {
        reconcile: async (_input, ctx) => {
          await ctx.sleep(2_000);
          if (mode === 'fail') throw new TransientError('BuildFailed', 'kustomize build failed');
          if (mode === 'stall') throw new StalledError('InvalidPath', 'path not found');
          if (mode === 'wait') throw new WaitingError('DependencyNotReady', "dependency 'flux-system/infra' is not ready", 30_000);
          return { revision: 'main@sha1:abc' };
        },
      },
    };
    const supervisor = new Supervisor({ cluster, clock, random: () => 0.5, registrations: [createController(spec, { cluster, clock, random: () => 0.5, logger, metrics, normalEvents: true })] });
    await supervisor.start();
    await cluster.create(kustomization('apps', 'repo'));
    await settle(10);
    await clock.advanceAsync(2_000);
    await settle(10);
    await supervisor.stop();
    const logged = lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged).toHaveLength(1);
    const [line] = logged;
    expect(line).toMatchObject({
      level,
      ts: new Date(clock.now()).toISOString(),
      controller: 'kustomization',
      controllerGroup: 'kustomize.toolkit.fluxcd.io',
      controllerKind: 'Kustomization',
      Kustomization: { name: 'apps', namespace: 'flux-system' },
      name: 'apps',
      namespace: 'flux-system',
      ...(mode === 'ok' ? { revision: 'main@sha1:abc' } : { reason }),
    });
    expect(String(line?.msg)).toMatch(msg);
    expect(line?.reconcileID).toMatch(/^[0-9a-f-]{36}$/);
    const samples = parsePromText(await metrics.text());
    expect(valueOf(samples, 'gotk_reconcile_duration_seconds_sum', { kind: 'Kustomization', name: 'apps', namespace: 'flux-system' })).toBe(2);
    const events = (await cluster.list({ apiVersion: 'v1', kind: 'Event', namespace: 'flux-system' })).items as { type?: string; reason?: string }[];
    expect(events.map((e) => `${e.type}/${e.reason}`)).toEqual([mode === 'ok' ? 'Normal/ReconciliationSucceeded' : mode === 'wait' ? 'Normal/DependencyNotReady' : `Warning/${reason}`]);
  });
});
