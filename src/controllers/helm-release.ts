/**
 * The HelmRelease controller: helm-controller's HelmRelease on the HelmRelease machine.
 *
 * - `checkDependencies`: every `dependsOn` (HelmReleases, and Kustomizations too) Ready.
 * - `loadChart`: the HelmChart `<ns>-<name>` made from `spec.chart` (or `spec.chartRef`),
 *   Ready at the current generation; its package loaded; values composed from `valuesFrom`
 *   then `values`.
 * - `determine`, the decision loop, reads the release as Helm stored it and names the next
 *   action, as helm-controller's state machine does: absent → install; locked (pending-*) →
 *   unlock; failed or out of sync (chart version or values digest changed) → upgrade; drifted →
 *   correctDrift; tests due → test; a failed install/upgrade/test → remediate (uninstall or
 *   rollback) while retries allow, then Failed — or Stalled with RetriesExceeded once they are
 *   exhausted; in sync → done.
 * - the actions themselves are Helm's (src/helm/action), recorded in Helm 3's release storage.
 */
import { createHash } from 'node:crypto';
import semver from 'semver';
import type { Condition } from '../api/conditions.js';
import { setCondition } from '../api/conditions.js';
import { StalledError, TransientError, WaitingError } from '../api/errors.js';
import type { Artifact } from '../api/kinds/common.js';
import type { HelmChart } from '../api/kinds/helm-chart.js';
import type { HelmRelease, Remediation } from '../api/kinds/helm-release.js';
import { helmChartNameFor, helmReleaseName, helmReleaseStorageNamespace, helmReleaseTargetNamespace } from '../api/kinds/helm-release.js';
import { formatDuration, parseDuration } from '../api/duration.js';
import { HelmReasons } from '../api/reasons.js';
import { helmReleaseMachine } from '../../machines/index.js';
import type { ActionRecord, LifecycleContext } from '../../machines/lifecycle.js';
import { stringify } from 'yaml';
import { ActionError, ReleaseActions } from '../helm/action/index.js';
import { build, KustomizeError, memoryFs } from '../kustomize/index.js';
import type { ActionEnv, RenderedChart } from '../helm/action/index.js';
import { HelmError } from '../helm/chart/errors.js';
import { renderChart } from '../helm/render.js';
import { loadChartArchive } from '../helm/chart/load.js';
import { parseVersion } from '../helm/chart/semver.js';
import { mergeMaps } from '../helm/chart/coalesce.js';
import { parseSetInto } from '../helm/chart/strvals.js';
import { readValues } from '../helm/chart/yaml.js';
import type { Chart } from '../helm/chart/types.js';
import { goJson } from '../helm/release/codec.js';
import { ReleaseStorage } from '../helm/release/storage.js';
import type { Release } from '../helm/release/types.js';
import type { GoMap } from '../helm/template/values.js';
import type { ArtifactStorage } from '../sources/artifact/storage.js';
import type { Registration } from '../runtime/supervisor.js';
import type { ControllerDeps, EffectContext } from './controller.js';
import { createController } from './controller.js';
import { checkDependencies } from './dependencies.js';

export const HELM_FIELD_MANAGER = 'helm-controller';

/** Renders a chart as `helm template` would for the release (see src/helm/render.ts). */
export type RenderFunction = (
  chart: Chart,
  options: { values: GoMap; releaseName: string; namespace: string; revision: number; isUpgrade: boolean; effects: EffectContext },
) => Promise<RenderedChart>;

export interface HelmReleaseControllerOptions {
  storage: ArtifactStorage;
  render: RenderFunction;
  /** Clock time between readiness polls while waiting for resources and hooks. Default 2000. */
  pollMs?: number;
}

type Action = 'install' | 'upgrade' | 'correctDrift' | 'test' | 'rollback' | 'uninstall' | 'unlock';

interface Loaded {
  chart: Chart;
  chartVersion: string;
  values: GoMap;
  configDigest: string;
  /** `namespace/name` of the HelmChart the chart came from (none for an OCIRepository). */
  helmChart?: string;
  /** For a chart from an OCIRepository: the artifact's digest (helm-controller's `lastAttemptedRevisionDigest`). */
  ociDigest?: string;
}

/**
 * helm-controller's mutateChartWithSourceRevision: a chart from an OCIRepository gets the first
 * 12 hex digits of the artifact digest as its version's build metadata (`6.5.0+0a1b2c3d4e5f`),
 * so that the same version pushed again with new content is seen as a change. A semver tag in
 * the revision must name the chart's own version.
 */
