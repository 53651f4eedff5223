import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { settle } from '../../src/api/clock.js';
import { Limiter } from '../../src/runtime/limiter.js';

describe('Limiter', () => {
  it('never runs more than the limit at once per lane, and runs everything in FIFO order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 6 }), fc.array(fc.constantFrom('a', 'b'), { minLength: 1, maxLength: 40 }), async (limit, lanes) => {
        const limiter = new Limiter(limit);
        const running: Record<string, number> = { a: 0, b: 0 };
        const order: Record<string, number[]> = { a: [], b: [] };
        const releases: (() => void)[] = [];
        const all = lanes.map((lane, i) =>
          limiter.run(lane, async () => {
            running[lane] = (running[lane] ?? 0) + 1;
            expect(running[lane]).toBeLessThanOrEqual(limit);
            order[lane]?.push(i);
            await new Promise<void>((r) => releases.push(r));
            running[lane] = (running[lane] ?? 0) - 1;
          }),
        );
        while (releases.length || Object.values(limiter.stats()).some((s) => s.running > 0)) {
          await settle(2);
          releases.splice(0).forEach((r) => r());
        }
        await Promise.all(all);
        for (const lane of ['a', 'b']) expect(order[lane]).toEqual([...(order[lane] ?? [])].sort((x, y) => x - y));
        for (const s of Object.values(limiter.stats())) expect(s.maxRunning).toBeLessThanOrEqual(limit);
      }),
      { numRuns: 80 },
    );
  });

  it('serves continuing steps before first steps, and a paused slot lets others run', async () => {
    const limiter = new Limiter(1);
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = limiter.run('k', async () => {
      log.push('a1');
      await gate;
    });
    const waitingNew = limiter.run('k', async () => void log.push('b1'));
    const waitingContinuing = limiter.run('k', async () => void log.push('a2'), { continuing: true });
    release();
    await Promise.all([first, waitingNew, waitingContinuing]);
    expect(log).toEqual(['a1', 'a2', 'b1']);

    log.length = 0;
    let wake!: () => void;
    const sleeping = limiter.run('k', async (slot) => {
      log.push('sleep');
      await slot.pause(new Promise<void>((r) => (wake = r)));
      log.push('woke');
    });
    await settle(2);
    await limiter.run('k', async () => void log.push('other'));
    expect(limiter.stats()['k']?.running).toBe(0);
    wake();
    await sleeping;
    expect(log).toEqual(['sleep', 'other', 'woke']);
    expect(limiter.stats()['k']).toMatchObject({ running: 0, queued: 0, maxRunning: 1 });
  });
});
