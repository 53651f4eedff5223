/**
 * The Kustomization controller: kustomize-controller's pipeline as the Kustomization machine's
 * steps — dependencies, source artifact, build (spec overlays + post-build substitution),
 * staged server-side apply, prune, health — with Flux's reasons, inventory and owner labels.
 */
import { parseDuration } from '../api/duration.js';
import path from 'node:path';
import { stringify } from 'yaml';
import { StalledError, TransientError, WaitingError } from '../api/errors.js';
import type { Kustomization, InventoryEntry } from '../api/kinds/kustomization.js';
import { kustomizationTimeoutMs } from '../api/kinds/kustomization.js';
import type { GitRepository } from '../api/kinds/git-repository.js';
import type { KubeObject, ObjectRef } from '../api/meta.js';
import { subjectOf } from '../api/meta.js';
import { Annotations, Labels } from '../api/annotations.js';
import { KustomizeReasons } from '../api/reasons.js';
import { sourceRefsOf } from '../api/kinds.js';
import { kustomizationMachine } from '../../machines/index.js';
import { build, KustomizeError, layeredFs, memoryFs } from '../kustomize/index.js';
import type { KFileSystem } from '../kustomize/index.js';
import { substituteObject, SubstitutionError } from '../kustomize/substitute.js';
import { ApplyManager } from '../apply/manager.js';
import type { Cluster } from '../cluster/types.js';
import type { ChangeEntry } from '../apply/change-set.js';
import { inventoryOf, parseEntry, staleEntries } from '../apply/inventory.js';
import { computeHealth } from '../apply/kstatus.js';
import { stageOf } from '../apply/staging.js';
import type { ArtifactStorage } from '../sources/artifact/storage.js';
import { ArtifactCache } from '../sources/artifact/cache.js';
import { isApiError } from '../cluster/errors.js';
import type { Registration } from '../runtime/supervisor.js';
import type { ControllerDeps, EffectContext } from './controller.js';
import { createController } from './controller.js';
import { checkDependencies } from './dependencies.js';
import type { DriftWatcher } from './drift.js';
import { secretData } from './secrets.js';

export const KUSTOMIZE_FIELD_MANAGER = 'kustomize-controller';

export interface KustomizationControllerOptions {
  storage: ArtifactStorage;
  /** Unpacked artifacts shared with the sources (one is made when absent). */
  cache?: ArtifactCache;
  /** Watches applied objects and reports changes made outside fluxion as drift. */
  drift?: DriftWatcher;
  /** Clock time between health polls. Default 2 s. */
  healthPollMs?: number;
}

function ownerLabels(ks: KubeObject): Record<string, string> {
  return { [Labels.kustomizeName]: ks.metadata.name, [Labels.kustomizeNamespace]: ks.metadata.namespace ?? 'default' };
}

async function sourceOf(ks: Kustomization, ctx: EffectContext): Promise<{ ref: ObjectRef; obj: KubeObject | undefined }> {
  const ref = sourceRefsOf(ks)[0] as ObjectRef;
  if (ref.kind !== 'GitRepository' && ref.kind !== 'OCIRepository' && ref.kind !== 'Bucket' && ref.kind !== 'ExternalArtifact') throw new StalledError(KustomizeReasons.ArtifactFailed, `source kind ${ref.kind} is not supported; use a GitRepository, an OCIRepository, a Bucket or an ExternalArtifact`);
  return { ref, obj: await ctx.cluster.get(ref) };
}

/**
 * The kustomization that merges the spec's overlays (namespace, prefix, patches…) over `spec.path`,
 * if any are set. Shared with `fluxion build|diff kustomization`, so they build as the controller does.
 */
