/**
 * The ArtifactGenerator controller (Flux's source-watcher): the ArtifactGenerator machine with
 * its effects — observe the sources' artifacts (stopping when nothing drifted), build one
 * artifact per `spec.artifacts` entry with the copy operations, store it, create or update the
 * ExternalArtifact of that name with its `status.artifact`, and delete the ExternalArtifacts no
 * longer listed. Only the consumers of an ExternalArtifact whose revision moved are told: an
 * artifact whose content did not change keeps its revision (and its stored file).
 */
import { createHash } from 'node:crypto';
import type { Condition } from '../api/conditions.js';
import { setCondition } from '../api/conditions.js';
import { StalledError, TransientError, WaitingError } from '../api/errors.js';
import type { Artifact } from '../api/kinds/common.js';
import type { ArtifactGenerator, ExternalArtifactReference, GeneratorCopyOperation } from '../api/kinds/artifact-generator.js';
import { GENERATOR_LABEL, GENERATOR_RECONCILE_ANNOTATION, ORIGIN_REVISION_KEY } from '../api/kinds/artifact-generator.js';
import type { ExternalArtifact } from '../api/kinds/external-artifact.js';
import type { KubeObject, ObjectRef } from '../api/meta.js';
import { GeneratorReasons, MetaReasons } from '../api/reasons.js';
import { isApiError } from '../cluster/errors.js';
import { artifactGeneratorMachine } from '../../machines/index.js';
import type { Registration } from '../runtime/supervisor.js';
import { ArtifactCache } from '../sources/artifact/cache.js';
import type { ArtifactStorage } from '../sources/artifact/storage.js';
import type { BuiltArtifact } from '../sources/generator/build.js';
import { buildArtifact } from '../sources/generator/build.js';
import { CopyError } from '../sources/generator/copy.js';
import { FileTree, GlobSyntaxError, checkGoPattern, checkStarPattern } from '../sources/generator/glob.js';
import type { ArtifactRequest } from '../sources/generator/path-pattern.js';
import { PathPatternError, expandArtifacts } from '../sources/generator/path-pattern.js';
import type { ControllerDeps, EffectContext } from './controller.js';
import { createController } from './controller.js';

export const SOURCE_WATCHER = 'source-watcher';
const EXTERNAL_ARTIFACT_API = 'source.toolkit.fluxcd.io/v1';
const GENERATOR_API = 'source.extensions.fluxcd.io/v1beta1';

export interface ArtifactGeneratorOptions {
  storage: ArtifactStorage;
  /** Unpacked artifacts shared with the sources and the consumers (one is made when absent). */
  cache?: ArtifactCache;
}

/** A source's artifact as the generator observed it (source-watcher's ObservedSource). */
export interface ObservedSource {
  alias: string;
  ref: ObjectRef;
  artifact: Artifact;
}

/** source-watcher's sources digest: sha256 over the sorted `alias=[digest=…,revision=…,url=…]`. */
export function observedSourcesDigest(sources: readonly ObservedSource[]): string {
  const parts = sources.map((s) => `${s.alias}=[digest=${s.artifact.digest ?? ''},revision=${s.artifact.revision},url=${s.artifact.url}]`).sort();
  return `sha256:${createHash('sha256').update(parts.join('|')).digest('hex')}`;
}

const GLOB_CHARS = /[*?[\]]/;

/** One artifact built in this run, with the (rendered) entry it came from. */
interface Built {
  request: ArtifactRequest;
  built: BuiltArtifact;
}

/**
 * Glob syntax no build can get past: a malformed `from` (Go's path.Match, or doublestar for
 * Extract) or `exclude` (doublestar) stalls the generator, naming the field.
 */
function checkPatterns(ag: ArtifactGenerator): void {
  ag.spec.artifacts.forEach((a, i) =>
    a.copy.forEach((op: GeneratorCopyOperation, j) => {
      const field = `spec.artifacts[${i}].copy[${j}]`;
      const pattern = op.from.slice(op.from.indexOf('/') + 1);
      try {
        if (GLOB_CHARS.test(pattern)) (op.strategy === 'Extract' ? checkStarPattern : checkGoPattern)(pattern);
      } catch (err) {
        if (err instanceof GlobSyntaxError) throw new StalledError(GeneratorReasons.ValidationFailed, `${field}.from: invalid glob pattern '${pattern}': ${err.message}`);
        throw err;
      }
      (op.exclude ?? []).forEach((e, k) => {
        try {
          checkStarPattern(e);
        } catch {
          throw new StalledError(GeneratorReasons.ValidationFailed, `${field}.exclude[${k}]: invalid exclude pattern '${e}'`);
        }
      });
    }),
  );
}

