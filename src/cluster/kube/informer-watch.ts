/**
 * A watch that survives the API server: when the server closes the stream (it does so every
 * few minutes) the watch reconnects from the last resourceVersion it saw, with capped
 * exponential backoff on failures; when the server answers 410 Gone (the resourceVersion was
 * compacted away) it relists and emits the difference — ADDED, MODIFIED, DELETED — between
 * what the caller has been told and what the list says, then watches on from the list. So a
 * caller sees one consistent stream and never has to relist itself.
 *
 * The watch ends (its `done` resolves) only on `stop()`, or when the server refuses it for
 * good (401, 403, 404: credentials, RBAC, or the kind went away): then an ERROR event carrying
 * the Status is delivered first, as the port documents, and the caller re-watches.
 */
import type { Clock, TimerHandle } from '../../api/clock.js';
import type { KubeObject } from '../../api/meta.js';
import { ApiError } from '../errors.js';
import type { ListResult, Watch, WatchEvent, WatchEventType } from '../types.js';
import type { WatchStream } from './transport.js';

export interface WatchSource {
  list(): Promise<ListResult>;
  /** Opens the stream from `resourceVersion`; rejects with ApiError when refused. */
  open(resourceVersion: string, onEvent: (type: string, object: unknown) => void, onClose: (err: unknown) => void): Promise<WatchStream>;
}

export interface WatchBackoff {
  /** First retry delay. Default 800 ms (client-go's reflector). */
  initialMs: number;
  /** Cap. Default 30 s. */
  maxMs: number;
}

export const defaultWatchBackoff: WatchBackoff = { initialMs: 800, maxMs: 30_000 };

interface Known {
  object: KubeObject;
  /** The caller has been told about exactly this version. */
  delivered: boolean;
}

const FATAL = new Set([401, 403, 404]);
const keyOf = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const rvOf = (o: KubeObject): string => o.metadata.resourceVersion ?? '';
const numeric = (rv: string | undefined): number | undefined => (rv && /^\d+$/.test(rv) ? Number(rv) : undefined);

export interface ResilientWatchOptions {
  source: WatchSource;
  clock: Clock;
  backoff?: WatchBackoff;
  /** Start after this resourceVersion; omitted = ADDED for every existing object first. */
  resourceVersion?: string;
  onEvent: (event: WatchEvent) => void;
}

export async function resilientWatch(options: ResilientWatchOptions): Promise<Watch> {
  const w = new ResilientWatch(options);
  await w.start();
  return w;
}

class ResilientWatch implements Watch {
  readonly done: Promise<void>;
  private resolveDone!: () => void;
  private readonly known = new Map<string, Known>();
  private readonly backoff: WatchBackoff;
  private rv = '';
  private stream: WatchStream | undefined;
  private timer: TimerHandle | undefined;
  private stopped = false;
  private needRelist = false;
  private delay: number;
  /** Bumped per connection so a late close of an old stream is ignored. */
  private generation = 0;
  /** Bumped per scheduled retry so only the latest one runs. */
  private retries = 0;
  /** Just relisted and no event since: a 410 now backs off instead of relisting at once. */
  private fresh = false;

  constructor(private readonly o: ResilientWatchOptions) {
    this.backoff = o.backoff ?? defaultWatchBackoff;
    this.delay = this.backoff.initialMs;
    this.done = new Promise((r) => (this.resolveDone = r));
  }

