/**
 * Leader election on a `coordination.k8s.io/v1` Lease, with the rules client-go's leaderelection
 * package follows (so fluxion replicas and any Kubernetes tooling read the Lease the same way):
 *
 * - A candidate takes the Lease when it does not exist, when it has no holder, or when the
 *   holder has not renewed for `leaseDurationSeconds` — measured on the candidate's own clock
 *   from the moment it last *saw the record change*, never by comparing clocks across machines.
 * - Writes carry the Lease's resourceVersion, so two candidates racing for an expired Lease
 *   cannot both win: the API server rejects the second update with 409.
 * - The leader renews every `retryPeriod`; when it has not managed to renew for `renewDeadline`
 *   it stops leading (and the process stops reconciling) before anyone else may take over.
 * - On a graceful stop the leader releases the Lease (empty holder, 1 s duration), so a
 *   standby takes over at its next retry instead of waiting out the lease.
 */
import type { Clock, TimerHandle } from '../api/clock.js';
import type { KubeObject } from '../api/meta.js';
import { ApiError } from '../cluster/errors.js';
import type { Cluster } from '../cluster/types.js';

export interface LeaderElectionOptions {
  cluster: Cluster;
  clock: Clock;
  namespace: string;
  /** Lease name, e.g. `fluxion-leader-election`. */
  name: string;
  /** This replica's identity (Flux uses the pod name plus a random suffix). */
  identity: string;
  /** Default 35 s, as Flux's controllers. */
  leaseDurationMs?: number;
  /** Default 30 s. */
  renewDeadlineMs?: number;
  /** Default 5 s. */
  retryPeriodMs?: number;
  onStartedLeading: () => void | Promise<void>;
  onStoppedLeading: () => void | Promise<void>;
  /** Every failed attempt to read or write the Lease (for logs and readiness). */
  onError?: (err: unknown) => void;
  /** Every attempt in which the API server answered (won or not). */
  onReachable?: () => void;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

/** Kubernetes MicroTime: RFC 3339 with microseconds. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export class LeaderElector {
  private readonly o: Required<Omit<LeaderElectionOptions, 'onError' | 'onReachable'>> & Pick<LeaderElectionOptions, 'onError' | 'onReachable'>;
  private timer: TimerHandle | undefined;
  private leading = false;
  private stopped = true;
  private lastRenewMs = 0;
  /** The record as last seen, and when (our clock) it last changed. */
  private observed: { fingerprint: string; at: number } | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(options: LeaderElectionOptions) {
    this.o = {
      leaseDurationMs: 35_000,
      renewDeadlineMs: 30_000,
      retryPeriodMs: 5_000,
      ...options,
    };
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** Starts campaigning: tries at once, then every retry period. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.tick();
  }

  /** Stops campaigning; a leader releases the Lease and calls onStoppedLeading. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer !== undefined) this.o.clock.clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    if (this.leading) {
      await this.release().catch((err: unknown) => this.o.onError?.(err));
      await this.lose();
    }
  }

  private tick(): void {
    this.running = this.attempt().finally(() => {
      if (!this.stopped) this.timer = this.o.clock.setTimeout(() => this.tick(), this.o.retryPeriodMs);
    });
  }

  private async attempt(): Promise<void> {
    const now = this.o.clock.now();
    let acquired = false;
    try {
      acquired = await this.tryAcquireOrRenew(now);
      this.o.onReachable?.();
    } catch (err) {
      this.o.onError?.(err);
    }
    if (this.stopped) return;
    if (acquired) {
      this.lastRenewMs = now;
      if (!this.leading) {
        this.leading = true;
        try {
          await this.o.onStartedLeading();
        } catch (err) {
          // Could not start leading (the API server went away meanwhile): try again next period.
          this.leading = false;
          this.o.onError?.(err);
        }
      }
    } else if (this.leading && this.o.clock.now() - this.lastRenewMs >= this.o.renewDeadlineMs) {
      await this.lose();
    }
  }

  private async lose(): Promise<void> {
    if (!this.leading) return;
    this.leading = false;
    await this.o.onStoppedLeading();
  }

  private ref() {
    return { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: this.o.namespace, name: this.o.name };
  }

  private async tryAcquireOrRenew(now: number): Promise<boolean> {
    const { cluster, identity } = this.o;
    const durationSeconds = Math.round(this.o.leaseDurationMs / 1000);
    const existing = await cluster.get(this.ref());
    if (!existing) {
      const lease: KubeObject = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: this.o.name, namespace: this.o.namespace },
        spec: { holderIdentity: identity, leaseDurationSeconds: durationSeconds, acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0 },
      };
      return this.write(() => cluster.create(lease), now);
    }
    const spec = (existing['spec'] ?? {}) as LeaseSpec;
    const fingerprint = JSON.stringify([spec.holderIdentity, spec.renewTime, spec.leaseDurationSeconds]);
    if (this.observed?.fingerprint !== fingerprint) this.observed = { fingerprint, at: now };
    const holder = spec.holderIdentity ?? '';
    const heldByOther = holder !== '' && holder !== identity;
    const expiresAt = this.observed.at + (spec.leaseDurationSeconds ?? durationSeconds) * 1000;
    if (heldByOther && expiresAt > now) return false;
    const takingOver = holder !== identity;
    const next: LeaseSpec = {
      ...spec,
      holderIdentity: identity,
      leaseDurationSeconds: durationSeconds,
      renewTime: microTime(now),
      ...(takingOver ? { acquireTime: microTime(now), leaseTransitions: (spec.leaseTransitions ?? 0) + 1 } : {}),
    };
    return this.write(() => cluster.update({ ...existing, spec: next }), now);
  }

  /** Runs a write; a 409 (someone else wrote first) or 404/409 on create means we lost the race. */
  private async write(fn: () => Promise<KubeObject>, now: number): Promise<boolean> {
    try {
      const written = await fn();
      const spec = (written['spec'] ?? {}) as LeaseSpec;
      this.observed = { fingerprint: JSON.stringify([spec.holderIdentity, spec.renewTime, spec.leaseDurationSeconds]), at: now };
      return true;
    } catch (err) {
      if (err instanceof ApiError && (err.status === 409 || err.status === 404)) return false;
      throw err;
    }
  }

  /** Gives the Lease up so a standby can take over at its next retry. */
  private async release(): Promise<void> {
    const existing = await this.o.cluster.get(this.ref());
    const spec = (existing?.['spec'] ?? {}) as LeaseSpec;
    if (!existing || spec.holderIdentity !== this.o.identity) return;
    const now = this.o.clock.now();
    await this.o.cluster.update({
      ...existing,
      spec: { ...spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime(now) },
    });
  }
}
