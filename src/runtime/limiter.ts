/**
 * A concurrency limit per kind (Flux's `--concurrent`, default 4): work beyond the limit waits
 * in FIFO order. Counters are exposed as data for metrics.
 */

interface Lane {
  limit: number;
  running: number;
  queue: (() => void)[];
  maxRunning: number;
}

export class Limiter {
  private readonly lanes = new Map<string, Lane>();

  constructor(private readonly defaultLimit = 4) {}

  setLimit(lane: string, limit: number): void {
    this.lane(lane).limit = Math.max(1, limit);
  }

  private lane(name: string): Lane {
    let l = this.lanes.get(name);
    if (!l) this.lanes.set(name, (l = { limit: this.defaultLimit, running: 0, queue: [], maxRunning: 0 }));
    return l;
  }

  /** Runs `fn` when the lane has a free slot. */
  async run<T>(laneName: string, fn: () => Promise<T>): Promise<T> {
    const lane = this.lane(laneName);
    if (lane.running >= lane.limit) await new Promise<void>((resolve) => lane.queue.push(resolve));
    lane.running++;
    lane.maxRunning = Math.max(lane.maxRunning, lane.running);
    try {
      return await fn();
    } finally {
      lane.running--;
      lane.queue.shift()?.();
    }
  }

  /** Per lane: running now, waiting now, the most ever running at once. */
  stats(): Record<string, { running: number; queued: number; maxRunning: number; limit: number }> {
    const out: Record<string, { running: number; queued: number; maxRunning: number; limit: number }> = {};
    for (const [name, l] of this.lanes) out[name] = { running: l.running, queued: l.queue.length, maxRunning: l.maxRunning, limit: l.limit };
    return out;
  }
}