export function chartVersionWithDigest(chartVersion: string, revision: string): { version: string; digest: string } {
  const version = parseVersion(chartVersion);
  if (!version) throw new Error(`invalid chart version ${chartVersion}`);
  const prefix = (digest: string): string => {
    const parts = digest.split(':');
    if (parts.length !== 2 || parts[1]!.length < 12) throw new Error(`invalid artifact revision ${revision}`);
    return parts[1]!.slice(0, 12);
  };
  const at = revision.split('@');
  const tagVersion = parseVersion(revision.includes('@') ? at[0]!.replace(/_/g, '+') : revision);
  if (tagVersion) {
    if (at.length !== 2 || semver.compare(tagVersion, version) !== 0) throw new Error(`artifact revision ${at[0]} does not match chart version ${chartVersion}`);
    return { version: `${version.replace(/\+.*$/, '')}+${prefix(at[1]!)}`, digest: at[1]! };
  }
  return { version: `${version.replace(/\+.*$/, '')}+${prefix(revision)}`, digest: revision };
}

/** Counters kept in the status between runs (reset by a new generation or a success). */
interface Counters {
  failures: number;
  installFailures: number;
  upgradeFailures: number;
}

const digestOf = (values: GoMap): string => `sha256:${createHash('sha256').update(goJson(values)).digest('hex')}`;

/** The snapshot Flux keeps in `status.history` for a release revision. */
function snapshot(r: Release): Record<string, unknown> {
  const tests = r.hooks.filter((h) => h.events.includes('test') && h.lastRun.phase);
  return {
    chartName: r.chart.metadata.name,
    chartVersion: r.chart.metadata.version,
    ...(r.chart.metadata.appVersion ? { appVersion: r.chart.metadata.appVersion } : {}),
    configDigest: digestOf(r.config),
    digest: `sha256:${createHash('sha256').update(goJson({ name: r.name, namespace: r.namespace, version: r.version, manifest: r.manifest, config: r.config })).digest('hex')}`,
    ...(r.info.firstDeployed ? { firstDeployed: new Date(r.info.firstDeployed).toISOString().replace(/\.\d{3}Z$/, 'Z') } : {}),
    ...(r.info.lastDeployed ? { lastDeployed: new Date(r.info.lastDeployed).toISOString().replace(/\.\d{3}Z$/, 'Z') } : {}),
    name: r.name,
    namespace: r.namespace,
    status: r.info.status,
    version: r.version,
    ...(tests.length
      ? {
          testHooks: Object.fromEntries(
            tests.map((h) => [
              `${r.namespace}/${h.name}`,
              {
                ...(h.lastRun.startedAt ? { lastStarted: new Date(h.lastRun.startedAt).toISOString().replace(/\.\d{3}Z$/, 'Z') } : {}),
                ...(h.lastRun.completedAt ? { lastCompleted: new Date(h.lastRun.completedAt).toISOString().replace(/\.\d{3}Z$/, 'Z') } : {}),
                phase: h.lastRun.phase,
              },
            ]),
          ),
        }
      : {}),
  };
}

/**
 * `ociDigest` on history snapshots: the release in sync was made from the artifact just loaded;
 * older ones keep the digest their snapshot had.
 */
function withOciDigests(history: Record<string, unknown>[], current: number, digest: string | undefined, previous: unknown[] | undefined): Record<string, unknown>[] {
  const known = new Map<unknown, string>();
  for (const p of (previous ?? []) as { version?: number; ociDigest?: string }[]) if (p.ociDigest) known.set(p.version, p.ociDigest);
  return history.map((h) => {
    const ociDigest = h.version === current ? digest : known.get(h.version);
    return ociDigest ? { ...h, ociDigest } : h;
  });
}

/** `valuesFrom` in order, then `values`, as helm-controller composes them. */
async function composeValues(hr: HelmRelease, ctx: EffectContext): Promise<GoMap> {
  const ns = hr.metadata.namespace ?? 'default';
  let result: GoMap = {};
  for (const ref of hr.spec.valuesFrom ?? []) {
    const key = ref.valuesKey || 'values.yaml';
    const where = `${ref.kind} '${ns}/${ref.name}'`;
    const obj = await ctx.cluster.get({ apiVersion: 'v1', kind: ref.kind, name: ref.name, namespace: ns });
    if (!obj) {
      if (ref.optional) continue;
      throw new TransientError(HelmReasons.InitFailed, `could not resolve ${where} chart values reference: not found`);
    }
    const data = (obj.data ?? {}) as Record<string, string>;
    const raw = ref.kind === 'Secret' ? (data[key] !== undefined ? Buffer.from(data[key], 'base64').toString('utf8') : (obj.stringData as Record<string, string> | undefined)?.[key]) : data[key];
    if (raw === undefined) {
      if (ref.optional) continue;
      throw new TransientError(HelmReasons.InitFailed, `could not resolve ${where} chart values reference: key '${key}' not found`);
    }
    try {
      if (ref.targetPath) parseSetInto(`${ref.targetPath}=${raw.replace(/,/g, '\\,')}`, result, true);
      else result = mergeMaps(result, readValues(raw, `${where} key '${key}'`));
    } catch (err) {
      throw new StalledError(HelmReasons.InitFailed, `unable to merge value from key '${key}' in ${where}: ${(err as Error).message}`);
    }
  }
  return hr.spec.values ? mergeMaps(result, structuredClone(hr.spec.values) as GoMap) : result;
}

