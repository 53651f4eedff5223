/**
 * The HelmChart controller: source-controller's HelmChart as the HelmChart machine's two steps.
 *
 * 1. `fetchChart` resolves the chart from its source — a version of `spec.chart` chosen by the
 *    `spec.version` constraint from a HelmRepository's index and downloaded (digest checked), or
 *    the chart directory `spec.chart` of a GitRepository/Bucket artifact — and builds the package:
 *    validated as Helm loads it, `valuesFiles` merged, the version given build metadata for the
 *    `Revision` strategy (`<version>+<source digest[:12]>`) and for values files
 *    (`+<generation>`). When the result would be the artifact already stored, the run ends.
 * 2. `storeArtifact` stores `helmchart/<ns>/<name>/<chart>-<version>.tgz`; its revision is the
 *    chart version, which is what HelmReleases upgrade on.
 */
import { createHash } from 'node:crypto';
import type { Condition } from '../api/conditions.js';
import { removeCondition, setCondition } from '../api/conditions.js';
import { StalledError, TransientError, WaitingError } from '../api/errors.js';
import type { Artifact } from '../api/kinds/common.js';
import type { HelmChart } from '../api/kinds/helm-chart.js';
import type { HelmRepository } from '../api/kinds/helm-repository.js';
import type { KubeObject } from '../api/meta.js';
import { SourceReasons } from '../api/reasons.js';
import { helmChartMachine } from '../../machines/index.js';
import type { LifecycleContext } from '../../machines/lifecycle.js';
import { ArtifactCache } from '../sources/artifact/cache.js';
import type { ArtifactStorage } from '../sources/artifact/storage.js';
import { httpGet } from '../sources/helm/http.js';
import { IndexError, chartUrl, parseIndex, resolveChartVersion } from '../sources/helm/index-file.js';
import type { Registration } from '../runtime/supervisor.js';
import type { BuiltChart } from './chart-build.js';
import { buildChart, chartDirFiles, shortRevision, unpackChart } from './chart-build.js';
import type { ControllerDeps, EffectContext } from './controller.js';
import { createController } from './controller.js';
import { helmCredentials } from './helm-repository.js';
import { effectiveHelmUrl } from '../sources/helm-repository.js';
import { chartRepository, listChartVersions, pullChart, resolveOciVersion } from '../sources/helm/oci.js';

const SOURCE_API: Record<string, string> = { HelmRepository: 'source.toolkit.fluxcd.io/v1', GitRepository: 'source.toolkit.fluxcd.io/v1', Bucket: 'source.toolkit.fluxcd.io/v1' };
const FAILURE_CONDITIONS: Record<string, string> = {
  [SourceReasons.ChartPullFailed]: 'FetchFailed',
  [SourceReasons.AuthenticationFailed]: 'FetchFailed',
  [SourceReasons.ChartPackageFailed]: 'BuildFailed',
  [SourceReasons.InvalidPath]: 'BuildFailed',
  [SourceReasons.StorageOperationFailed]: 'StorageOperationFailed',
};

/** What the stored artifact was built from, to tell whether a run would build the same thing. */
interface Observed {
  sourceRevision: string;
  chartName: string;
  valuesFiles: string[];
}

const sameObserved = (chart: HelmChart, o: Observed): boolean =>
  chart.status?.observedSourceArtifactRevision === o.sourceRevision &&
  chart.status?.observedChartName === o.chartName &&
  JSON.stringify(chart.status?.observedValuesFiles ?? []) === JSON.stringify(o.valuesFiles);

