/**
 * The engine: every controller, the drift watcher and the supervisor, assembled around any
 * Cluster. The simulator runs it on a MemoryCluster; `fluxion controller` runs it on a
 * KubeCluster once it holds the leader lease. Nothing here knows which backend it talks to.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Clock } from '../api/clock.js';
import type { Cluster, KubeEvent } from '../cluster/types.js';
import { Supervisor } from '../runtime/supervisor.js';
import { Metrics } from '../runtime/metrics.js';
import { silentLogger } from '../runtime/logging.js';
import type { Logger } from '../runtime/logging.js';
import { ArtifactCache } from '../sources/artifact/cache.js';
import { ArtifactStorage } from '../sources/artifact/storage.js';
import { PackCache } from '../sources/git/object-store.js';
import type { ControllerDeps } from './controller.js';
import { DriftWatcher } from './drift.js';
import { helmChartController } from './helm-chart.js';
import { helmReleaseController, renderForRelease } from './helm-release.js';
import { helmRepositoryController } from './helm-repository.js';
import { gitRepositoryController } from './git-repository.js';
import { kustomizationController } from './kustomization.js';
import { ociRepositoryController } from './oci-repository.js';
import { bucketController } from './bucket.js';
import { artifactGeneratorController } from './artifact-generator.js';
import { imageRepositoryController } from './image-repository.js';
import { imagePolicyController } from './image-policy.js';
import { TagDatabase } from '../image/scan.js';
import { ExternalArtifactWatcher } from './external-artifacts.js';
import { NotificationController } from './notification.js';
import { Dispatcher } from '../notify/dispatcher.js';

export interface EngineOptions {
  cluster: Cluster;
  clock: Clock;
  /** Where artifacts and Git caches live; a temporary directory (removed on stop) by default. */
  stateDir?: string;
  /** Clock time between health polls of applied workloads. Default 500 ms. */
  healthPollMs?: number;
  /** GitRepository, OCIRepository and HelmRepository URL overrides, and Bucket endpoint overrides (`http(s)://host[:port]`), keyed by `namespace/name` or by URL/endpoint (see `fluxion sim --source`). */
  sourceOverrides?: Record<string, string>;
  /** Per-kind concurrency (Flux's --concurrent). Default 4. */
  concurrency?: number;
  /** Reconcile only objects matching this label selector (Flux's --watch-label-selector, for sharding). */
  watchLabelSelector?: string;
  /** Reconcile only objects in this namespace (Flux's --watch-all-namespaces=false). Default: all. */
  watchNamespace?: string;
  /** Called with every controller error (for logs). */
  onError?: (message: string, err: unknown) => void;
  randomSeed?: () => number;
  /** Prometheus metrics (Flux's `gotk_*` and fluxion's own); a fresh registry by default. */
  metrics?: Metrics;
  /** Flux-shaped logs of reconcile outcomes (see runtime/logging.ts); silent by default. */
  logger?: Logger;
  /** Record Normal events (success, new artifact, change set) as Flux does, not only Warnings. Default true. */
  normalEvents?: boolean;
  /**
   * Where recorded events go to reach Alerts and Providers (notification-controller in process).
   * Default: a Dispatcher on the engine's clock with Flux's 5m duplicate limit; `false`: none.
   * An injected one (tests: fake clock, `idle()`) is wired to this engine's cluster.
   */
  dispatcher?: Dispatcher | false;
  /** Flux's --no-cross-namespace-refs, for Alerts and Receivers. */
  noCrossNamespaceRefs?: boolean;
}

export interface Engine {
  supervisor: Supervisor;
  storage: ArtifactStorage;
  stateDir: string;
  metrics: Metrics;
  logger: Logger;
  /** Alerts → Providers, and the Receivers' webhooks (`receive`). */
  notifications: NotificationController;
  dispatcher: Dispatcher | undefined;
  start(): Promise<void>;
  /** Stops every actor and watch; removes the state directory when the engine made it. */
  stop(): Promise<void>;
}

export const engineKinds = ['GitRepository', 'OCIRepository', 'Bucket', 'HelmRepository', 'HelmChart', 'ArtifactGenerator', 'Kustomization', 'HelmRelease', 'ImageRepository', 'ImagePolicy'] as const;

