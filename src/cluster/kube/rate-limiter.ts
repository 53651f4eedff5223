/**
 * Client-side rate limiting as client-go does it (`flowcontrol.NewTokenBucketRateLimiter`): a
 * bucket of `burst` tokens, refilled at `qps` per second, that starts full. Every request takes
 * a token; when none is left the request waits its turn (FIFO — a waiter reserves the token it
 * will get, so later callers queue behind it). Time comes from an injected clock.
 */
import type { Clock } from '../../api/clock.js';

export interface RateLimiterOptions {
  /** Tokens per second. `<= 0` or `Infinity` disables limiting (Flux does so when API Priority and Fairness is on). */
  qps: number;
  /** Bucket size: how many requests may go at once after a quiet period. */
  burst: number;
  clock: Clock;
}

export class TokenBucket {
  private readonly qps: number;
  private readonly burst: number;
  private readonly clock: Clock;
  private tokens: number;
  private last: number;

  constructor(options: RateLimiterOptions) {
    this.qps = options.qps;
    this.burst = Math.max(1, Math.floor(options.burst));
    this.clock = options.clock;
    this.tokens = this.burst;
    this.last = options.clock.now();
  }

  /** True when the bucket never delays anyone. */
  get unlimited(): boolean {
    return !(this.qps > 0) || this.qps === Infinity;
  }

  /** Tokens available now (negative when callers are queued). */
  available(): number {
    this.refill();
    return this.tokens;
  }

  /**
   * Takes a token and says how long (ms) the caller must wait before using it: 0 when one was
   * available. The token is reserved either way, so waits are served in call order.
   */
  reserve(): number {
    if (this.unlimited) return 0;
    this.refill();
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.qps);
  }

  /** Resolves when the caller may send its request. */
  wait(): Promise<void> {
    const delay = this.reserve();
    if (delay === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.clock.setTimeout(resolve, delay);
    });
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsed = now - this.last;
    if (elapsed <= 0) return;
    this.last = now;
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.qps) / 1000);
  }
}
