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
});
