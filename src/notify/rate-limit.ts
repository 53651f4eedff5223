/**
 * notification-controller's duplicate-event limiter: one event per key per interval (5m by
 * default, `--rate-limit-interval`), the key a sha256 over the involved object, the message and
 * the revision metadata (event_server.go eventKeyFunc). Windows start when a key is first seen
 * and tick every interval after (go-limiter's memorystore, one token), so a repeat is dropped
 * until the next tick, not for five minutes after the last accepted one.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../api/clock.js';
import type { FluxEvent } from './event.js';
import { objectGroup } from './event.js';

export const DEFAULT_RATE_LIMIT_MS = 5 * 60_000;

/** The dedupe key Flux computes for an event. */
export function eventKey(event: FluxEvent): string {
  const o = event.involvedObject;
  const comps = ['event', `name=${o.name}`, `namespace=${o.namespace}`, `kind=${o.kind}`, `message=${event.message}`];
  const group = objectGroup(event);
  const meta = event.metadata ?? {};
  const originRevision = meta[`${group}/originRevision`];
  if (originRevision !== undefined) comps.push(`originRevision=${originRevision}`);
  const revision = meta[`${group}/revision`];
  if (revision !== undefined) comps.push(`revision=${revision}`);
  const token = meta[`${group}/token`];
  if (token !== undefined) comps.push(`token=${token}`);
  return createHash('sha256').update(comps.join('/')).digest('hex');
}

export class EventRateLimiter {
  private readonly buckets = new Map<string, { start: number; lastTick: number }>();
  private lastSweep = 0;

  constructor(
    private readonly clock: Clock,
    readonly intervalMs: number = DEFAULT_RATE_LIMIT_MS,
  ) {}

  /** True when the event may go on; false for a duplicate within the current window (Flux answers 429). */
  allow(event: FluxEvent): boolean {
    if (this.intervalMs <= 0) return true;
    const now = this.clock.now();
    this.sweep(now);
    const key = eventKey(event);
    const bucket = this.buckets.get(key);
    // Idle for two windows: forgotten, whether or not the sweep has run yet.
    if (!bucket || this.idle(bucket, now)) {
      this.buckets.set(key, { start: now, lastTick: 0 });
      return true;
    }
    const tick = Math.floor((now - bucket.start) / this.intervalMs);
    if (tick > bucket.lastTick) {
      bucket.lastTick = tick;
      return true;
    }
    return false;
  }

  private idle(b: { start: number; lastTick: number }, now: number): boolean {
    return now - (b.start + b.lastTick * this.intervalMs) >= 2 * this.intervalMs;
  }

  /** Buckets idle for two intervals are forgotten (Flux's SweepMinTTL), bounding memory; swept once per interval. */
  private sweep(now: number): void {
    if (now - this.lastSweep < this.intervalMs) return;
    this.lastSweep = now;
    for (const [key, b] of this.buckets) if (this.idle(b, now)) this.buckets.delete(key);
  }

  get size(): number {
    return this.buckets.size;
  }
}
