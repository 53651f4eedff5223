import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { helmReleaseMachine } from '../../machines/index.js';
import type { ActionRecord, StepInput } from '../../machines/lifecycle.js';
import { StalledError, TransientError } from '../../src/api/errors.js';
import type { KubeObject } from '../../src/api/meta.js';
import { run } from './harness.js';
import type { Outcome } from './harness.js';

const actions = ['install', 'upgrade', 'correctDrift', 'test', 'rollback', 'uninstall', 'unlock'] as const;
const steps = ['checkDependencies', 'loadChart', 'determine', ...actions];

const helmRelease: KubeObject = {
  apiVersion: 'helm.toolkit.fluxcd.io/v2',
  kind: 'HelmRelease',
  metadata: { name: 'podinfo', namespace: 'apps', generation: 1 },
  spec: { interval: '10m', chart: { spec: { chart: 'podinfo', sourceRef: { kind: 'HelmRepository', name: 'podinfo' } } } },
};

const history = (input: StepInput): ActionRecord[] => (input.data.actions as ActionRecord[] | undefined) ?? [];
const next = (action: string): Outcome => ({ ok: true, out: { data: { next: action } } });

describe('HelmRelease machine: the decision loop', () => {
  it('installs, tests, and becomes Healthy; every action visible as a state', async () => {
    const visited: string[] = [];
    const { actor, rec, flush } = run(
      helmReleaseMachine,
      (effect, input) => {
        if (effect !== 'determine') return { ok: true, out: effect === 'install' ? { revision: '6.7.0', message: 'Helm install succeeded' } : {} };
        const done = history(input).map((a) => a.action);
        if (done.length === 0) return next('install');
        if (done.length === 1) return next('test');
        return { ok: true, out: { data: { next: 'done' } } };
      },
      { object: helmRelease, steps },
    );
    actor.subscribe((s) => visited.push(JSON.stringify(s.value)));
    await flush();
    expect(rec.calls.map((c) => c.effect)).toEqual(['checkDependencies', 'loadChart', 'determine', 'install', 'determine', 'test', 'determine']);
    expect(actor.getSnapshot().value).toBe('Healthy');
    expect(visited).toContain(JSON.stringify({ Reconciling: 'install' }));
    expect(visited).toContain(JSON.stringify({ Reconciling: 'test' }));
    expect(rec.ready).toEqual(['6.7.0']);
  });

  it('a failed upgrade is recorded, remediated by rollback, and the run fails for a retry', async () => {
    const { actor, rec, flush } = run(
      helmReleaseMachine,
      (effect, input) => {
        if (effect === 'upgrade') return { ok: false, error: new TransientError('UpgradeFailed', 'timed out waiting for the condition') };
        if (effect !== 'determine') return { ok: true };
        const h = history(input);
        if (h.length === 0) return next('upgrade');
        if (h.length === 1) {
          expect(h[0]).toEqual({ action: 'upgrade', ok: false, reason: 'UpgradeFailed', message: 'timed out waiting for the condition' });
          return next('rollback');
        }
        return { ok: false, error: new TransientError('UpgradeFailed', 'Helm upgrade failed: timed out waiting for the condition; rolled back') };
      },
      { object: helmRelease, steps },
    );
    await flush();
    expect(rec.calls.map((c) => c.effect)).toEqual(['checkDependencies', 'loadChart', 'determine', 'upgrade', 'determine', 'rollback', 'determine']);
    expect(actor.getSnapshot().value).toBe('Failed');
  });

  it('retries exhausted: the decision stalls the release', async () => {
    const { actor, flush } = run(
      helmReleaseMachine,
      (effect) => (effect === 'determine' ? { ok: false, error: new StalledError('RetriesExceeded', 'Failed to install after 1 attempt(s)') } : { ok: true }),
      { object: helmRelease, steps },
    );
    await flush();
    expect(actor.getSnapshot().value).toBe('Stalled');
  });

  it('property: any decision script runs each named action once per decision and ends in Healthy, Failed or Stalled', async () => {
    const decision = fc.oneof(
      fc.constantFrom(...actions).map((a) => ({ kind: 'next' as const, action: a })),
      fc.constant({ kind: 'done' as const }),
      fc.constant({ kind: 'fail' as const }),
      fc.constant({ kind: 'stall' as const }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(decision, { maxLength: 12 }), fc.array(fc.boolean(), { maxLength: 12 }), async (decisions, actionOk) => {
        let d = 0;
        let a = 0;
        const { actor, rec, flush } = run(
          helmReleaseMachine,
          (effect) => {
            if (effect === 'determine') {
              const step = decisions[d++] ?? { kind: 'done' as const };
              if (step.kind === 'next') return next(step.action);
              if (step.kind === 'fail') return { ok: false, error: new TransientError('ReconciliationFailed', 'x') };
              if (step.kind === 'stall') return { ok: false, error: new StalledError('RetriesExceeded', 'x') };
              return { ok: true, out: { data: { next: 'done' } } };
            }
            if ((actions as readonly string[]).includes(effect)) return actionOk[a++] ?? true ? { ok: true } : { ok: false, error: new TransientError('InstallFailed', 'x') };
            return { ok: true };
          },
          { object: helmRelease, steps },
        );
        await flush();
        const calls = rec.calls.map((c) => c.effect).slice(2);
        // determine, then (action, determine)* — each action exactly where the decision named it.
        let i = 0;
        for (const step of decisions) {
          expect(calls[i++]).toBe('determine');
          if (step.kind !== 'next') break;
          expect(calls[i++]).toBe(step.action);
        }
        expect(['Healthy', 'Failed', 'Stalled']).toContain(actor.getSnapshot().value);
        actor.stop();
      }),
      { numRuns: 100 },
    );
  });
});