  async start(): Promise<void> {
    const list = await this.o.source.list();
    const from = this.o.resourceVersion;
    if (from === undefined || from === '' || from === '0') {
      for (const obj of list.items) this.emit('ADDED', obj);
      this.rv = list.resourceVersion;
    } else {
      // A baseline of what the caller may know, so a later relist can tell it what changed.
      const cut = numeric(from);
      for (const obj of list.items) {
        const rv = numeric(rvOf(obj));
        this.known.set(keyOf(obj), { object: obj, delivered: cut !== undefined && rv !== undefined && rv <= cut });
      }
      this.rv = from;
    }
    await this.connect(true);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer !== undefined) this.o.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.stream?.abort();
    this.stream = undefined;
    this.resolveDone();
  }

  private emit(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: KubeObject): void {
    if (type === 'DELETED') this.known.delete(keyOf(object));
    else this.known.set(keyOf(object), { object, delivered: true });
    if (!this.stopped) this.o.onEvent({ type, object });
  }

  /** Opens a stream; on the first connection a refusal rejects `watch()` itself. */
  private async connect(first = false): Promise<void> {
    if (this.stopped) return;
    const generation = ++this.generation;
    try {
      const stream = await this.o.source.open(
        this.rv,
        (type, object) => generation === this.generation && this.onStreamEvent(type, object),
        (err) => generation === this.generation && this.onClose(err),
      );
      if (this.stopped || generation !== this.generation) {
        stream.abort();
        return;
      }
      this.stream = stream;
    } catch (err) {
      if (err instanceof ApiError && err.status === 410) {
        this.needRelist = true;
        if (this.fresh) this.failed(err);
        else this.retry(0);
        return;
      }
      if (first) throw err;
      this.failed(err);
    }
  }

  private onStreamEvent(type: string, raw: unknown): void {
    if (this.stopped) return;
    const object = raw as KubeObject;
    switch (type as WatchEventType) {
      case 'ADDED':
      case 'MODIFIED':
      case 'DELETED':
        if (!object?.metadata) return;
        this.rv = rvOf(object) || this.rv;
        this.delay = this.backoff.initialMs;
        this.fresh = false;
        this.emit(type as 'ADDED' | 'MODIFIED' | 'DELETED', object);
        return;
      case 'BOOKMARK':
        this.rv = object?.metadata?.resourceVersion || this.rv;
        return;
      case 'ERROR': {
        const status = raw as { code?: number; message?: string; reason?: string } | undefined;
        // Either way this stream is finished.
        this.closeStream();
        if (status?.code === 410) {
          this.needRelist = true;
          // Gone again right after a relist: something is wrong with the server; do not spin.
          return this.fresh ? this.failed(new ApiError(410, 'Gone', status.message ?? 'Gone')) : this.retry(0);
        }
        if (status?.code !== undefined && FATAL.has(status.code)) return this.end(raw);
        return this.failed(new ApiError(status?.code ?? 500, 'InternalError', status?.message ?? 'watch error'));
      }
      default:
    }
  }

  /** Drops the current stream; its late callbacks are ignored. */
  private closeStream(): void {
    this.generation++;
    const s = this.stream;
    this.stream = undefined;
    s?.abort();
  }

  private onClose(err: unknown): void {
    if (this.stopped) return;
    this.closeStream();
    if (this.needRelist) return this.retry(0);
    // A normal close (the server's watch timeout) reconnects at once; an error backs off.
    if (err === undefined || err === null) this.retry(0);
    else this.failed(err);
  }

  private failed(err: unknown): void {
    if (err instanceof ApiError && FATAL.has(err.status)) return this.end(err.toStatus());
    const delay = this.delay;
    this.delay = Math.min(this.delay * 2, this.backoff.maxMs);
    this.retry(delay);
  }

  private retry(ms: number): void {
    if (this.stopped) return;
    if (this.timer !== undefined) this.o.clock.clearTimeout(this.timer);
    const ticket = ++this.retries;
    const run = (): void => {
      if (ticket !== this.retries || this.stopped) return;
      this.timer = undefined;
      void (this.needRelist ? this.relist() : this.connect());
    };
    if (ms <= 0) {
      this.timer = undefined;
      queueMicrotask(run);
    } else this.timer = this.o.clock.setTimeout(run, ms);
  }

  /** After 410 Gone: list, tell the caller what changed, watch on from the list. */
  private async relist(): Promise<void> {
    if (this.stopped) return;
    let list: ListResult;
    try {
      list = await this.o.source.list();
    } catch (err) {
      return this.failed(err);
    }
    if (this.stopped) return;
    this.needRelist = false;
    const seen = new Set<string>();
    for (const obj of list.items) {
      const key = keyOf(obj);
      seen.add(key);
      const k = this.known.get(key);
      if (!k) this.emit('ADDED', obj);
      else if (!k.delivered || rvOf(k.object) !== rvOf(obj)) this.emit('MODIFIED', obj);
    }
    for (const [key, k] of [...this.known]) if (!seen.has(key)) this.emit('DELETED', k.object);
    this.rv = list.resourceVersion;
    this.fresh = true;
    await this.connect();
  }

  private end(status: unknown): void {
    if (this.stopped) return;
    this.o.onEvent({ type: 'ERROR', object: status as KubeObject });
    this.stop();
  }
}
