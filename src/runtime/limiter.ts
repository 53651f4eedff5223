/**
 * A concurrency limit per kind (Flux's `--concurrent`, default 4): work beyond the limit waits
 * in FIFO order. Counters are exposed as data for metrics.
 *
 * A reconcile runs as several steps, each taking a slot. Steps of a reconcile already under way
 * (`continuing`) go ahead of first steps, so a run finishes before new ones start, as a Flux
 * worker keeps one object until it is done: when a source change wakes 1,000 Kustomizations, the
 * first one is applied after its own few steps, not after every other one's first step.
 */

interface Lane {
  limit: number;
  running: number;
  queue: (() => void)[];
  /** Waiters of reconciles already under way; served before `queue`. */
  continuing: (() => void)[];
  maxRunning: number;
}

/** A held concurrency slot. */
export interface Slot {
  /** Frees the slot while `waitFor` is pending; resolves with its value once a slot is held again. */
  pause<T>(waitFor: Promise<T>): Promise<T>;
}

export class Limiter {
  private readonly lanes = new Map<string, Lane>();

  constructor(private readonly defaultLimit = 4) {}

  setLimit(lane: string, limit: number): void {
    this.lane(lane).limit = Math.max(1, limit);
  }

  private lane(name: string): Lane {
    let l = this.lanes.get(name);
    if (!l) this.lanes.set(name, (l = { limit: this.defaultLimit, running: 0, queue: [], continuing: [], maxRunning: 0 }));
    return l;
  }

  /**
   * Runs `fn` when the lane has a free slot. `fn` may hand its slot back while it waits for
   * something that needs no CPU (a rollout to finish): `slot.pause(promise)` frees the slot for
   * others and takes one again, ahead of new work, when the promise settles.
   */
  async run<T>(laneName: string, fn: (slot: Slot) => Promise<T>, options: { continuing?: boolean } = {}): Promise<T> {
    const lane = this.lane(laneName);
    await this.acquire(lane, options.continuing ?? false);
    let held = true;
    const slot: Slot = {
      pause: async <P>(waitFor: Promise<P>): Promise<P> => {
        if (!held) return waitFor;
        held = false;
        this.release(lane);
        try {
          return await waitFor;
        } finally {
          await this.acquire(lane, true);
          held = true;
        }
      },
    };
    try {
      return await fn(slot);
    } finally {
      if (held) this.release(lane);
    }
  }

  private async acquire(lane: Lane, continuing: boolean): Promise<void> {
    if (lane.running >= lane.limit) await new Promise<void>((resolve) => (continuing ? lane.continuing : lane.queue).push(resolve));
    lane.running++;
    lane.maxRunning = Math.max(lane.maxRunning, lane.running);
  }

  private release(lane: Lane): void {
    lane.running--;
    (lane.continuing.shift() ?? lane.queue.shift())?.();
  }

  /** Per lane: running now, waiting now, the most ever running at once. */
  stats(): Record<string, { running: number; queued: number; maxRunning: number; limit: number }> {
    const out: Record<string, { running: number; queued: number; maxRunning: number; limit: number }> = {};
    for (const [name, l] of this.lanes) out[name] = { running: l.running, queued: l.queue.length + l.continuing.length, maxRunning: l.maxRunning, limit: l.limit };
    return out;
  }
}
