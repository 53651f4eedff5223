/**
 * core/v1 Events the way client-go's recorder writes them: one Event per involved object,
 * type, reason and message, named `<object>.<hex nanoseconds>`; a repeat within the cache's
 * memory bumps `count` and `lastTimestamp` on the existing Event instead of creating a new one
 * (client-go's EventCorrelator, LRU of 4096 keys). An Event that was garbage-collected
 * meanwhile (404 on the patch) is created afresh.
 */
import type { Clock } from '../../api/clock.js';
import type { KubeObject, ObjectRef } from '../../api/meta.js';
import { isApiError } from '../errors.js';
import type { KubeEvent, PatchType } from '../types.js';

export interface EventSink {
  create(obj: KubeObject): Promise<KubeObject>;
  patch(ref: ObjectRef, patch: unknown, type: PatchType): Promise<KubeObject>;
}

interface Seen {
  namespace: string;
  name: string;
  count: number;
  firstTimestamp: string;
}

const MAX_ENTRIES = 4096;

export class EventRecorder {
  private readonly seen = new Map<string, Seen>();
  private seq = 0;

  constructor(
    private readonly clock: Clock,
    /** `reportingInstance`, e.g. the pod name. */
    private readonly instance?: string,
  ) {}

  async record(sink: EventSink, event: KubeEvent): Promise<void> {
    const io = event.involvedObject;
    const namespace = io.namespace || 'default';
    const key = JSON.stringify([event.reportingController, io.apiVersion, io.kind, namespace, io.name, io.uid ?? '', event.type, event.reason, event.message]);
    const now = new Date(this.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const prior = this.seen.get(key);
    if (prior) {
      const count = prior.count + 1;
      try {
        await sink.patch({ apiVersion: 'v1', kind: 'Event', namespace: prior.namespace, name: prior.name }, { count, lastTimestamp: now }, 'merge');
        this.remember(key, { ...prior, count });
        return;
      } catch (err) {
        if (!isApiError(err, 404)) throw err;
        this.seen.delete(key);
      }
    }
    const nanos = BigInt(this.clock.now()) * 1_000_000n + BigInt(++this.seq % 1_000_000);
    const name = `${io.name}.${nanos.toString(16)}`;
    const obj: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace, ...(event.annotations ? { annotations: { ...event.annotations } } : {}) },
      involvedObject: { ...io },
      type: event.type,
      reason: event.reason,
      message: event.message,
      source: { component: event.reportingController },
      reportingComponent: event.reportingController,
      reportingInstance: this.instance ?? event.reportingController,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    await sink.create(obj);
    this.remember(key, { namespace, name, count: 1, firstTimestamp: now });
  }

  private remember(key: string, seen: Seen): void {
    this.seen.delete(key);
    this.seen.set(key, seen);
    if (this.seen.size > MAX_ENTRIES) this.seen.delete(this.seen.keys().next().value as string);
  }
}
