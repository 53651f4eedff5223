/**
 * What `fluxion controller` runs in a cluster: the engine behind a leader election. Every replica
 * campaigns for the Lease; only the leader runs the engine, so two replicas never reconcile (or
 * apply) the same object. When the leader loses the Lease it stops reconciling at once and
 * reports it (the process then exits, as Flux's controllers do, and Kubernetes restarts it as a
 * standby). A replica that takes over starts from what is in the cluster — statuses and
 * inventories — so nothing is re-created or orphaned.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Clock } from '../api/clock.js';
import type { Cluster } from '../cluster/types.js';
import { LeaderElector } from '../runtime/leader.js';
import type { Engine, EngineOptions } from './engine.js';
import { createEngine } from './engine.js';

export interface ManagerOptions extends Omit<EngineOptions, 'cluster' | 'clock'> {
  cluster: Cluster;
  clock: Clock;
  /** Namespace of the Lease (Flux: the controller's own namespace). */
  namespace: string;
  /** Default true, as Flux's `--enable-leader-election`. */
  leaderElection?: boolean;
  leaseName?: string;
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** Called when this replica stops leading after having led (the caller usually exits). */
  onLostLeadership?: () => void;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

export interface Manager {
  readonly identity: string;
  isLeader(): boolean;
  /** True while the API server answered the last request this replica made. */
  isReady(): boolean;
  /** The running engine while leading. */
  engine(): Engine | undefined;
  start(): Promise<void>;
  /** Graceful shutdown: stop reconciling, release the Lease. */
  stop(): Promise<void>;
}

export function createManager(options: ManagerOptions): Manager {
  const identity = options.identity ?? `${hostname()}_${randomBytes(4).toString('hex')}`;
  const log = options.log ?? (() => undefined);
  let engine: Engine | undefined;
  let ready = false;
  let stopping = false;
  // Engine start/stop are serialised: losing the Lease while still starting must not leave it running.
  let transition: Promise<void> = Promise.resolve();

  const probe = async (): Promise<void> => {
    try {
      await options.cluster.resources();
      ready = true;
    } catch (err) {
      ready = false;
      log('API server unreachable', { error: err instanceof Error ? err.message : String(err) });
    }
  };

  // A failed transition must not wedge the ones after it.
  const startEngine = (): Promise<void> =>
    (transition = transition.catch(() => undefined).then(async () => {
      if (engine || stopping) return;
      log('started leading', { identity });
      const { cluster, clock, namespace: _ns, leaderElection: _le, leaseName: _ln, identity: _id, onLostLeadership: _ol, log: _log, ...engineOptions } = options;
      const starting = createEngine({ cluster, clock, ...engineOptions });
      try {
        await starting.start();
      } catch (err) {
        // The API server did not answer: leave nothing half-started, so a retry starts afresh.
        await starting.stop().catch(() => undefined);
        throw err;
      }
      engine = starting;
    }));

  const stopEngine = (): Promise<void> =>
    (transition = transition.catch(() => undefined).then(async () => {
      const running = engine;
      engine = undefined;
      if (running) await running.stop();
    }));

  const elector =
    options.leaderElection === false
      ? undefined
      : new LeaderElector({
          cluster: options.cluster,
          clock: options.clock,
          namespace: options.namespace,
          name: options.leaseName ?? 'fluxion-leader-election',
          identity,
          ...(options.leaseDurationMs !== undefined ? { leaseDurationMs: options.leaseDurationMs } : {}),
          ...(options.renewDeadlineMs !== undefined ? { renewDeadlineMs: options.renewDeadlineMs } : {}),
          ...(options.retryPeriodMs !== undefined ? { retryPeriodMs: options.retryPeriodMs } : {}),
          onStartedLeading: () => startEngine(),
          onStoppedLeading: async () => {
            log('stopped leading', { identity });
            await stopEngine();
            if (!stopping) options.onLostLeadership?.();
          },
          onReachable: () => {
            ready = true;
          },
          onError: (err) => {
            ready = false;
            log('leader election failed', { error: err instanceof Error ? err.message : String(err) });
          },
        });

  return {
    identity,
    isLeader: () => (elector ? elector.isLeader : engine !== undefined),
    isReady: () => ready,
    engine: () => engine,
    async start() {
      await probe();
      if (elector) elector.start();
      else await startEngine();
    },
    async stop() {
      stopping = true;
      await stopEngine();
      await elector?.stop();
    },
  };
}
