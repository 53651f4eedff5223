/**
 * The GitRepository controller: the GitRepository machine with source-controller's effects —
 * check the remote, fetch into the object cache, store the artifact — plus its status fields
 * (artifact, includedArtifacts, observedIgnore, observedInclude) and conditions
 * (ArtifactInStorage, FetchFailed).
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { GitRepository } from '../api/kinds/git-repository.js';
import { SourceReasons } from '../api/reasons.js';
import type { KubeObject } from '../api/meta.js';
import { gitRepositoryMachine } from '../../machines/index.js';
import type { LifecycleContext } from '../../machines/lifecycle.js';
import type { CheckResult, GitSourceDeps, IncludeSource, StoredSource } from '../sources/git-repository.js';
import { checkGitRemote, fetchGitSource, storeGitArtifact } from '../sources/git-repository.js';
import type { Credentials } from '../sources/git/refs.js';
import type { Registration } from '../runtime/supervisor.js';
import type { ControllerDeps, EffectContext } from './controller.js';
import { createController } from './controller.js';
import { sourceConditions } from './source-conditions.js';
import { secretData } from './secrets.js';

const FETCH_REASONS = new Set<string>([SourceReasons.GitOperationFailed, SourceReasons.AuthenticationFailed, SourceReasons.URLInvalid, 'IncludeUnavailable']);

async function credentials(obj: GitRepository, ctx: EffectContext): Promise<Credentials | undefined> {
  const ref = obj.spec.secretRef;
  if (!ref) return undefined;
  const data = await secretData(ctx.cluster, obj.metadata.namespace ?? 'default', ref.name, SourceReasons.AuthenticationFailed);
  const creds: Credentials = {};
  if (data.bearerToken !== undefined) creds.bearerToken = data.bearerToken;
  if (data.username !== undefined) creds.username = data.username;
  if (data.password !== undefined) creds.password = data.password;
  return creds;
}

async function includesOf(obj: GitRepository, ctx: EffectContext): Promise<IncludeSource[]> {
  const out: IncludeSource[] = [];
  for (const include of obj.spec.include ?? []) {
    const repo = await ctx.cluster.get({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', name: include.repository.name, namespace: obj.metadata.namespace ?? 'default' });
    out.push({ include, artifact: (repo?.status as GitRepository['status'])?.artifact });
  }
  return out;
}

export function gitRepositoryController(source: Omit<GitSourceDeps, 'clock'>, deps: ControllerDeps): Registration {
  const sourceDeps: GitSourceDeps = { ...source, clock: deps.clock };
  return createController(
    {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      machine: gitRepositoryMachine,
      reportingController: 'source-controller',
      isSource: true,
      steps: {
        checkRemote: async ({ object }, ctx) => {
          const obj = object as GitRepository;
          const check = await checkGitRemote(obj, await credentials(obj, ctx), await includesOf(obj, ctx), sourceDeps);
          const data: Record<string, unknown> = { check };
          // Nothing moved: keep the stored artifact; the status already describes it.
          if (check.unchanged && obj.status?.artifact) data.stored = { artifact: obj.status.artifact, includedArtifacts: obj.status.includedArtifacts ?? [], files: -1 } satisfies StoredSource;
          return { revision: check.revision, unchanged: check.unchanged, data };
        },
        fetch: async ({ object, data }, ctx) => {
          const obj = object as GitRepository;
          const fetched = await fetchGitSource(obj, data.check as CheckResult, await credentials(obj, ctx), sourceDeps);
          return { data: { gitdir: fetched.gitdir, fetched: fetched.fetched } };
        },
        storeArtifact: async ({ object, data }, ctx) => {
          const obj = object as GitRepository;
          const check = data.check as CheckResult;
          const stored = await storeGitArtifact(obj, check, data.gitdir as string | undefined, await includesOf(obj, ctx), sourceDeps);
          return {
            revision: stored.artifact.revision,
            message: `stored artifact for revision '${stored.artifact.revision}'`,
            data: { stored },
          };
        },
      },
      finalize: async (object: KubeObject) => {
        await source.storage.remove('GitRepository', object.metadata.namespace ?? 'default', object.metadata.name);
        await rm(path.join(source.cacheRoot, object.metadata.namespace ?? 'default', object.metadata.name), { recursive: true, force: true });
      },
      statusFrom: (data) => {
        const stored = data.stored as StoredSource | undefined;
        if (!stored) return undefined;
        return { artifact: stored.artifact, ...(stored.includedArtifacts.length ? { includedArtifacts: stored.includedArtifacts } : {}) };
      },
      decorate: (status, context: LifecycleContext, now) => {
        const obj = context.object as GitRepository;
        status.conditions = sourceConditions(status, context, now, { fetchReasons: FETCH_REASONS, stored: (revision) => `stored artifact for revision '${revision}'` });
        if (context.data.stored) {
          if (obj.spec.ignore !== undefined) status.observedIgnore = obj.spec.ignore;
          else delete status.observedIgnore;
          if (obj.spec.include?.length) status.observedInclude = obj.spec.include;
          else delete status.observedInclude;
        }
      },
    },
    deps,
  );
}
