/**
 * Prometheus metrics under Flux's names and labels, so Flux's Grafana dashboards and alerts work
 * unchanged (fluxcd/pkg `runtime/metrics`):
 *
 * - `gotk_reconcile_condition{kind,name,namespace,type,status}`: for the condition type, 1 on the
 *   current status among True/False/Unknown/Deleted and 0 on the others; Deleted once the object
 *   is being deleted.
 * - `gotk_reconcile_duration_seconds{kind,name,namespace}`: histogram, Flux's buckets (10 between
 *   10 ms and 30 min).
 * - `gotk_suspend_status{kind,name,namespace}`: 1 while `spec.suspend` is true.
 *
 * and fluxion's own runtime metrics: `fluxion_actor_restarts_total{kind}`,
 * `fluxion_queue_depth{kind}` (waiting in the concurrency limiter) and `fluxion_actors{kind,state}`.
 *
 * Every `Metrics` has its own registry, never prom-client's global one, so engines (and tests
 * running in parallel) do not share series.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The object a series is about (Flux labels `kind`, `name`, `namespace`). */
export interface MetricsSubject {
  kind: string;
  name: string;
  namespace?: string;
}

/** The Kubernetes condition statuses Flux reports, plus `Deleted` for an object being deleted. */
export const ConditionStatuses = ['True', 'False', 'Unknown', 'Deleted'] as const;

/**
 * Prometheus' `ExponentialBucketsRange(min, max, count)`: `count` buckets from `min` to `max`,
 * each a constant factor above the previous one.
 */
export function exponentialBucketsRange(min: number, max: number, count: number): number[] {
  if (count < 1 || min <= 0 || max <= min) throw new RangeError('exponentialBucketsRange: want count >= 1 and 0 < min < max');
  const factor = (max / min) ** (1 / (count - 1));
  return Array.from({ length: count }, (_, i) => min * factor ** i);
}

/** Flux's `gotk_reconcile_duration_seconds` buckets: `ExponentialBucketsRange(10e-3, 1800, 10)`. */
export const fluxDurationBuckets: readonly number[] = exponentialBucketsRange(10e-3, 1800, 10);

/** What the runtime reports at scrape time (read from the supervisor and the limiter). */
export interface RuntimeSource {
  /** Actors per kind and top-level machine state. */
  actors(): Record<string, Record<string, number>>;
  /** Work waiting for a concurrency slot, per kind. */
  queueDepth(): Record<string, number>;
}

const subjectLabels = (s: MetricsSubject) => ({ kind: s.kind, name: s.name, namespace: s.namespace ?? '' });

export class Metrics {
  readonly registry: Registry;
  private readonly condition: Gauge<'kind' | 'name' | 'namespace' | 'type' | 'status'>;
  private readonly suspend: Gauge<'kind' | 'name' | 'namespace'>;
  private readonly duration: Histogram<'kind' | 'name' | 'namespace'>;
  private readonly restarts: Counter<'kind'>;
  private readonly sources: RuntimeSource[] = [];

  constructor(options: { registry?: Registry } = {}) {
    this.registry = options.registry ?? new Registry();
    const registers = [this.registry];
    this.condition = new Gauge({
      name: 'gotk_reconcile_condition',
      help: 'The current condition status of a GitOps Toolkit resource reconciliation.',
      labelNames: ['kind', 'name', 'namespace', 'type', 'status'],
      registers,
    });
    this.suspend = new Gauge({ name: 'gotk_suspend_status', help: 'The current suspend status of a GitOps Toolkit resource.', labelNames: ['kind', 'name', 'namespace'], registers });
    this.duration = new Histogram({
      name: 'gotk_reconcile_duration_seconds',
      help: 'The duration in seconds of a GitOps Toolkit resource reconciliation.',
      labelNames: ['kind', 'name', 'namespace'],
      buckets: [...fluxDurationBuckets],
      registers,
    });
    this.restarts = new Counter({ name: 'fluxion_actor_restarts_total', help: 'Actors restarted by the supervisor after a crash.', labelNames: ['kind'], registers });
    const sources = this.sources;
    new Gauge({
      name: 'fluxion_queue_depth',
      help: 'Reconcile steps waiting for a concurrency slot (--concurrent), per kind.',
      labelNames: ['kind'],
      registers,
      collect() {
        this.reset();
        for (const source of sources) for (const [kind, depth] of Object.entries(source.queueDepth())) this.inc({ kind }, depth);
      },
    });
    new Gauge({
      name: 'fluxion_actors',
      help: 'Live actors per kind and lifecycle state.',
      labelNames: ['kind', 'state'],
      registers,
      collect() {
        this.reset();
        for (const source of sources) {
          for (const [kind, states] of Object.entries(source.actors())) for (const [state, n] of Object.entries(states)) this.inc({ kind, state }, n);
        }
      },
    });
  }

  /**
   * Records one condition as Flux does: 1 on its status, 0 on the others; with `deleted`, 1 on
   * `Deleted` only. A missing condition counts as Unknown.
   */
  recordCondition(subject: MetricsSubject, type: string, status: string | undefined, deleted = false): void {
    const current = deleted ? 'Deleted' : (status ?? 'Unknown');
    for (const s of ConditionStatuses) this.condition.set({ ...subjectLabels(subject), type, status: s }, s === current ? 1 : 0);
  }

  /** Flux's `RecordReadiness`: the Ready condition of a condition list. */
  recordReadiness(subject: MetricsSubject, conditions: readonly { type: string; status: string }[] | undefined, deleted = false): void {
    this.recordCondition(subject, 'Ready', conditions?.find((c) => c.type === 'Ready')?.status, deleted);
  }

  recordSuspend(subject: MetricsSubject, suspended: boolean): void {
    this.suspend.set(subjectLabels(subject), suspended ? 1 : 0);
  }

  /** One reconcile took `seconds` (of the engine's clock). */
  recordDuration(subject: MetricsSubject, seconds: number): void {
    this.duration.observe(subjectLabels(subject), Math.max(0, seconds));
  }

  /** The supervisor restarted a crashed actor of `kind`. */
  actorRestarted(kind: string): void {
    this.restarts.inc({ kind });
  }

  /** Adds a runtime whose actors and queues are read at every scrape. */
  observeRuntime(source: RuntimeSource): void {
    this.sources.push(source);
  }

  /** The Prometheus text exposition of every metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
