import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Registration, SupervisedActor } from '../../src/runtime/supervisor.js';
import { gitRepository, world } from './fixtures.js';

type Op = { op: 'create' | 'update' | 'delete' | 'crash'; i: number } | { op: 'advance'; ms: number };

const arbOp: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constantFrom('create' as const, 'update' as const, 'delete' as const, 'crash' as const), i: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 120_000 }) }),
);

describe('Supervisor under random crash injection', () => {
  it('ends with exactly one live actor per existing object and none for deleted ones', async () => {
    let restarts = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(arbOp, { maxLength: 25 }), async (ops) => {
        const crashNext = new Set<string>();
        const created: { key: string; actor: SupervisedActor }[] = [];
        // Each actor's notifyReady action throws while a crash is armed for it: a bug escaping an action.
        const wrap = (r: Registration): Registration => ({
          ...r,
          createActor: (obj, routing) => {
            const key = `${obj.kind}/${obj.metadata.name}`;
            const actor = r.createActor(obj, {
              ...routing,
              notifyReady: (ref, rev, after) => {
                if (crashNext.delete(key)) throw new Error(`injected crash in ${key}`);
                routing.notifyReady(ref, rev, after);
              },
            });
            created.push({ key, actor });
            return actor;
          },
        });
        const w = await world({ wrap });
        const ref = (i: number) => ({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', name: `repo-${i}`, namespace: 'flux-system' });
        for (const op of ops) {
          if (op.op === 'advance') await w.clock.advanceAsync(op.ms);
          else if (op.op === 'create') await w.cluster.create(gitRepository(`repo-${op.i}`)).catch(() => undefined);
          else if (op.op === 'update') await w.cluster.patch(ref(op.i), { spec: { ref: { commit: `c${Math.floor(w.clock.now() % 1e6)}` } } }, 'merge').catch(() => undefined);
          else if (op.op === 'delete') await w.cluster.delete(ref(op.i)).catch(() => undefined);
          else {
            crashNext.add(`GitRepository/repo-${op.i}`);
            await w.cluster.patch(ref(op.i), { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': String(w.clock.now()) } } }, 'merge').catch(() => undefined);
          }
          await w.flush();
        }
        crashNext.clear();
        // Let every pending restart (capped at 60 s) and retry happen.
        for (let i = 0; i < 4; i++) await w.clock.advanceAsync(61_000);
        await w.flush();
        for (let i = 0; i <= 3; i++) {
          const exists = (await w.cluster.get(ref(i))) !== undefined;
          const live = created.filter((c) => c.key === `GitRepository/repo-${i}` && c.actor.getSnapshot().status === 'active');
          expect(live.length, `repo-${i} exists=${exists}`).toBe(exists ? 1 : 0);
          if (exists) expect(w.supervisor.actorFor(ref(i))).toBe(live[0]?.actor);
        }
        restarts += w.supervisor.stats().restarts.GitRepository ?? 0;
        await w.supervisor.stop();
      }),
      { numRuns: 60 },
    );
    // The crashes were real: actors errored and were restarted.
    expect(restarts).toBeGreaterThan(0);
  });
});
