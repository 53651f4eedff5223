/**
 * The root supervisor: lists and watches every registered kind, keeps exactly one actor per
 * object, turns object changes into lifecycle events, adds and removes the Flux finalizer,
 * routes notifications between actors, and restarts an actor that crashed (capped, jittered
 * backoff on the injected clock) from the status stored in the cluster, so nothing is lost.
 * It knows no resource kind: controllers register how to build each kind's actor.
 */
import type { Clock } from '../api/clock.js';
import type { KubeObject, ObjectRef } from '../api/meta.js';
import { keyOf, refOf, slim } from '../api/meta.js';
import { Annotations, FLUX_FINALIZER } from '../api/annotations.js';
import type { Cluster, Watch } from '../cluster/types.js';
import { Limiter } from './limiter.js';
import { Router } from './router.js';

/** A lifecycle event as the supervisor sends it (see machines/events.ts for the full set). */
export interface SupervisorEvent {
  type: string;
  [field: string]: unknown;
}

/** Recipients told per turn of the event loop when a revision or readiness fans out. */
const FANOUT_SLICE = 32;

/** The part of an XState actor the supervisor uses. */
export interface SupervisedActor {
  start(): unknown;
  stop(): unknown;
  send(event: SupervisorEvent): void;
  subscribe(observer: { next?: (s: unknown) => void; error?: (err: unknown) => void; complete?: () => void }): { unsubscribe(): void };
  getSnapshot(): { value: unknown; status: string };
}

/** What actors may ask of the runtime. */
export interface Routing {
  /** A source stored a new revision: tell the objects whose sourceRef names it (once `after` settles). */
  notifyRevision(source: ObjectRef, revision: string, after?: Promise<unknown>): void;
  /** An object became Ready at a revision: tell the objects that depend on it (once `after` settles). */
  notifyReady(ref: ObjectRef, revision: string | undefined, after?: Promise<unknown>): void;
  /** The dependency cycle `ref` is part of, if any. */
  dependencyCycle(ref: ObjectRef): ObjectRef[] | undefined;
  readonly limiter: Limiter;
}

export interface Registration {
  apiVersion: string;
  kind: string;
  /** Builds (does not start) the actor for an object. A throw here counts as a crash. */
  createActor(object: KubeObject, routing: Routing): SupervisedActor;
}

export interface SupervisorOptions {
  cluster: Cluster;
  clock: Clock;
  registrations: Registration[];
  /** Randomness for restart jitter, in [0, 1). */
  random?: () => number;
  restartBaseMs?: number;
  restartMaxMs?: number;
  limiter?: Limiter;
  /** Only objects matching this label selector (Flux sharding: `sharding.fluxcd.io/key=shard1`). */
  labelSelector?: string;
  /** Only objects in this namespace (Flux's `--watch-all-namespaces=false`); default all. */
  namespace?: string;
  onError?: (message: string, err: unknown) => void;
  /** Called each time a crashed actor of `kind` is scheduled for restart (metrics). */
  onRestart?: (kind: string) => void;
}

interface Managed {
  key: string;
  kind: string;
  registration: Registration;
  object: KubeObject;
  actor: SupervisedActor | undefined;
  subscription: { unsubscribe(): void } | undefined;
  generation: number;
  requestedAt: string | undefined;
  deleting: boolean;
  restarts: number;
  restartTimer: unknown;
}

export interface SupervisorStats {
  actors: number;
  /** Actors by top-level lifecycle state. */
  states: Record<string, number>;
  /** Restarts after crashes, by kind. */
  restarts: Record<string, number>;
  /** Actors waiting to be restarted. */
  restarting: number;
  /** Actors by kind and top-level state; those waiting to be restarted count as `Restarting`. */
  byKind: Record<string, Record<string, number>>;
}

const annotation = (obj: KubeObject, name: string): string | undefined => obj.metadata.annotations?.[name];

