/**
 * The embedded simulator, assembled: a MemoryCluster with the Flux CRDs, artifact storage, the
 * GitRepository and Kustomization controllers, and the supervisor. Used by `fluxion sim`, the
 * demo, tests and benchmarks — and by anyone embedding fluxion in a Node program.
 */
import type { Clock } from '../api/clock.js';
import { systemClock } from '../api/clock.js';
import { fluxCrds } from '../api/crds.js';
import { MemoryCluster } from '../cluster/memory/index.js';
import { createEngine } from '../controllers/engine.js';
import type { Supervisor } from '../runtime/supervisor.js';
import type { ArtifactStorage } from '../sources/artifact/storage.js';

export interface SimulatorOptions {
  clock?: Clock;
  /** Where artifacts and Git caches live; a temporary directory (removed on stop) by default. */
  stateDir?: string;
  /** Clock time workloads take to roll out. Default 1 s. */
  rolloutDelayMs?: number;
  /** Clock time between health polls. Default 500 ms. */
  healthPollMs?: number;
  /**
   * Where to fetch a GitRepository from instead of its spec.url: keyed by `namespace/name` or by
   * the URL itself; values are URLs, `file://` URLs or local paths. Lets repositories whose
   * sources live on the internet be simulated offline.
   */
  sourceOverrides?: Record<string, string>;
  /** Per-kind concurrency (Flux's --concurrent). Default 4. */
  concurrency?: number;
  /** Called with every controller error (for logs). */
  onError?: (message: string, err: unknown) => void;
  randomSeed?: () => number;
}

export interface Simulator {
  cluster: MemoryCluster;
  supervisor: Supervisor;
  storage: ArtifactStorage;
  clock: Clock;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createSimulator(options: SimulatorOptions = {}): Simulator {
  const clock = options.clock ?? systemClock;
  const cluster = new MemoryCluster({ clock, crds: fluxCrds(), rolloutDelayMs: options.rolloutDelayMs ?? 1_000 });
  const engine = createEngine({
    cluster,
    clock,
    healthPollMs: options.healthPollMs ?? 500,
    ...(options.stateDir !== undefined ? { stateDir: options.stateDir } : {}),
    ...(options.sourceOverrides ? { sourceOverrides: options.sourceOverrides } : {}),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.onError ? { onError: options.onError } : {}),
    ...(options.randomSeed ? { randomSeed: options.randomSeed } : {}),
  });
  return {
    cluster,
    supervisor: engine.supervisor,
    storage: engine.storage,
    clock,
    async start() {
      if (!(await cluster.get({ apiVersion: 'v1', kind: 'Namespace', name: 'flux-system' }))) {
        await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
      }
      await engine.start();
    },
    stop: () => engine.stop(),
  };
}