/**
 * `spec.postRenderers`: each kustomize post-renderer (patches, images) runs over the rendered
 * non-hook manifests, in order, with fluxion's kustomize engine — as Helm post-renders them.
 */
export function postRender(rendered: RenderedChart, postRenderers: HelmRelease['spec']['postRenderers']): RenderedChart {
  const steps = (postRenderers ?? []).map((p) => p.kustomize).filter((k): k is NonNullable<typeof k> => !!k && (!!k.patches?.length || !!k.images?.length));
  if (!steps.length) return rendered;
  const sourceOf = new Map<string, string>();
  const key = (o: Record<string, unknown>): string => {
    const m = (o.metadata ?? {}) as { name?: string; namespace?: string };
    return `${String(o.kind)}/${m.namespace ?? ''}/${m.name ?? ''}`;
  };
  for (const d of rendered.manifests) for (const o of d.objects) sourceOf.set(key(o), d.source);
  let objects = rendered.manifests.flatMap((d) => d.objects);
  for (const k of steps) {
    const kustomization = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['resources.yaml'], ...(k.patches?.length ? { patches: k.patches } : {}), ...(k.images?.length ? { images: k.images } : {}) };
    const fs = memoryFs({ '/resources.yaml': objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n'), '/kustomization.yaml': stringify(kustomization) });
    try {
      objects = build(fs, '/', { reorder: 'none' }) as Record<string, unknown>[];
    } catch (err) {
      if (err instanceof KustomizeError) throw new ActionError(`error while running post render on files: ${err.message}`);
      throw err;
    }
  }
  return {
    ...rendered,
    manifests: objects.map((o) => ({ source: sourceOf.get(key(o)) ?? 'post-renderer', content: stringify(o, { lineWidth: 0 }).trimEnd(), objects: [o] })),
  };
}

export function helmReleaseController(options: HelmReleaseControllerOptions, deps: ControllerDeps): Registration {
  const requeueMs = deps.requeueDependencyMs ?? 30_000;
  /** Loaded charts by artifact digest, most recently used last. */
  const charts = new Map<string, Chart>();

  const env = (hr: HelmRelease, ctx: EffectContext) => {
    // spec.serviceAccountName: Helm acts as that service account (the API server's RBAC decides).
    const sa = hr.spec.serviceAccountName;
    const cluster = sa && ctx.cluster.impersonate ? ctx.cluster.impersonate({ namespace: hr.metadata.namespace ?? 'default', name: sa }) : ctx.cluster;
    const storage = new ReleaseStorage(cluster, helmReleaseStorageNamespace(hr), ctx.clock);
    const actionEnv: ActionEnv = {
      cluster,
      clock: ctx.clock,
      storage,
      sleep: (ms) => ctx.sleep(ms),
      fieldManager: HELM_FIELD_MANAGER,
      ownerLabels: { 'helm.toolkit.fluxcd.io/name': hr.metadata.name, 'helm.toolkit.fluxcd.io/namespace': hr.metadata.namespace ?? 'default' },
      pollMs: options.pollMs ?? 2000,
    };
    return { storage, env: actionEnv, actions: new ReleaseActions(actionEnv), target: { name: helmReleaseName(hr), namespace: helmReleaseTargetNamespace(hr) } };
  };

  const timeoutOf = (hr: HelmRelease, action?: { timeout?: string }): number => parseDuration(action?.timeout ?? hr.spec.timeout ?? '5m');

  const countersOf = (hr: HelmRelease): Counters => {
    const st = hr.status ?? {};
    // A new generation starts counting afresh, as helm-controller does.
    if (st.lastAttemptedGeneration !== undefined && st.lastAttemptedGeneration !== hr.metadata.generation) return { failures: 0, installFailures: 0, upgradeFailures: 0 };
    return { failures: st.failures ?? 0, installFailures: st.installFailures ?? 0, upgradeFailures: st.upgradeFailures ?? 0 };
  };

  const render = async (hr: HelmRelease, loaded: Loaded, revision: number, isUpgrade: boolean, ctx: EffectContext): Promise<RenderedChart> => {
    try {
      return await options.render(loaded.chart, { values: loaded.values, releaseName: helmReleaseName(hr), namespace: helmReleaseTargetNamespace(hr), revision, isUpgrade, effects: ctx });
    } catch (err) {
      if (err instanceof HelmError) throw new TransientError(isUpgrade ? HelmReasons.UpgradeFailed : HelmReasons.InstallFailed, `Helm ${isUpgrade ? 'upgrade' : 'install'} failed: ${err.message}`, { cause: err });
      throw err;
    }
  };

  const describe = (r: Release): string => `${r.namespace}/${r.name}.v${r.version} with chart ${r.chart.metadata.name}@${r.chart.metadata.version}`;

  return createController(
    {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      machine: helmReleaseMachine,
      reportingController: HELM_FIELD_MANAGER,
      isSource: false,
      steps: {
        checkDependencies: async ({ object }, ctx) => {
          await checkDependencies(object, ctx, requeueMs);
          return {};
        },
        loadChart: async ({ object }, ctx) => {
          const hr = object as HelmRelease;
          const ns = hr.metadata.namespace ?? 'default';
          let source: { kind: 'HelmChart' | 'OCIRepository' | 'ExternalArtifact'; name: string; namespace: string };
          if (hr.spec.chart) {
            const chartRef = helmChartNameFor(hr);
            source = { kind: 'HelmChart', ...chartRef };
            const tpl = hr.spec.chart.spec;
            await ctx.cluster.apply(
              {
                apiVersion: 'source.toolkit.fluxcd.io/v1',
                kind: 'HelmChart',
                metadata: {
                  name: chartRef.name,
                  namespace: chartRef.namespace,
                  labels: { ...(hr.spec.chart.metadata?.labels ?? {}), 'helm.toolkit.fluxcd.io/name': hr.metadata.name, 'helm.toolkit.fluxcd.io/namespace': ns },
                  ...(hr.spec.chart.metadata?.annotations ? { annotations: hr.spec.chart.metadata.annotations } : {}),
                },
                spec: {
                  chart: tpl.chart,
                  version: tpl.version ?? '*',
                  sourceRef: { kind: tpl.sourceRef.kind, name: tpl.sourceRef.name },
                  interval: tpl.interval ?? hr.spec.interval,
                  reconcileStrategy: tpl.reconcileStrategy ?? 'ChartVersion',
                  ...(tpl.valuesFiles?.length ? { valuesFiles: tpl.valuesFiles } : {}),
                  ...(tpl.ignoreMissingValuesFiles ? { ignoreMissingValuesFiles: true } : {}),
                },
              },
              { fieldManager: HELM_FIELD_MANAGER, force: true },
            );
          } else if (hr.spec.chartRef?.kind === 'HelmChart' || hr.spec.chartRef?.kind === 'OCIRepository' || hr.spec.chartRef?.kind === 'ExternalArtifact') {
            source = { kind: hr.spec.chartRef.kind, name: hr.spec.chartRef.name, namespace: hr.spec.chartRef.namespace ?? ns };
          } else {
            throw new StalledError(HelmReasons.ArtifactFailed, `chartRef of kind '${hr.spec.chartRef?.kind}' is not supported yet: use a HelmChart, an OCIRepository or an ExternalArtifact`);
          }
          const subject = `${source.kind} '${source.namespace}/${source.name}'`;
          const sourceObj = await ctx.cluster.get({ apiVersion: 'source.toolkit.fluxcd.io/v1', ...source });
          const st = sourceObj?.status as HelmChart['status'] | undefined;
          const ready = st?.conditions?.find((c) => c.type === 'Ready');
          const stalled = st?.conditions?.find((c) => c.type === 'Stalled' && c.status === 'True');
          const artifact = st?.artifact as Artifact | undefined;
          // A HelmChart must be Ready at its generation. An OCIRepository's last good artifact
          // stays usable while a newer one fails to arrive (helm-controller's isReady).
          // An ExternalArtifact is ready as soon as it has an artifact (its producer owns its conditions).
          const usable =
            source.kind === 'HelmChart'
              ? sourceObj && st?.observedGeneration === sourceObj.metadata.generation && ready?.status === 'True' && artifact
              : source.kind === 'ExternalArtifact'
                ? sourceObj && artifact
                : sourceObj && st?.observedGeneration === sourceObj.metadata.generation && !stalled && artifact;
          if (!usable || !artifact) {
            const why = source.kind === 'ExternalArtifact' ? (sourceObj ? 'does not have an artifact' : 'not found') : (stalled?.message ?? ready?.message);
            throw new WaitingError(HelmReasons.ArtifactFailed, `${subject} is not ready${why ? `: ${why}` : ''}`, requeueMs);
          }
          let chart: Chart;
          try {
            // Many releases of one chart version share one loaded chart (rendering never changes it).
            const key = artifact.digest ?? artifact.path;
            chart = charts.get(key) ?? loadChartArchive(await options.storage.read(artifact), `${artifact.path}`);
            charts.delete(key);
            charts.set(key, chart);
            while (charts.size > 32) charts.delete(charts.keys().next().value as string);
          } catch (err) {
            throw new TransientError(HelmReasons.ArtifactFailed, `failed to load the chart of ${subject}: ${(err as Error).message}`, { cause: err });
          }
          // A HelmChart's revision is its chart version; an ExternalArtifact's may be a digest or a
          // version, so the chart's own version is the release's.
          let chartVersion = source.kind === 'ExternalArtifact' ? chart.metadata.version : artifact.revision;
          let ociDigest: string | undefined;
          // helm-controller mutates the version for an OCIRepository always, for an ExternalArtifact
          // only when its revision holds a digest (`latest@sha256:…`, `1.2.3@sha256:…`).
          if (source.kind === 'OCIRepository' || (source.kind === 'ExternalArtifact' && artifact.revision.includes(':'))) {
            // The digest goes into the chart version, so that a moved tag is an upgrade.
            let mutated: { version: string; digest: string };
            try {
              mutated = chartVersionWithDigest(chart.metadata.version, artifact.revision);
            } catch (err) {
              throw new TransientError('ChartMutateError', (err as Error).message, { cause: err });
            }
            chart = { ...chart, metadata: { ...chart.metadata, version: mutated.version } };
            chartVersion = mutated.version;
            ociDigest = mutated.digest;
          }
          const values = await composeValues(hr, ctx);
          const loaded: Loaded = {
            chart,
            chartVersion,
            values,
            configDigest: digestOf(values),
            ...(source.kind === 'HelmChart' ? { helmChart: `${source.namespace}/${source.name}` } : {}),
            ...(ociDigest ? { ociDigest } : {}),
          };
          return { revision: chartVersion, data: { loaded } };
        },
        determine: async ({ object, data }, ctx) => {
          const hr = object as HelmRelease;
          const loaded = data.loaded as Loaded;
          const { storage, actions, target } = env(hr, ctx);
          const done = (data.actions as ActionRecord[] | undefined) ?? [];
          const counters = (data.counters as Counters | undefined) ?? countersOf(hr);
          const next = (action: Action | 'done', extra: Record<string, unknown> = {}) => ({ data: { next: action, counters, ...extra } });
          const last = done.at(-1);
          const releaseAction = done.filter((a) => a.action === 'install' || a.action === 'upgrade').at(-1)?.action as 'install' | 'upgrade' | undefined;

          // What happened in this run decides first. A failed test with ignoreFailures is only
          // reported (TestSuccess=False); the release stands.
          const ignoredTest = last?.action === 'test' && !last.ok && hr.spec.test?.ignoreFailures === true;
          if (last && !last.ok && !ignoredTest) {
            if (last.action === 'install' || last.action === 'upgrade' || last.action === 'test') {
              const kind = last.action === 'test' ? (releaseAction ?? 'upgrade') : last.action;
              const strategy = hr.spec[kind]?.strategy;
              if (strategy?.name === 'RetryOnFailure') {
                // No remediation, no retry count: the same action again after retryInterval.
                data.counters = { ...counters, failures: counters.failures + 1, [`${kind}Failures`]: counters[`${kind}Failures`] + 1 } as Counters;
                const retryMs = parseDuration(strategy.retryInterval ?? '5m');
                throw new WaitingError(last.reason ?? HelmReasons.ReconciliationFailed, `${last.message ?? `Helm ${kind} failed`}; retrying in ${formatDuration(retryMs)}`, retryMs);
              }
              const remediation: Remediation = hr.spec[kind]?.remediation ?? {};
              const retries = remediation.retries ?? 0;
              const failed = { ...counters, failures: counters.failures + 1, [`${kind}Failures`]: counters[`${kind}Failures`] + 1 } as Counters;
              data.counters = failed;
              const count = failed[`${kind}Failures`];
              const exhausted = retries >= 0 && count > retries;
              const remediateLast = remediation.remediateLastFailure ?? retries > 0;
              const remedy = kind === 'install' ? 'uninstall' : (remediation.strategy ?? 'rollback');
              const hasRelease = (await storage.last(target.name)) !== undefined;
              if (hasRelease && (!exhausted || remediateLast)) return { data: { next: remedy, counters: failed } };
              if (exhausted) throw new StalledError('RetriesExceeded', `Failed to ${kind} after ${count} attempt(s): ${last.message ?? ''}`.trim());
              throw new TransientError(last.reason ?? HelmReasons.ReconciliationFailed, last.message ?? `Helm ${kind} failed`);
            }
            if (last.action === 'rollback' || last.action === 'uninstall') {
              const failedAction = done.filter((a) => !a.ok && a.action !== last.action).at(-1);
              throw new TransientError(last.reason ?? HelmReasons.ReconciliationFailed, `${failedAction?.message ?? 'release failed'}; ${last.action} failed: ${last.message ?? ''}`);
            }
            throw new TransientError(last.reason ?? HelmReasons.ReconciliationFailed, last.message ?? `${last.action} failed`);
          }
          if (last?.ok && (last.action === 'rollback' || last.action === 'uninstall') && !data.relocated) {
            // Remediated: the run still failed; retry later (or stall once retries are exhausted).
            const failedAction = done.filter((a) => !a.ok).at(-1);
            const kind = (failedAction?.action === 'test' ? releaseAction : failedAction?.action) as 'install' | 'upgrade' | undefined;
            const retries = kind ? (hr.spec[kind]?.remediation?.retries ?? 0) : 0;
            const count = kind ? counters[`${kind}Failures`] : 0;
            const message = `${failedAction?.message ?? 'release failed'} (remediated by ${last.action})`;
            if (retries >= 0 && count > retries) throw new StalledError('RetriesExceeded', `Failed to ${kind ?? 'release'} after ${count} attempt(s): ${message}`);
            throw new TransientError(failedAction?.reason ?? HelmReasons.ReconciliationFailed, message);
          }
          if (last?.ok && (last.action === 'install' || last.action === 'upgrade') && hr.spec.test?.enable) return next('test');

          // A new releaseName, targetNamespace or storageNamespace: the release at the old place
          // is uninstalled first, then installed at the new one, as helm-controller does.
          const previous = hr.status?.history?.[0] as { name?: string; namespace?: string } | undefined;
          const previousStorage = hr.status?.storageNamespace ?? hr.metadata.namespace ?? 'default';
          if (previous?.name && previous.namespace && !data.relocated && (previous.name !== target.name || previous.namespace !== target.namespace || previousStorage !== helmReleaseStorageNamespace(hr))) {
            const old = new ReleaseStorage(ctx.cluster, previousStorage, ctx.clock);
            if (await old.last(previous.name)) return next('uninstall', { relocateFrom: { name: previous.name, namespace: previous.namespace, storageNamespace: previousStorage } });
          }

          // Then the release as stored.
          const current = await storage.last(target.name);
          if (!current || current.info.status === 'uninstalled' || current.info.status === 'uninstalling') {
            if (done.some((a) => a.action === 'install')) return next('done');
            return next('install');
          }
          if (current.info.status.startsWith('pending-')) return done.some((a) => a.action === 'unlock') ? next('upgrade') : next('unlock');
          const inSync = current.info.status === 'deployed' && current.chart.metadata.name === loaded.chart.metadata.name && current.chart.metadata.version === loaded.chart.metadata.version && digestOf(current.config) === loaded.configDigest;
          if (!inSync) {
            if (done.some((a) => a.action === 'upgrade' || a.action === 'install')) return next('done');
            return next('upgrade');
          }
          const mode = hr.spec.driftDetection?.mode ?? 'disabled';
          if (mode !== 'disabled' && !done.some((a) => a.action === 'correctDrift')) {
            const drift = await actions.drifted(target, current, hr.spec.driftDetection?.ignore ?? []);
            if (drift.length) {
              if (mode === 'enabled') return next('correctDrift', { drift });
              data.drift = drift;
            }
          }
          const untested = hr.spec.test?.enable && !done.some((a) => a.action === 'test') && !current.hooks.some((h) => h.events.includes('test') && h.lastRun.phase);
          if (untested && current.hooks.some((h) => h.events.includes('test'))) return next('test');
          return { revision: loaded.chartVersion, message: (data.message as string | undefined) ?? `Helm ${releaseAction ?? 'release'} ${releaseAction ? 'succeeded for release' : 'in sync:'} ${describe(current)}`, data: { next: 'done', counters: releaseAction ? { failures: 0, installFailures: 0, upgradeFailures: 0 } : counters, history: withOciDigests((await storage.history(target.name)).reverse().slice(0, 5).map(snapshot), current.version, loaded.ociDigest, hr.status?.history) } };
        },
        install: async ({ object, data }, ctx) => {
          const hr = object as HelmRelease;
          const loaded = data.loaded as Loaded;
          const { actions, target } = env(hr, ctx);
          try {
            const rendered = postRender(await render(hr, loaded, 1, false, ctx), hr.spec.postRenderers);
            const r = await actions.install(target, rendered, loaded.values, {
              timeoutMs: timeoutOf(hr, hr.spec.install),
              wait: !hr.spec.install?.disableWait,
              disableHooks: hr.spec.install?.disableHooks ?? false,
              crds: hr.spec.install?.crds ?? (hr.spec.install?.skipCRDs ? 'Skip' : 'Create'),
              createNamespace: hr.spec.install?.createNamespace ?? false,
              maxHistory: hr.spec.maxHistory ?? 5,
            });
            return { message: `Helm install succeeded for release ${describe(r)}`, data: { message: `Helm install succeeded for release ${describe(r)}`, released: { ok: true, reason: HelmReasons.InstallSucceeded } } };
          } catch (err) {
            if (!(err instanceof ActionError)) throw err;
            throw new TransientError(HelmReasons.InstallFailed, `Helm install failed for release ${target.namespace}/${target.name} with chart ${loaded.chart.metadata.name}@${loaded.chart.metadata.version}: ${err.message}`);
          }
        },
        upgrade: async ({ object, data }, ctx) => {
          const hr = object as HelmRelease;
          const loaded = data.loaded as Loaded;
          const { actions, target, storage } = env(hr, ctx);
          const revision = ((await storage.last(target.name))?.version ?? 0) + 1;
          try {
            const rendered = postRender(await render(hr, loaded, revision, true, ctx), hr.spec.postRenderers);
            const r = await actions.upgrade(target, rendered, loaded.values, {
              timeoutMs: timeoutOf(hr, hr.spec.upgrade),
              wait: !hr.spec.upgrade?.disableWait,
              disableHooks: hr.spec.upgrade?.disableHooks ?? false,
              crds: hr.spec.upgrade?.crds ?? 'Skip',
              cleanupOnFail: hr.spec.upgrade?.cleanupOnFail ?? false,
              force: hr.spec.upgrade?.force ?? false,
              maxHistory: hr.spec.maxHistory ?? 5,
            });
            return { message: `Helm upgrade succeeded for release ${describe(r)}`, data: { message: `Helm upgrade succeeded for release ${describe(r)}` } };
          } catch (err) {
            if (!(err instanceof ActionError)) throw err;
            throw new TransientError(HelmReasons.UpgradeFailed, `Helm upgrade failed for release ${target.namespace}/${target.name} with chart ${loaded.chart.metadata.name}@${loaded.chart.metadata.version}: ${err.message}`);
          }
        },
        test: async ({ object }, ctx) => {
          const hr = object as HelmRelease;
          const { actions, target } = env(hr, ctx);
          const { release, failure } = await actions.test(target, { timeoutMs: timeoutOf(hr, hr.spec.test), ...(hr.spec.test?.filters ? { filters: hr.spec.test.filters } : {}) });
          if (failure) throw new TransientError(HelmReasons.TestFailed, `Helm test failed for release ${describe(release)}: ${failure}`);
          const n = release.hooks.filter((h) => h.events.includes('test') && h.lastRun.phase === 'Succeeded').length;
          return { data: { tested: `Helm test succeeded for release ${describe(release)}: ${n} test hook${n === 1 ? '' : 's'} completed successfully` } };
        },
        rollback: async ({ object }, ctx) => {
          const hr = object as HelmRelease;
          const { env: actionEnv, target } = env(hr, ctx);
          // Helm's log (pods that could not be recreated) goes to the debug log, as Flux's does.
          const actions = new ReleaseActions({ ...actionEnv, log: (message) => deps.logger?.debug({ HelmRelease: { name: hr.metadata.name, namespace: hr.metadata.namespace } }, message) });
          try {
            const r = await actions.rollback(target, {
              timeoutMs: timeoutOf(hr, hr.spec.rollback),
              wait: !hr.spec.rollback?.disableWait,
              disableHooks: hr.spec.rollback?.disableHooks ?? false,
              force: hr.spec.rollback?.force ?? false,
              cleanupOnFail: hr.spec.rollback?.cleanupOnFail ?? false,
              recreate: hr.spec.rollback?.recreate ?? false,
              maxHistory: hr.spec.maxHistory ?? 5,
            });
            return { data: { remediated: { reason: HelmReasons.RollbackSucceeded, message: `Helm rollback to previous release ${describe(r)} succeeded` } } };
          } catch (err) {
            if (!(err instanceof ActionError)) throw err;
            throw new TransientError(HelmReasons.RollbackFailed, `Helm rollback failed: ${err.message}`);
          }
        },
        uninstall: async ({ object, data }, ctx) => {
          const hr = object as HelmRelease;
          const from = data.relocateFrom as { name: string; namespace: string; storageNamespace: string } | undefined;
          if (from) {
            // Moving the release: uninstall it where it was.
            const old = new ReleaseActions({ ...env(hr, ctx).env, storage: new ReleaseStorage(ctx.cluster, from.storageNamespace, ctx.clock) });
            await old.uninstall({ name: from.name, namespace: from.namespace }, { timeoutMs: timeoutOf(hr, hr.spec.uninstall) });
            return { data: { relocated: true, relocateFrom: undefined } };
          }
          const { actions, target } = env(hr, ctx);
          try {
            const r = await actions.uninstall(target, { timeoutMs: timeoutOf(hr, hr.spec.uninstall), disableHooks: hr.spec.uninstall?.disableHooks ?? false, keepHistory: hr.spec.uninstall?.keepHistory ?? false, ...(hr.spec.uninstall?.deletionPropagation ? { deletionPropagation: hr.spec.uninstall.deletionPropagation } : {}) });
            return { data: { remediated: { reason: HelmReasons.UninstallSucceeded, message: r ? `Helm uninstall succeeded for release ${describe(r)}` : 'Helm uninstall succeeded' } } };
          } catch (err) {
            if (!(err instanceof ActionError)) throw err;
            throw new TransientError(HelmReasons.UninstallFailed, `Helm uninstall failed: ${err.message}`);
          }
        },
        unlock: async ({ object }, ctx) => {
          const hr = object as HelmRelease;
          const { actions, target } = env(hr, ctx);
          await actions.unlock(target);
          return {};
        },
        correctDrift: async ({ object }, ctx) => {
          const hr = object as HelmRelease;
          const { actions, target, storage } = env(hr, ctx);
          const current = await storage.last(target.name);
          if (current) await actions.correctDrift(target, current, hr.spec.driftDetection?.ignore ?? []);
          return {};
        },
      },
      finalize: async (object, ctx) => {
        const hr = object as HelmRelease;
        if (hr.spec.suspend) return;
        const { actions, target } = env(hr, ctx);
        await actions.uninstall(target, { timeoutMs: timeoutOf(hr, hr.spec.uninstall), disableHooks: hr.spec.uninstall?.disableHooks ?? false, keepHistory: hr.spec.uninstall?.keepHistory ?? false });
        if (hr.spec.chart) {
          const ref = helmChartNameFor(hr);
          await ctx.cluster.delete({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmChart', ...ref }).catch(() => undefined);
        }
      },
      statusFrom: (data) => {
        const loaded = data.loaded as Loaded | undefined;
        const counters = data.counters as Counters | undefined;
        const last = ((data.actions as ActionRecord[] | undefined) ?? []).filter((a) => a.action === 'install' || a.action === 'upgrade').at(-1);
        return {
          ...(loaded
            ? {
                ...(loaded.helmChart ? { helmChart: loaded.helmChart } : {}),
                ...(loaded.ociDigest ? { lastAttemptedRevisionDigest: loaded.ociDigest } : {}),
                lastAttemptedConfigDigest: loaded.configDigest,
                // The v2beta1 field, still read by tools: sha1 of the values.
                lastAttemptedValuesChecksum: createHash('sha1').update(goJson(loaded.values)).digest('hex'),
              }
            : {}),
          ...(counters ? counters : {}),
          ...(last ? { lastAttemptedReleaseAction: last.action } : {}),
          ...(data.history ? { history: data.history } : {}),
        };
      },
      decorate: (status, context: LifecycleContext, now, previous) => {
        const hr = context.object as HelmRelease;
        status.storageNamespace = helmReleaseStorageNamespace(hr);
        status.lastAttemptedGeneration = context.generation;
        let conditions = (status.conditions as Condition[] | undefined) ?? [];
        // Released, TestSuccess and Remediated last until an action changes them.
        for (const c of (previous.conditions as Condition[] | undefined) ?? []) {
          if (['Released', 'TestSuccess', 'Remediated'].includes(c.type) && !conditions.some((x) => x.type === c.type)) conditions = [...conditions, c];
        }
        const actions = (context.data.actions as ActionRecord[] | undefined) ?? [];
        const set = (type: string, ok: boolean, reason: string, message: string) => (conditions = setCondition(conditions, { type, status: ok ? 'True' : 'False', reason, message }, now, context.generation));
        for (const a of actions) {
          if (a.action === 'install' || a.action === 'upgrade') {
            const ok = a.ok;
            const reason = a.action === 'install' ? (ok ? HelmReasons.InstallSucceeded : HelmReasons.InstallFailed) : ok ? HelmReasons.UpgradeSucceeded : HelmReasons.UpgradeFailed;
            set('Released', ok, reason, ok ? ((context.data.message as string | undefined) ?? reason) : (a.message ?? reason));
          } else if (a.action === 'test') {
            set('TestSuccess', a.ok, a.ok ? HelmReasons.TestSucceeded : HelmReasons.TestFailed, a.ok ? ((context.data.tested as string | undefined) ?? 'Helm test succeeded') : (a.message ?? 'Helm test failed'));
          } else if ((a.action === 'rollback' || a.action === 'uninstall') && !context.data.relocated) {
            const rem = context.data.remediated as { reason: string; message: string } | undefined;
            set('Remediated', a.ok, a.ok ? (rem?.reason ?? HelmReasons.RollbackSucceeded) : a.action === 'rollback' ? HelmReasons.RollbackFailed : HelmReasons.UninstallFailed, a.ok ? (rem?.message ?? `${a.action} succeeded`) : (a.message ?? `${a.action} failed`));
          }
        }
        // Ready on success carries the release's outcome (InstallSucceeded, UpgradeSucceeded), as Flux's does.
        const ready = conditions.find((c) => c.type === 'Ready');
        const released = conditions.find((c) => c.type === 'Released');
        if (ready?.status === 'True' && released?.status === 'True') {
          conditions = conditions.map((c) => (c.type === 'Ready' ? { ...c, reason: released.reason, message: released.message } : c));
        }
        status.conditions = conditions;
      },
    },
    deps,
  );
}

/** The engine's renderer: `helm template` in-process, `lookup` answered from the cluster. */
export const renderForRelease: RenderFunction = (chart, o) =>
  renderChart(chart, { values: o.values, releaseName: o.releaseName, namespace: o.namespace, revision: o.revision, isUpgrade: o.isUpgrade, cluster: o.effects.cluster });