export class Supervisor {
  readonly router = new Router();
  readonly limiter: Limiter;
  private readonly cluster: Cluster;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly restartBaseMs: number;
  private readonly restartMaxMs: number;
  private readonly registrations: Registration[];
  private readonly managed = new Map<string, Managed>();
  private readonly restartsByKind: Record<string, number> = {};
  private readonly watches = new Set<Watch>();
  private readonly routing: Routing;
  private readonly onError: (message: string, err: unknown) => void;
  private readonly onRestart: ((kind: string) => void) | undefined;
  private readonly labelSelector: string | undefined;
  private readonly namespace: string | undefined;
  private running = false;

  constructor(options: SupervisorOptions) {
    this.cluster = options.cluster;
    this.clock = options.clock;
    this.random = options.random ?? Math.random;
    this.restartBaseMs = options.restartBaseMs ?? 1_000;
    this.restartMaxMs = options.restartMaxMs ?? 60_000;
    this.registrations = options.registrations;
    this.limiter = options.limiter ?? new Limiter(4);
    this.labelSelector = options.labelSelector;
    this.namespace = options.namespace;
    this.onError = options.onError ?? (() => undefined);
    this.onRestart = options.onRestart;
    this.routing = {
      notifyRevision: (source, revision, after) => this.deliver(after, () => this.sendTo(this.router.referrersOf(source), { type: 'source.revisionChanged', revision, source })),
      notifyReady: (ref, revision, after) => this.deliver(after, () => this.sendTo(this.router.dependantsOf(ref), { type: 'dependency.ready', ref, revision })),
      dependencyCycle: (ref) => this.router.cycleThrough(ref),
      limiter: this.limiter,
    };
  }

  /** Lists every registered kind, spawns its actors, and keeps watching. Resolves once the first lists are handled. */
  async start(): Promise<void> {
    this.running = true;
    await Promise.all(this.registrations.map((r) => this.watchKind(r)));
  }

  /** Stops watching and stops every actor (their objects keep their status). */
  async stop(): Promise<void> {
    this.running = false;
    for (const w of this.watches) w.stop();
    this.watches.clear();
    for (const m of this.managed.values()) this.halt(m);
    this.managed.clear();
  }

  /** The live actor of an object, if any. */
  actorFor(ref: ObjectRef): SupervisedActor | undefined {
    return this.managed.get(keyOf(ref))?.actor;
  }

  /** Sends an event to an object's actor (CLI, webhook receivers). Returns false when there is none. */
  send(ref: ObjectRef, event: SupervisorEvent): boolean {
    const actor = this.actorFor(ref);
    actor?.send(event);
    return actor !== undefined;
  }

  stats(): SupervisorStats {
    const states: Record<string, number> = {};
    const byKind: Record<string, Record<string, number>> = {};
    let restarting = 0;
    for (const m of this.managed.values()) {
      const kind = (byKind[m.kind] ??= {});
      if (!m.actor) {
        restarting++;
        kind.Restarting = (kind.Restarting ?? 0) + 1;
        continue;
      }
      const v = m.actor.getSnapshot().value;
      const top = typeof v === 'string' ? v : (Object.keys(v as object)[0] ?? 'unknown');
      states[top] = (states[top] ?? 0) + 1;
      kind[top] = (kind[top] ?? 0) + 1;
    }
    return { actors: this.managed.size, states, restarts: { ...this.restartsByKind }, restarting, byKind };
  }

  // ---- watching -------------------------------------------------------------------------

  /** The slice of objects this supervisor owns: its shard (label selector) and namespace. */
  private scope(): { labelSelector?: string; namespace?: string } {
    return { ...(this.labelSelector ? { labelSelector: this.labelSelector } : {}), ...(this.namespace ? { namespace: this.namespace } : {}) };
  }

