/**
 * The duplicate-event limiter as a property: for any sequence of events over time, an event is
 * let through iff it is the first with its key in its window, windows being the interval-long
 * ticks counted from the key's first appearance (go-limiter, one token per interval).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/api/clock.js';
import type { FluxEvent } from '../../src/notify/event.js';
import { EventRateLimiter, eventKey } from '../../src/notify/rate-limit.js';

const INTERVAL = 5 * 60_000;
const event = (name: string, message: string, revision?: string): FluxEvent => ({
  involvedObject: { kind: 'Kustomization', namespace: 'apps', name, apiVersion: 'kustomize.toolkit.fluxcd.io/v1' },
  severity: 'error',
  timestamp: '2026-01-01T00:00:00Z',
  message,
  reason: 'BuildFailed',
  ...(revision ? { metadata: { 'kustomize.toolkit.fluxcd.io/revision': revision } } : {}),
  reportingController: 'kustomize-controller',
});

describe('event rate limit', () => {
  it('lets an event through iff it is the first of its key in the current window', () => {
    const step = fc.record({
      wait: fc.integer({ min: 0, max: 4 * 60_000 }),
      name: fc.constantFrom('a', 'b'),
      message: fc.constantFrom('m1', 'm2'),
      revision: fc.option(fc.constantFrom('r1', 'r2'), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const clock = new ManualClock();
        const limiter = new EventRateLimiter(clock, INTERVAL);
        // Model: per key, the time it was first seen (reset once it has been idle for two windows) and the last window used.
        const model = new Map<string, { start: number; window: number }>();
        for (const s of steps) {
          clock.advance(s.wait);
          const e = event(s.name, s.message, s.revision);
          const key = eventKey(e);
          const now = clock.now();
          const m = model.get(key);
          let expected: boolean;
          if (!m || now - (m.start + m.window * INTERVAL) >= 2 * INTERVAL) {
            model.set(key, { start: now, window: 0 });
            expected = true;
          } else {
            const w = Math.floor((now - m.start) / INTERVAL);
            expected = w > m.window;
            if (expected) m.window = w;
          }
          expect(limiter.allow(e)).toBe(expected);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('the key covers object, message and revision, not the reason or severity', () => {
    expect(eventKey(event('a', 'm'))).toBe(eventKey({ ...event('a', 'm'), reason: 'Other', severity: 'info' }));
    expect(eventKey(event('a', 'm', 'r1'))).not.toBe(eventKey(event('a', 'm', 'r2')));
    expect(eventKey(event('a', 'm'))).not.toBe(eventKey(event('b', 'm')));
  });
});