const refOfEa = (name: string, namespace: string): ObjectRef => ({ apiVersion: EXTERNAL_ARTIFACT_API, kind: 'ExternalArtifact', name, namespace });

/** The stored artifact is the one wanted: same content, revision and metadata. */
function sameArtifact(a: Artifact | undefined, digest: string, revision: string, metadata: Record<string, string> | undefined): a is Artifact {
  if (!a || a.digest !== digest || a.revision !== revision) return false;
  return JSON.stringify(a.metadata ?? {}) === JSON.stringify(metadata ?? {});
}

export function artifactGeneratorController(options: ArtifactGeneratorOptions, deps: ControllerDeps): Registration {
  const cache = options.cache ?? new ArtifactCache(options.storage);
  const requeueMs = deps.requeueDependencyMs ?? 30_000;

  /** The generator's ExternalArtifacts in the cluster (by its UID label). */
  const listOwned = async (ag: KubeObject, ctx: EffectContext): Promise<ExternalArtifact[]> => {
    if (!ag.metadata.uid) return [];
    const list = await ctx.cluster.list({ apiVersion: EXTERNAL_ARTIFACT_API, kind: 'ExternalArtifact', namespace: ag.metadata.namespace ?? 'default', labelSelector: `${GENERATOR_LABEL}=${ag.metadata.uid}` });
    return list.items as ExternalArtifact[];
  };

  /** Deletes ExternalArtifacts and their stored files. */
  const remove = async (refs: readonly { name: string; namespace: string }[], ctx: EffectContext): Promise<void> => {
    for (const r of refs) {
      try {
        await ctx.cluster.delete(refOfEa(r.name, r.namespace));
      } catch (err) {
        if (!isApiError(err, 404)) throw err;
      }
      await options.storage.remove('ExternalArtifact', r.namespace, r.name);
    }
  };

  /** Whether the generated artifacts still match the last successful run (source-watcher's drift check). */
  const drifted = async (ag: ArtifactGenerator, digest: string, attempt: number, ctx: EffectContext): Promise<boolean> => {
    const st = ag.status ?? {};
    const ready = st.conditions?.find((c) => c.type === 'Ready');
    if (attempt > 1 || ready?.status === 'False') return true;
    if (st.observedGeneration !== ag.metadata.generation) return true;
    if (st.observedSourcesDigest !== digest) return true;
    const inventory = st.inventory ?? [];
    // With a path pattern the number of artifacts follows the directories found.
    if (!ag.spec.pathPattern && inventory.length !== ag.spec.artifacts.length) return true;
    for (const e of inventory) if (!(await options.storage.exists({ path: options.storage.relativePath('ExternalArtifact', e.namespace, e.name, e.filename) }))) return true;
    const owned = await listOwned(ag, ctx);
    if (owned.length !== inventory.length) return true;
    return owned.some((ea) => !inventory.some((e) => e.name === ea.metadata.name && e.digest === ea.status?.artifact?.digest));
  };

  const successMessage = (n: number): string => `reconciliation succeeded, generated ${n} artifact(s)`;

  return createController(
    {
      apiVersion: GENERATOR_API,
      kind: 'ArtifactGenerator',
      machine: artifactGeneratorMachine,
      reportingController: SOURCE_WATCHER,
      isSource: true,
      steps: {
        observeSources: async ({ object, attempt }, ctx) => {
          const ag = object as ArtifactGenerator;
          const ns = ag.metadata.namespace ?? 'default';
          checkPatterns(ag);
          if (ag.metadata.annotations?.[GENERATOR_RECONCILE_ANNOTATION]?.toLowerCase() === 'disabled') {
            // Paused as source-watcher pauses: nothing observed, built or written; what was generated stays.
            const ready = ag.status?.conditions?.find((c) => c.type === 'Ready');
            return { unchanged: true, message: ready?.status === 'True' ? ready.message : `reconciliation is disabled by the ${GENERATOR_RECONCILE_ANNOTATION} annotation` };
          }
          const observed: ObservedSource[] = [];
          for (const [i, src] of ag.spec.sources.entries()) {
            const ref: ObjectRef = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: src.kind, name: src.name, namespace: src.namespace || ns };
            const obj = await ctx.cluster.get(ref);
            const subject = `${src.kind} '${ref.namespace}/${src.name}'`;
            if (!obj) throw new WaitingError(GeneratorReasons.SourceFetchFailed, `get sources failed: spec.sources[${i}] (alias '${src.alias}'): ${subject} not found`, requeueMs);
            const artifact = (obj.status as { artifact?: Artifact } | undefined)?.artifact;
            if (!artifact) throw new WaitingError(GeneratorReasons.SourceFetchFailed, `get sources failed: spec.sources[${i}] (alias '${src.alias}'): source '${src.kind}/${ref.namespace}/${src.name}' is not ready`, requeueMs);
            observed.push({ alias: src.alias, ref, artifact });
          }
          const digest = observedSourcesDigest(observed);
          if (!(await drifted(ag, digest, attempt, ctx))) {
            return { unchanged: true, message: successMessage(ag.status?.inventory?.length ?? 0), data: { inventory: ag.status?.inventory ?? [], sourcesDigest: digest } };
          }
          return { data: { observed, sourcesDigest: digest } };
        },
        buildArtifacts: async ({ object, data }) => {
          const ag = object as ArtifactGenerator;
          const observed = data.observed as ObservedSource[];
          const trees = new Map<string, FileTree>();
          for (const [i, s] of observed.entries()) {
            try {
              trees.set(s.alias, new FileTree(await cache.files(s.artifact)));
            } catch (err) {
              throw new TransientError(GeneratorReasons.SourceFetchFailed, `fetch sources failed: spec.sources[${i}] (alias '${s.alias}'): artifact ${s.artifact.path}: ${(err as Error).message}`, { cause: err });
            }
          }
          let requests: ArtifactRequest[];
          try {
            requests = expandArtifacts(ag.spec.pathPattern, ag.spec.artifacts, trees);
          } catch (err) {
            if (err instanceof PathPatternError) throw new StalledError(MetaReasons.BuildFailed, `spec.pathPattern: failed to expand path pattern: ${err.message}`, { cause: err });
            throw err;
          }
          const built: Built[] = [];
          for (const r of requests) {
            const a = r.artifact;
            try {
              built.push({ request: r, built: await buildArtifact(a.name, a.copy, trees) });
            } catch (err) {
              if (!(err instanceof CopyError)) throw err;
              const field = err.index === undefined ? `spec.artifacts[${r.index}]` : `spec.artifacts[${r.index}].copy[${err.index}]`;
              throw new TransientError(MetaReasons.BuildFailed, `${field}: ${a.name} build failed: ${err.message}`, { cause: err });
            }
          }
          return { data: { built } };
        },
        applyArtifacts: async ({ object, data }, ctx) => {
          const ag = object as ArtifactGenerator;
          const ns = ag.metadata.namespace ?? 'default';
          const observed = new Map((data.observed as ObservedSource[]).map((s) => [s.alias, s]));
          const built = data.built as Built[];
          const inventory: ExternalArtifactReference[] = [];
          for (const { request, built: b } of built) {
            const spec = request.artifact;
            const name = spec.name;
            const revisionFrom = spec?.revision ? observed.get(spec.revision.slice(1)) : undefined;
            const revision = revisionFrom?.artifact.revision ?? b.revision;
            const origin = spec?.originRevision ? observed.get(spec.originRevision.slice(1)) : undefined;
            const metadata = origin ? { [ORIGIN_REVISION_KEY]: origin.artifact.metadata?.[ORIGIN_REVISION_KEY] ?? origin.artifact.revision } : undefined;
            const ref = refOfEa(name, ns);
            const existing = (await ctx.cluster.get(ref)) as ExternalArtifact | undefined;
            const before = existing?.status?.artifact;
            let artifact: Artifact;
            if (sameArtifact(before, b.archive.digest, revision, metadata) && (await options.storage.exists(before))) {
              // Same content: the artifact (and its revision, and its time) stays; nobody is woken.
              artifact = before;
            } else {
              const stored = await options.storage.store('ExternalArtifact', ns, name, b.filename, b.archive.bytes, revision);
              artifact = { ...stored, ...(metadata ? { metadata } : {}) };
              cache.put(artifact, [...b.files].map(([path, content]) => ({ path, content })));
            }
            const labels = { ...(ag.spec.commonMetadata?.labels ?? {}), ...(request.labels ?? {}), 'app.kubernetes.io/managed-by': SOURCE_WATCHER, ...(ag.metadata.uid ? { [GENERATOR_LABEL]: ag.metadata.uid } : {}) };
            const annotations = ag.spec.commonMetadata?.annotations;
            const applied = await ctx.cluster.apply(
              {
                apiVersion: EXTERNAL_ARTIFACT_API,
                kind: 'ExternalArtifact',
                metadata: { name, namespace: ns, labels, ...(annotations && Object.keys(annotations).length ? { annotations } : {}) },
                spec: { sourceRef: { apiVersion: GENERATOR_API, kind: 'ArtifactGenerator', name: ag.metadata.name, namespace: ns } },
              },
              { fieldManager: SOURCE_WATCHER, force: true },
            );
            const generation = applied.metadata.generation ?? 1;
            const readyBefore = existing?.status?.conditions?.find((c) => c.type === 'Ready');
            if (artifact !== before || readyBefore?.status !== 'True' || readyBefore.observedGeneration !== generation) {
              const now = new Date(ctx.clock.now());
              const conditions: Condition[] = setCondition(existing?.status?.conditions ?? [], { type: 'Ready', status: 'True', reason: MetaReasons.Succeeded, message: 'Artifact is ready' }, now, generation);
              const { resourceVersion: _rv, ...meta } = applied.metadata;
              await ctx.cluster.updateStatus({ ...applied, metadata: { ...meta, name }, status: { artifact, conditions } }, { fieldManager: SOURCE_WATCHER });
            }
            // Only consumers of an artifact whose revision moved reconcile.
            if (artifact.revision !== before?.revision) ctx.routing.notifyRevision(ref, artifact.revision);
            inventory.push({ name, namespace: ns, digest: artifact.digest ?? b.archive.digest, filename: artifact.path.slice(artifact.path.lastIndexOf('/') + 1) });
          }
          // ExternalArtifacts this generator made that are no longer listed are deleted.
          const wanted = new Set(inventory.map((e) => e.name));
          const previous = ag.status?.inventory ?? [];
          const owned = await listOwned(ag, ctx);
          const orphans = [...previous.filter((e) => !wanted.has(e.name)), ...owned.filter((ea) => !wanted.has(ea.metadata.name)).map((ea) => ({ name: ea.metadata.name, namespace: ns }))];
          const seen = new Set<string>();
          await remove(
            orphans.filter((o) => !seen.has(o.name) && (seen.add(o.name), true)),
            ctx,
          );
          return { message: successMessage(inventory.length), data: { inventory, sourcesDigest: data.sourcesDigest } };
        },
      },
      finalize: async (object, ctx) => {
        const live = (await ctx.cluster.get({ apiVersion: GENERATOR_API, kind: 'ArtifactGenerator', name: object.metadata.name, namespace: object.metadata.namespace ?? 'default' })) as ArtifactGenerator | undefined;
        const ns = object.metadata.namespace ?? 'default';
        const names = new Set<string>([...(live?.status?.inventory ?? []).map((e) => e.name), ...(await listOwned(live ?? object, ctx)).map((ea) => ea.metadata.name)]);
        await remove([...names].map((name) => ({ name, namespace: ns })), ctx);
      },
      statusFrom: (data) => {
        const inventory = data.inventory as ExternalArtifactReference[] | undefined;
        if (!inventory) return undefined;
        return { inventory, observedSourcesDigest: data.sourcesDigest as string };
      },
    },
    deps,
  );
}