  private async watchKind(reg: Registration): Promise<void> {
    let resourceVersion = await this.relist(reg);
    const loop = async (): Promise<void> => {
      while (this.running) {
        let gone = false;
        const watch = await this.cluster.watch(
          { apiVersion: reg.apiVersion, kind: reg.kind, resourceVersion, ...this.scope() },
          (event) => {
            if (event.type === 'ERROR') {
              gone = true;
              return;
            }
            if (event.type === 'BOOKMARK') return;
            resourceVersion = event.object.metadata.resourceVersion ?? resourceVersion;
            if (event.type === 'DELETED') this.forget(event.object);
            else this.observe(reg, event.object);
          },
        );
        this.watches.add(watch);
        await watch.done;
        this.watches.delete(watch);
        if (!this.running) return;
        if (gone) resourceVersion = await this.relist(reg);
      }
    };
    void loop().catch((err: unknown) => this.onError(`watching ${reg.kind} failed`, err));
  }

  /** Lists a kind, observes every object, and forgets actors whose objects are gone. */
  private async relist(reg: Registration): Promise<string> {
    const list = await this.cluster.list({ apiVersion: reg.apiVersion, kind: reg.kind, ...this.scope() });
    const present = new Set<string>();
    for (const obj of list.items) {
      present.add(keyOf(refOf(obj)));
      this.observe(reg, obj);
    }
    for (const m of [...this.managed.values()]) if (m.registration === reg && !present.has(m.key)) this.forget(m.object);
    return list.resourceVersion;
  }

  // ---- object changes → events ----------------------------------------------------------

  private observe(reg: Registration, full: KubeObject): void {
    const obj = slim(full);
    const key = keyOf(refOf(obj));
    const m = this.managed.get(key);
    const deleting = !!obj.metadata.deletionTimestamp;
    this.router.update(obj);
    if (!m) {
      if (deleting && !(obj.metadata.finalizers ?? []).includes(FLUX_FINALIZER)) return;
      const created: Managed = {
        key,
        kind: reg.kind,
        registration: reg,
        object: obj,
        actor: undefined,
        subscription: undefined,
        generation: obj.metadata.generation ?? 1,
        requestedAt: annotation(obj, Annotations.requestedAt),
        deleting,
        restarts: 0,
        restartTimer: undefined,
      };
      this.managed.set(key, created);
      if (!deleting) void this.ensureFinalizer(obj);
      // The first actor starts from the status the object carries (a restarted controller resumes).
      this.spawn(created, full);
      if (deleting) created.actor?.send({ type: 'object.deleted' });
      return;
    }
    m.object = obj;
    if (!m.actor) return; // restarting: the new actor starts from the latest object
    if (deleting) {
      if (!m.deleting) {
        m.deleting = true;
        m.actor.send({ type: 'object.deleted' });
      }
      return;
    }
    const generation = obj.metadata.generation ?? 1;
    if (generation !== m.generation) {
      m.generation = generation;
      m.actor.send({ type: 'spec.changed', object: obj });
    }
    const requestedAt = annotation(obj, Annotations.requestedAt);
    if (requestedAt && requestedAt !== m.requestedAt) {
      m.requestedAt = requestedAt;
      const handled = (full.status as { lastHandledReconcileAt?: string } | undefined)?.lastHandledReconcileAt;
      if (requestedAt !== handled) m.actor.send({ type: 'reconcile.requested', requestedAt });
    }
  }

  /** The object is gone from the cluster: its actor has nothing left to do. */
  private forget(obj: KubeObject): void {
    const key = keyOf(refOf(obj));
    const m = this.managed.get(key);
    this.router.remove(key);
    if (!m) return;
    this.halt(m);
    this.managed.delete(key);
  }

  private halt(m: Managed): void {
    if (m.restartTimer !== undefined) this.clock.clearTimeout(m.restartTimer);
    m.restartTimer = undefined;
    m.subscription?.unsubscribe();
    m.subscription = undefined;
    const actor = m.actor;
    m.actor = undefined;
    actor?.stop();
  }

  // ---- actors ---------------------------------------------------------------------------

