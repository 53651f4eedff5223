import { describe, expect, it } from 'vitest';
import { ManualClock, settle } from '../../../src/api/clock.js';
import { TokenBucket } from '../../../src/cluster/kube/rate-limiter.js';

describe('TokenBucket (client-go token bucket rate limiter)', () => {
  it('lets a burst through at once, then spaces requests at 1/qps', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ qps: 10, burst: 3, clock });
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 0, 0]);
    expect(bucket.reserve()).toBe(100);
    expect(bucket.reserve()).toBe(200);
  });

  it('refills over time, never above the burst', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ qps: 2, burst: 2, clock });
    bucket.reserve();
    bucket.reserve();
    expect(bucket.available()).toBe(0);
    clock.advance(500);
    expect(bucket.available()).toBe(1);
    clock.advance(60_000);
    expect(bucket.available()).toBe(2);
  });

  it('releases waiters in call order as the clock moves', async () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ qps: 1, burst: 1, clock });
    const order: number[] = [];
    await bucket.wait();
    const waits = [1, 2, 3].map((n) => bucket.wait().then(() => order.push(n)));
    await settle();
    expect(order).toEqual([]);
    clock.advance(1000);
    await settle();
    expect(order).toEqual([1]);
    clock.advance(2000);
    await Promise.all(waits);
    expect(order).toEqual([1, 2, 3]);
  });

  it.each([0, -1, Infinity])('does not limit when qps is %s (as Flux with API Priority and Fairness)', (qps) => {
    const bucket = new TokenBucket({ qps, burst: 1, clock: new ManualClock() });
    expect(bucket.unlimited).toBe(true);
    expect(Array.from({ length: 100 }, () => bucket.reserve()).every((d) => d === 0)).toBe(true);
  });
});