export function createEngine(options: EngineOptions): Engine {
  const { cluster, clock } = options;
  const ownDir = options.stateDir === undefined;
  const stateDir = options.stateDir ?? mkdtempSync(path.join(os.tmpdir(), 'fluxion-state-'));
  const storage = new ArtifactStorage({ root: path.join(stateDir, 'artifacts'), clock });
  const metrics = options.metrics ?? new Metrics();
  const logger = options.logger ?? silentLogger();
  // Without a handler of its own, the engine logs controller errors at error level.
  const onError = options.onError ?? ((message: string, err: unknown) => logger.error(err === undefined ? {} : { error: err instanceof Error ? err.message : String(err) }, message));
  const dispatcher = options.dispatcher === false ? undefined : (options.dispatcher ?? new Dispatcher({ clock, reportingInstance: os.hostname(), ...(options.noCrossNamespaceRefs ? { noCrossNamespaceRefs: true } : {}) }));
  const notifications = new NotificationController({
    cluster,
    clock,
    ...(dispatcher ? { dispatcher } : {}),
    ...(options.watchNamespace ? { namespace: options.watchNamespace } : {}),
    ...(options.noCrossNamespaceRefs ? { noCrossNamespaceRefs: true } : {}),
    onError: (message, err) => onError(message, err),
  });
  const deps: ControllerDeps = {
    cluster,
    clock,
    ...(dispatcher ? { notify: (event: KubeEvent) => dispatcher.dispatch(event) } : {}),
    metrics,
    logger,
    onError,
    normalEvents: options.normalEvents ?? true,
    ...(options.randomSeed ? { random: options.randomSeed } : {}),
  };
  const drift = new DriftWatcher(cluster);
  // One in-memory copy of each artifact, seeded by the source that made it.
  const artifacts = new ArtifactCache(storage);
  // The scanned tags, shared by the ImageRepository and ImagePolicy controllers (Flux's tag database).
  const tags = new TagDatabase();
  const supervisor = new Supervisor({
    cluster,
    clock,
    registrations: [
      gitRepositoryController({ storage, cacheRoot: path.join(stateDir, 'git'), artifacts, packs: new PackCache(), ...(options.sourceOverrides ? { overrides: options.sourceOverrides } : {}) }, deps),
      ociRepositoryController({ storage, artifacts, ...(options.sourceOverrides ? { overrides: options.sourceOverrides } : {}) }, deps),
      bucketController({ storage, artifacts, ...(options.sourceOverrides ? { overrides: options.sourceOverrides } : {}) }, deps),
      helmRepositoryController({ storage, ...(options.sourceOverrides ? { overrides: options.sourceOverrides } : {}) }, deps),
      helmChartController({ storage, cache: artifacts, ...(options.sourceOverrides ? { overrides: options.sourceOverrides } : {}) }, deps),
      artifactGeneratorController({ storage, cache: artifacts }, deps),
      helmReleaseController({ storage, render: renderForRelease, pollMs: options.healthPollMs ?? 500 }, deps),
      kustomizationController({ storage, cache: artifacts, healthPollMs: options.healthPollMs ?? 500, drift }, deps),
      imageRepositoryController({ tags }, deps),
      imagePolicyController({ tags }, deps),
    ],
    ...(options.watchLabelSelector ? { labelSelector: options.watchLabelSelector } : {}),
    ...(options.watchNamespace ? { namespace: options.watchNamespace } : {}),
    onError,
    onRestart: (kind) => metrics.actorRestarted(kind),
  });
  metrics.observeRuntime({
    actors: () => supervisor.stats().byKind,
    queueDepth: () => Object.fromEntries(Object.entries(supervisor.limiter.stats()).map(([kind, lane]) => [kind, lane.queued])),
  });
  for (const kind of engineKinds) supervisor.limiter.setLimit(kind, options.concurrency ?? 4);
  drift.onDrift((owner, subject) => supervisor.send(owner, { type: 'object.drifted', subject }));
  // New revisions of ExternalArtifacts that another producer writes reach their consumers.
  const externalArtifacts = new ExternalArtifactWatcher(cluster, supervisor, options.watchNamespace, onError);
  return {
    supervisor,
    storage,
    stateDir,
    metrics,
    logger,
    notifications,
    dispatcher,
    async start() {
      await supervisor.start();
      await externalArtifacts.start();
      await notifications.start();
    },
    async stop() {
      notifications.stop();
      externalArtifacts.stop();
      await drift.stop();
      await supervisor.stop();
      if (ownDir) rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