export function helmChartController(source: { storage: ArtifactStorage; cache?: ArtifactCache; overrides?: Record<string, string> }, deps: ControllerDeps): Registration {
  const cache = source.cache ?? new ArtifactCache(source.storage);
  const requeueMs = deps.requeueDependencyMs ?? 30_000;

  const sourceOf = async (chart: HelmChart, ctx: EffectContext): Promise<{ subject: string; obj: KubeObject; artifact: Artifact }> => {
    const ref = chart.spec.sourceRef;
    const ns = chart.metadata.namespace ?? 'default';
    const subject = `${ref.kind}/${ns}/${ref.name}`;
    const obj = await ctx.cluster.get({ apiVersion: SOURCE_API[ref.kind] ?? 'source.toolkit.fluxcd.io/v1', kind: ref.kind, name: ref.name, namespace: ns });
    if (!obj || obj.metadata.deletionTimestamp) throw new WaitingError('SourceUnavailable', `failed to get source: ${subject} not found`, requeueMs);
    // An OCI repository has no index: charts are resolved against the registry itself.
    if (ref.kind === 'HelmRepository' && (obj as HelmRepository).spec.type === 'oci') return { subject, obj, artifact: { path: '', url: '', revision: '', lastUpdateTime: '' } };
    const artifact = (obj.status as { artifact?: Artifact } | undefined)?.artifact;
    if (!artifact) throw new WaitingError('SourceUnavailable', `failed to get source: ${subject} has no artifact yet`, requeueMs);
    return { subject, obj, artifact };
  };

  const fromRepository = async (chart: HelmChart, repo: HelmRepository, index: Artifact, ctx: EffectContext): Promise<{ built?: BuiltChart; version: string }> => {
    let entries;
    try {
      entries = parseIndex(await source.storage.read(index));
    } catch (err) {
      throw new TransientError(SourceReasons.ChartPullFailed, `failed to read the index of HelmRepository/${repo.metadata.namespace}/${repo.metadata.name}: ${(err as Error).message}`, { cause: err });
    }
    let entry;
    try {
      entry = resolveChartVersion(entries, chart.spec.chart, chart.spec.version);
    } catch (err) {
      // A constraint nothing matches can succeed later (a new chart is published): keep retrying.
      if (err instanceof IndexError) throw new TransientError(SourceReasons.ChartPullFailed, `invalid chart reference: ${err.message}`, { cause: err });
      throw err;
    }
    const valuesFiles = chart.spec.valuesFiles ?? [];
    const version = valuesFiles.length ? `${entry.version.replace(/\+.*$/, '')}+${chart.metadata.generation ?? 1}` : entry.version;
    return {
      version,
      built: await (async () => {
        // The artifact for this exact version is there already: no download.
        const stored = chart.status?.artifact;
        if (stored?.revision === version && sameObserved(chart, { sourceRevision: index.revision, chartName: chart.spec.chart, valuesFiles }) && (await source.storage.exists(stored))) return undefined;
        const url = chartUrl(effectiveHelmUrl(repo, source.overrides), entry);
        let bytes: Buffer;
        try {
          bytes = await httpGet(url, { ...(await credentialsFor(repo, url, ctx)), timeoutMs: 60_000, maxBytes: 100 * 1024 * 1024 });
        } catch (err) {
          throw new TransientError(SourceReasons.ChartPullFailed, `failed to pull chart ${chart.spec.chart} ${entry.version}: ${(err as Error).message}`, { cause: err });
        }
        if (entry.digest && createHash('sha256').update(bytes).digest('hex') !== entry.digest) {
          throw new TransientError(SourceReasons.ChartPullFailed, `chart ${chart.spec.chart} ${entry.version} from ${url}: digest mismatch: the index says sha256:${entry.digest}`);
        }
        const what = `chart ${chart.spec.chart} ${entry.version}`;
        return buildChart(unpackChart(bytes, what), {
          what,
          valuesFiles,
          ignoreMissingValuesFiles: chart.spec.ignoreMissingValuesFiles ?? false,
          ...(valuesFiles.length ? { versionMetadata: String(chart.metadata.generation ?? 1) } : {}),
          original: bytes,
        });
      })(),
    };
  };

  /** A chart version from an OCI registry (`type: oci`; `insecure` allows plain HTTP, as Flux's does). */
  const fromRegistry = async (chart: HelmChart, repo: HelmRepository, ctx: EffectContext): Promise<{ built?: BuiltChart; version: string }> => {
    const what = `chart ${chart.spec.chart}`;
    let version: string;
    let ref;
    const creds = await helmCredentials(repo, ctx);
    try {
      ref = chartRepository(effectiveHelmUrl(repo, source.overrides), chart.spec.chart, repo.spec.insecure === true);
      version = resolveOciVersion(await listChartVersions(ref, creds), chart.spec.chart, chart.spec.version);
    } catch (err) {
      throw new TransientError(SourceReasons.ChartPullFailed, `invalid chart reference: ${(err as Error).message}`, { cause: err });
    }
    const valuesFiles = chart.spec.valuesFiles ?? [];
    const revision = valuesFiles.length ? `${version.replace(/\+.*$/, '')}+${chart.metadata.generation ?? 1}` : version;
    const stored = chart.status?.artifact;
    if (stored?.revision === revision && sameObserved(chart, { sourceRevision: version, chartName: chart.spec.chart, valuesFiles }) && (await source.storage.exists(stored))) return { version: revision };
    let bytes: Buffer;
    try {
      bytes = (await pullChart(ref, version, creds)).bytes;
    } catch (err) {
      throw new TransientError(SourceReasons.ChartPullFailed, `failed to pull ${what} ${version}: ${(err as Error).message}`, { cause: err });
    }
    return {
      version: revision,
      built: buildChart(unpackChart(bytes, `${what} ${version}`), {
        what: `${what} ${version}`,
        valuesFiles,
        ignoreMissingValuesFiles: chart.spec.ignoreMissingValuesFiles ?? false,
        ...(valuesFiles.length ? { versionMetadata: String(chart.metadata.generation ?? 1) } : {}),
        original: bytes,
      }),
    };
  };

  /** The repository's credentials, sent to the chart URL only on the repository's host unless passCredentials. */
  const credentialsFor = async (repo: HelmRepository, url: string, ctx: EffectContext) => {
    const creds = await helmCredentials(repo, ctx);
    if (!creds) return {};
    const sameHost = new URL(url).host === new URL(effectiveHelmUrl(repo, source.overrides)).host;
    if (sameHost || repo.spec.passCredentials) return { credentials: creds };
    const { username: _u, password: _p, ...tls } = creds;
    return { credentials: tls };
  };

  return createController(
    {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'HelmChart',
      machine: helmChartMachine,
      reportingController: 'source-controller',
      isSource: true,
      steps: {
        fetchChart: async ({ object }, ctx) => {
          const chart = object as HelmChart;
          const { obj, artifact } = await sourceOf(chart, ctx);
          const valuesFiles = chart.spec.valuesFiles ?? [];
          const observed: Observed = { sourceRevision: artifact.revision, chartName: chart.spec.chart, valuesFiles };
          if (chart.spec.sourceRef.kind === 'HelmRepository' && (obj as HelmRepository).spec.type === 'oci') {
            const { built, version } = await fromRegistry(chart, obj as HelmRepository, ctx);
            if (!built) return { revision: version, unchanged: true, message: `pulled '${chart.spec.chart}' chart with version '${version}'`, data: { artifact: chart.status?.artifact, observed: { ...observed, sourceRevision: version } } };
            return { revision: built.version, data: { built, observed: { ...observed, sourceRevision: version } } };
          }
          if (chart.spec.sourceRef.kind === 'HelmRepository') {
            const { built, version } = await fromRepository(chart, obj as HelmRepository, artifact, ctx);
            if (!built) return { revision: version, unchanged: true, message: `pulled '${chart.spec.chart}' chart with version '${version}'`, data: { artifact: chart.status?.artifact, observed } };
            return { revision: built.version, data: { built, observed } };
          }
          // A chart directory in a Git (or Bucket) artifact, packaged here.
          const metadata = [
            ...(chart.spec.reconcileStrategy === 'Revision' ? [shortRevision(artifact.revision)] : []),
            ...(valuesFiles.length ? [String(chart.metadata.generation ?? 1)] : []),
          ].join('.');
          const stored = chart.status?.artifact;
          if (stored && sameObserved(chart, observed) && (await source.storage.exists(stored))) {
            return { revision: stored.revision, unchanged: true, message: `packaged '${chart.spec.chart}' chart with version '${stored.revision}'`, data: { artifact: stored, observed } };
          }
          let files: Map<string, Buffer>;
          try {
            files = await cache.files(artifact);
          } catch (err) {
            throw new TransientError(SourceReasons.ChartPackageFailed, `failed to read the artifact of ${chart.spec.sourceRef.kind}/${chart.spec.sourceRef.name}: ${(err as Error).message}`, { cause: err });
          }
          const built = buildChart(chartDirFiles(files, chart.spec.chart), {
            what: `chart '${chart.spec.chart}' of ${chart.spec.sourceRef.kind}/${chart.metadata.namespace}/${chart.spec.sourceRef.name}`,
            valuesFiles,
            ignoreMissingValuesFiles: chart.spec.ignoreMissingValuesFiles ?? false,
            ...(metadata ? { versionMetadata: metadata } : {}),
          });
          return { revision: built.version, data: { built, observed } };
        },
        storeArtifact: async ({ object, data }) => {
          const chart = object as HelmChart;
          const built = data.built as BuiltChart;
          let artifact: Artifact;
          try {
            artifact = await source.storage.store('HelmChart', chart.metadata.namespace ?? 'default', chart.metadata.name, `${built.name}-${built.version}.tgz`, built.bytes, built.version);
          } catch (err) {
            throw new TransientError(SourceReasons.StorageOperationFailed, `unable to store the chart: ${(err as Error).message}`, { cause: err });
          }
          const verb = chart.spec.sourceRef.kind === 'HelmRepository' ? 'pulled' : 'packaged';
          return { revision: artifact.revision, message: `${verb} '${built.name}' chart with version '${built.version}'`, data: { artifact } };
        },
      },
      finalize: async (object: KubeObject) => {
        await source.storage.remove('HelmChart', object.metadata.namespace ?? 'default', object.metadata.name);
      },
      statusFrom: (data) => {
        const artifact = data.artifact as Artifact | undefined;
        const observed = data.observed as Observed | undefined;
        if (!artifact) return undefined;
        return {
          artifact,
          url: artifact.url,
          ...(observed
            ? { observedSourceArtifactRevision: observed.sourceRevision, observedChartName: observed.chartName, ...(observed.valuesFiles.length ? { observedValuesFiles: observed.valuesFiles } : {}) }
            : {}),
        };
      },
      decorate: (status, context: LifecycleContext, now) => {
        let conditions = (status.conditions as Condition[] | undefined) ?? [];
        const artifact = status.artifact as { revision?: string } | undefined;
        if (artifact?.revision) conditions = setCondition(conditions, { type: 'ArtifactInStorage', status: 'True', reason: 'Succeeded', message: `stored artifact: revision '${artifact.revision}'` }, now, context.generation);
        const f = context.failure;
        const failed = f ? FAILURE_CONDITIONS[f.reason] : undefined;
        for (const type of new Set(Object.values(FAILURE_CONDITIONS))) {
          if (type === failed && f) conditions = setCondition(conditions, { type, status: 'True', reason: f.reason, message: f.message }, now, context.generation);
          else conditions = removeCondition(conditions, type);
        }
        status.conditions = conditions;
      },
    },
    deps,
  );
}