export function specOverlay(target: string, s: Pick<Kustomization['spec'], 'targetNamespace' | 'namePrefix' | 'nameSuffix' | 'patches' | 'images' | 'components' | 'commonMetadata'>): { file: string; content: string } | undefined {
  const needs = s.targetNamespace || s.namePrefix || s.nameSuffix || s.patches?.length || s.images?.length || s.components?.length || s.commonMetadata;
  if (!needs) return undefined;
  const dir = '/.fluxion-overlay';
  const rel = (p: string): string => path.posix.relative(dir, path.posix.resolve(target, p)) || '.';
  const k: Record<string, unknown> = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [rel('.')] };
  if (s.targetNamespace) k.namespace = s.targetNamespace;
  if (s.namePrefix) k.namePrefix = s.namePrefix;
  if (s.nameSuffix) k.nameSuffix = s.nameSuffix;
  if (s.patches?.length) k.patches = s.patches.map((p) => ({ patch: p.patch, ...(p.target ? { target: p.target } : {}) }));
  if (s.images?.length) k.images = s.images;
  if (s.components?.length) k.components = s.components.map((c) => rel(c));
  if (s.commonMetadata?.labels) k.labels = [{ pairs: s.commonMetadata.labels, includeSelectors: false, includeTemplates: false }];
  if (s.commonMetadata?.annotations) k.commonAnnotations = s.commonMetadata.annotations;
  return { file: `${dir}/kustomization.yaml`, content: stringify(k) };
}

async function substitutionVars(ks: Kustomization, ctx: EffectContext): Promise<Record<string, string> | undefined> {
  const pb = ks.spec.postBuild;
  if (!pb || (!pb.substitute && !pb.substituteFrom?.length)) return undefined;
  const vars: Record<string, string> = {};
  const ns = ks.metadata.namespace ?? 'default';
  for (const from of pb.substituteFrom ?? []) {
    if (from.kind === 'Secret') {
      try {
        Object.assign(vars, await secretData(ctx.cluster, ns, from.name, KustomizeReasons.BuildFailed));
      } catch (err) {
        if (!from.optional) throw err;
      }
    } else {
      const cm = await ctx.cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: from.name, namespace: ns });
      if (!cm) {
        if (from.optional) continue;
        throw new TransientError(KustomizeReasons.BuildFailed, `substitute from 'ConfigMap/${ns}/${from.name}': not found`);
      }
      Object.assign(vars, (cm.data as Record<string, string> | undefined) ?? {});
    }
  }
  // Inline values win over substituteFrom, as in Flux.
  Object.assign(vars, pb.substitute ?? {});
  return vars;
}

/** What a build read, and what it made: reused while every input reads the same. */
interface BuildMemo {
  root: string;
  overlay: string;
  files: Map<string, Buffer>;
  dirs: Map<string, string>;
  stats: Map<string, string>;
  objects: KubeObject[];
}

/** A filesystem that records every read, directory listing and stat of a build. */
function recordingFs(fs: KFileSystem): { fs: KFileSystem; record: Pick<BuildMemo, 'files' | 'dirs' | 'stats'> } {
  const record = { files: new Map<string, Buffer>(), dirs: new Map<string, string>(), stats: new Map<string, string>() };
  return {
    record,
    fs: {
      root: fs.root,
      readFile: (p) => {
        const b = fs.readFile(p);
        record.files.set(p, b);
        return b;
      },
      readDir: (p) => {
        const names = fs.readDir(p);
        record.dirs.set(p, names.join('\0'));
        return names;
      },
      stat: (p) => {
        const kind = fs.stat(p);
        record.stats.set(p, kind ?? '');
        return kind;
      },
    },
  };
}

/** True when every file, directory and path the memoized build looked at is as it was. */
function unchangedInputs(memo: BuildMemo, fs: KFileSystem): boolean {
  for (const [p, kind] of memo.stats) if ((fs.stat(p) ?? '') !== kind) return false;
  for (const [p, names] of memo.dirs) if (fs.stat(p) !== 'dir' || fs.readDir(p).join('\0') !== names) return false;
  for (const [p, before] of memo.files) {
    if (fs.stat(p) !== 'file') return false;
    const now = fs.readFile(p);
    if (now !== before && !now.equals(before)) return false;
  }
  return true;
}