  private spawn(m: Managed, withStatus: KubeObject = m.object): void {
    let actor: SupervisedActor;
    try {
      actor = m.registration.createActor(withStatus, this.routing);
    } catch (err) {
      this.crashed(m, err);
      return;
    }
    m.actor = actor;
    m.subscription = actor.subscribe({
      error: (err) => this.crashed(m, err),
      complete: () => {
        if (actor.getSnapshot().status === 'done') void this.finalized(m);
      },
    });
    actor.start();
  }

  private crashed(m: Managed, err: unknown): void {
    if (this.managed.get(m.key) !== m) return;
    this.onError(`actor for ${m.key} crashed; restarting`, err);
    m.subscription?.unsubscribe();
    m.subscription = undefined;
    m.actor = undefined;
    m.restarts++;
    this.restartsByKind[m.kind] = (this.restartsByKind[m.kind] ?? 0) + 1;
    this.onRestart?.(m.kind);
    const capped = Math.min(this.restartMaxMs, this.restartBaseMs * 2 ** Math.min(m.restarts - 1, 20));
    const delay = Math.round(capped * (0.5 + this.random() / 2));
    m.restartTimer = this.clock.setTimeout(() => {
      m.restartTimer = undefined;
      void this.restart(m);
    }, delay);
  }

  /** Re-creates a crashed actor from the object as the cluster has it now (status included). */
  private async restart(m: Managed): Promise<void> {
    if (!this.running || this.managed.get(m.key) !== m) return;
    const fresh = await this.cluster.get(refOf(m.object)).catch(() => m.object);
    if (!fresh || this.managed.get(m.key) !== m) {
      if (!fresh) this.forget(m.object);
      return;
    }
    m.object = slim(fresh);
    m.generation = fresh.metadata.generation ?? 1;
    m.requestedAt = annotation(fresh, Annotations.requestedAt);
    m.deleting = !!fresh.metadata.deletionTimestamp;
    this.spawn(m, fresh);
    if (m.deleting) m.actor?.send({ type: 'object.deleted' });
  }

  /** The actor reached Pruned: release the object by removing the finalizer. */
  private async finalized(m: Managed): Promise<void> {
    this.halt(m);
    if (this.managed.get(m.key) === m) this.managed.delete(m.key);
    this.router.remove(m.key);
    try {
      const current = await this.cluster.get(refOf(m.object));
      if (!current) return;
      const finalizers = (current.metadata.finalizers ?? []).filter((f) => f !== FLUX_FINALIZER);
      await this.cluster.patch(refOf(current), { metadata: { finalizers: finalizers.length ? finalizers : null } }, 'merge');
    } catch (err) {
      this.onError(`removing the finalizer of ${m.key} failed`, err);
    }
    // A source that is gone has no revision any more: its referrers find out now, not at their interval.
    const source = refOf(m.object);
    this.sendTo(this.router.referrersOf(source), { type: 'source.revisionChanged', revision: '', source });
  }

  private async ensureFinalizer(obj: KubeObject): Promise<void> {
    if ((obj.metadata.finalizers ?? []).includes(FLUX_FINALIZER)) return;
    try {
      await this.cluster.patch(refOf(obj), { metadata: { finalizers: [...(obj.metadata.finalizers ?? []), FLUX_FINALIZER] } }, 'merge');
    } catch (err) {
      this.onError(`adding the finalizer to ${keyOf(refOf(obj))} failed`, err);
    }
  }

  private deliver(after: Promise<unknown> | undefined, send: () => void): void {
    if (!after) return send();
    void after.then(send, send);
  }

  /**
   * Fans an event out. A source with a thousand referrers would otherwise run a thousand actor
   * transitions (and start a thousand status writes) in one turn of the event loop, holding back
   * the first recipients' I/O until the last one is told; in slices, the first ones get going.
   */
  private sendTo(keys: string[], event: SupervisorEvent): void {
    const slice = (from: number): void => {
      const end = Math.min(keys.length, from + FANOUT_SLICE);
      for (let i = from; i < end; i++) this.managed.get(keys[i]!)?.actor?.send(event);
      if (end < keys.length && this.running) setImmediate(() => slice(end));
    };
    slice(0);
  }
}
