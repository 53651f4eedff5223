/**
 * The embedded simulator, assembled: a MemoryCluster with the Flux CRDs, artifact storage, the
 * GitRepository and Kustomization controllers, and the supervisor. Used by `fluxion sim`, the
 * demo, tests and benchmarks — and by anyone embedding fluxion in a Node program.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Clock } from '../api/clock.js';
import { systemClock } from '../api/clock.js';
import { fluxCrds } from '../api/crds.js';
import { MemoryCluster } from '../cluster/memory/index.js';
import { gitRepositoryController } from '../controllers/git-repository.js';
import { kustomizationController } from '../controllers/kustomization.js';
import { DriftWatcher } from '../controllers/drift.js';
import { Supervisor } from '../runtime/supervisor.js';
import { ArtifactStorage } from '../sources/artifact/storage.js';

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
  const ownDir = options.stateDir === undefined;
  const stateDir = options.stateDir ?? mkdtempSync(path.join(os.tmpdir(), 'fluxion-sim-'));
  const cluster = new MemoryCluster({ clock, crds: fluxCrds(), rolloutDelayMs: options.rolloutDelayMs ?? 1_000 });
  const storage = new ArtifactStorage({ root: path.join(stateDir, 'artifacts'), clock });
  const deps = { cluster, clock, ...(options.onError ? { onError: options.onError } : {}), ...(options.randomSeed ? { random: options.randomSeed } : {}) };
  const drift = new DriftWatcher(cluster);
  const supervisor = new Supervisor({
    cluster,
    clock,
    registrations: [
      gitRepositoryController({ storage, cacheRoot: path.join(stateDir, 'git'), ...(options.sourceOverrides ? { overrides: options.sourceOverrides } : {}) }, deps),
      kustomizationController({ storage, healthPollMs: options.healthPollMs ?? 500, drift }, deps),
    ],
    ...(options.onError ? { onError: options.onError } : {}),
  });
  for (const kind of ['GitRepository', 'Kustomization']) supervisor.limiter.setLimit(kind, options.concurrency ?? 4);
  drift.onDrift((owner, subject) => supervisor.send(owner, { type: 'object.drifted', subject }));
  return {
    cluster,
    supervisor,
    storage,
    clock,
    async start() {
      if (!(await cluster.get({ apiVersion: 'v1', kind: 'Namespace', name: 'flux-system' }))) {
        await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
      }
      await supervisor.start();
    },
    async stop() {
      await drift.stop();
      await supervisor.stop();
      if (ownDir) rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