export function kustomizationController(options: KustomizationControllerOptions, deps: ControllerDeps): Registration {
  // The last build of each Kustomization (`ns/name`), for builds whose inputs did not change.
  const builds = new Map<string, BuildMemo>();
  const manager = new ApplyManager(deps.cluster, deps.clock);
  // With spec.serviceAccountName, everything the Kustomization applies, prunes and checks goes
  // through a view impersonating that service account, as kustomize-controller does.
  const impersonated = new Map<string, { cluster: Cluster; manager: ApplyManager }>();
  const actingAs = (ks: Kustomization): { cluster: Cluster; manager: ApplyManager } => {
    const sa = ks.spec.serviceAccountName;
    if (!sa || !deps.cluster.impersonate) return { cluster: deps.cluster, manager };
    const key = `${ks.metadata.namespace ?? 'default'}/${sa}`;
    let view = impersonated.get(key);
    if (!view) {
      const cluster = deps.cluster.impersonate({ namespace: ks.metadata.namespace ?? 'default', name: sa });
      impersonated.set(key, (view = { cluster, manager: new ApplyManager(cluster, deps.clock) }));
    }
    return view;
  };
  const cache = options.cache ?? new ArtifactCache(options.storage);
  // One read-only filesystem per unpacked artifact, shared by every build of that revision.
  const filesystems = new WeakMap<Map<string, Buffer>, KFileSystem>();
  const baseFs = async (artifact: { path: string; digest?: string }): Promise<KFileSystem> => {
    const files = await cache.files(artifact);
    let fs = filesystems.get(files);
    if (!fs) filesystems.set(files, (fs = memoryFs(new Map([...files].map(([p, c]) => [`/${p}`, c])))));
    return fs;
  };
  const pollMs = options.healthPollMs ?? 2_000;
  return createController(
    {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      machine: kustomizationMachine,
      reportingController: KUSTOMIZE_FIELD_MANAGER,
      isSource: false,
      steps: {
        checkDependencies: async ({ object }, ctx) => {
          const ks = object as Kustomization;
          const { obj: source } = await sourceOf(ks, ctx);
          const revision = (source?.status as GitRepository['status'] | undefined)?.artifact?.revision;
          await checkDependencies(ks, ctx, deps.requeueDependencyMs ?? 30_000, revision);
          return {};
        },
        fetchArtifact: async ({ object }, ctx) => {
          const ks = object as Kustomization;
          const { ref, obj: source } = await sourceOf(ks, ctx);
          const artifact = (source?.status as GitRepository['status'] | undefined)?.artifact;
          if (!source || source.metadata.deletionTimestamp) throw new WaitingError(KustomizeReasons.ArtifactFailed, `Source '${subjectOf(ref)}' not found`, deps.requeueDependencyMs ?? 30_000);
          if (!artifact) throw new WaitingError(KustomizeReasons.ArtifactFailed, `Source artifact not found, retrying in ${Math.round((deps.requeueDependencyMs ?? 30_000) / 1000)}s`, deps.requeueDependencyMs ?? 30_000);
          // The artifact is unpacked in memory once per digest and shared by every consumer.
          try {
            await cache.files(artifact);
          } catch (err) {
            throw new TransientError(KustomizeReasons.ArtifactFailed, `failed to read the artifact of ${subjectOf(ref)}: ${(err as Error).message}`, { cause: err });
          }
          return { revision: artifact.revision, data: { artifact } };
        },
        build: async ({ object, data }, ctx) => {
          const ks = object as Kustomization;
          const base = await baseFs(data.artifact as { path: string; digest?: string });
          try {
            const rel = path.posix.normalize((ks.spec.path ?? '.').replace(/^\/+/, '') || '.');
            if (rel === '..' || rel.startsWith('../')) throw new StalledError(KustomizeReasons.BuildFailed, `spec.path '${ks.spec.path}' points outside the artifact`);
            const target = path.posix.join('/', rel);
            if (base.stat(target) !== 'dir') throw new TransientError(KustomizeReasons.ArtifactFailed, `kustomization path not found: ${ks.spec.path ?? '.'}`);
            const extra = specOverlay(target, ks.spec);
            const fs = extra ? layeredFs(base, { [extra.file]: extra.content }) : base;
            let objects: KubeObject[];
            const key = `${ks.metadata.namespace ?? 'default'}/${ks.metadata.name}`;
            const root = extra ? path.posix.dirname(extra.file) : target;
            const memo = builds.get(key);
            if (memo && memo.root === root && memo.overlay === (extra?.content ?? '') && unchangedInputs(memo, fs)) {
              // Nothing the last build read has changed (a commit elsewhere in the repository).
              objects = structuredClone(memo.objects);
            } else {
              const inputs = recordingFs(fs);
              try {
                objects = build(inputs.fs, root, { loadRestrictor: 'none', generateMissing: true }) as KubeObject[];
              } catch (err) {
                builds.delete(key);
                if (err instanceof KustomizeError) throw new TransientError(KustomizeReasons.BuildFailed, `kustomize build failed: ${err.message}`, { cause: err });
                throw err;
              }
              builds.set(key, { root, overlay: extra?.content ?? '', ...inputs.record, objects: structuredClone(objects) });
            }
            const vars = await substitutionVars(ks, ctx);
            if (vars) {
              objects = objects.map((o) =>
                o.metadata?.annotations?.[Annotations.substitute] === 'disabled' ? o : substituteObject(o, vars, `${o.kind}/${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`),
              );
            }
            for (const o of objects) {
              if (!o.apiVersion || !o.kind || !o.metadata?.name) throw new TransientError(KustomizeReasons.BuildFailed, `invalid object in the build output: ${JSON.stringify(o).slice(0, 120)}: apiVersion, kind and metadata.name are required`);
            }
            // Objects marked reconcile: disabled are left alone, as Flux does.
            objects = objects.filter((o) => o.metadata.annotations?.[Annotations.reconcile] !== 'disabled');
            return { data: { objects } };
          } catch (err) {
            if (err instanceof SubstitutionError) throw new TransientError(KustomizeReasons.BuildFailed, err.message, { cause: err });
            throw err;
          }
        },
        applyStaged: async ({ object, data }) => {
          const ks = object as Kustomization;
          const objects = data.objects as KubeObject[];
          let changes: ChangeEntry[];
          try {
            changes = await actingAs(ks).manager.applyAll(objects, {
              fieldManager: KUSTOMIZE_FIELD_MANAGER,
              force: ks.spec.force ?? false,
              ownerLabels: ownerLabels(ks),
              ...(options.drift
                ? { onApplied: (live: KubeObject) => options.drift?.track(live), onApplying: (ref: ObjectRef, writing: boolean) => options.drift?.writingObject(ref, writing) }
                : {}),
            });
          } catch (err) {
            const message = (err as Error).message;
            throw new TransientError(KustomizeReasons.ReconciliationFailed, `apply failed: ${message}`, { cause: err });
          }
          return { data: { changes, inventory: inventoryOf(objects), objects: undefined } };
        },
        prune: async ({ object, data }, ctx) => {
          const ks = object as Kustomization;
          if (!ks.spec.prune) return {};
          const live = await ctx.cluster.get({ apiVersion: ks.apiVersion, kind: ks.kind, name: ks.metadata.name, namespace: ks.metadata.namespace ?? 'default' });
          const before = ((live?.status as Kustomization['status'] | undefined)?.inventory?.entries ?? []) as InventoryEntry[];
          const stale = staleEntries(before, data.inventory as InventoryEntry[]).map(parseEntry);
          // Objects before the definitions they may depend on (CRDs, Namespaces) go last.
          for (const ref of stale) options.drift?.forget(ref);
          stale.sort((a, b) => Number(stageOf({ ...a, metadata: { name: a.name } }) === 'definitions') - Number(stageOf({ ...b, metadata: { name: b.name } }) === 'definitions'));
          try {
            const pruned = await actingAs(ks).manager.prune(stale, ownerLabels(ks));
            return { data: { pruned } };
          } catch (err) {
            throw new TransientError(KustomizeReasons.PruneFailed, `prune failed: ${(err as Error).message}`, { cause: err });
          }
        },
        checkHealth: async ({ object, data }, ctx) => {
          const ks = object as Kustomization;
          const inventory = (data.inventory as InventoryEntry[] | undefined) ?? [];
          const targets: ObjectRef[] = ks.spec.wait
            ? inventory.map(parseEntry)
            : (ks.spec.healthChecks ?? []).map((h) => ({ apiVersion: h.apiVersion ?? 'v1', kind: h.kind, name: h.name, ...(h.namespace ? { namespace: h.namespace } : { namespace: ks.metadata.namespace ?? 'default' }) }));
          if (targets.length === 0) return {};
          const timeoutMs = kustomizationTimeoutMs(ks.spec);
          const deadline = ctx.clock.now() + timeoutMs;
          for (;;) {
            const pending: string[] = [];
            for (const ref of targets) {
              let obj: KubeObject | undefined;
              try {
                obj = await actingAs(ks).cluster.get(ref);
              } catch (err) {
                if (!isApiError(err, 404)) throw err;
              }
              const h = computeHealth(obj, ctx.clock.now());
              if (h.status === 'Failed') throw new TransientError(KustomizeReasons.HealthCheckFailed, `health check failed: ${subjectOf(ref)} status: 'Failed': ${h.message}`);
              if (h.status !== 'Current') pending.push(`${subjectOf(ref)} status: '${h.status}'`);
            }
            if (pending.length === 0) return {};
            if (ctx.clock.now() >= deadline) throw new TransientError(KustomizeReasons.HealthCheckFailed, `health check failed after ${Math.round(timeoutMs / 1000)}s: timeout waiting for: [${pending.join(', ')}]`);
            await ctx.sleep(Math.min(pollMs, Math.max(1, deadline - ctx.clock.now())));
          }
        },
      },
      finalize: async (object, ctx) => {
        const ks = object as Kustomization;
        builds.delete(`${ks.metadata.namespace ?? 'default'}/${ks.metadata.name}`);
        // Flux's deletionPolicy: MirrorPrune (default) follows spec.prune; Delete and
        // WaitForTermination delete regardless of it; Orphan never deletes.
        const policy = ks.spec.deletionPolicy ?? 'MirrorPrune';
        if (policy === 'Orphan' || (policy === 'MirrorPrune' && !ks.spec.prune)) return;
        const live = await ctx.cluster.get({ apiVersion: ks.apiVersion, kind: ks.kind, name: ks.metadata.name, namespace: ks.metadata.namespace ?? 'default' });
        const entries = ((live?.status as Kustomization['status'] | undefined)?.inventory?.entries ?? []) as InventoryEntry[];
        const refs = entries.map(parseEntry).reverse();
        for (const ref of refs) options.drift?.forget(ref);
        await actingAs(ks).manager.prune(refs, ownerLabels(ks));
        if (policy !== 'WaitForTermination') return;
        // Keep the finalizer until every deleted object is gone (finalizers of its own included), up to spec.timeout.
        const timeoutMs = parseDuration(ks.spec.timeout ?? ks.spec.interval);
        const deadline = ctx.clock.now() + timeoutMs;
        for (;;) {
          const left: string[] = [];
          for (const ref of refs) if (await actingAs(ks).cluster.get(ref)) left.push(subjectOf(ref));
          if (left.length === 0) return;
          if (ctx.clock.now() >= deadline) throw new TransientError(KustomizeReasons.PruneFailed, `timeout waiting for termination of: [${left.join(', ')}]`);
          await ctx.sleep(Math.min(pollMs, Math.max(1, deadline - ctx.clock.now())));
        }
      },
      statusFrom: (data) => (data.inventory ? { inventory: { entries: data.inventory } } : undefined),
    },
    deps,
  );
}
