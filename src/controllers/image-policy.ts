/**
 * The ImagePolicy controller (image-reflector-controller): read the tags its ImageRepository
 * scanned, apply `filterTags` and the policy, resolve the digest when `digestReflectionPolicy`
 * asks for it, and write status.latestRef (moving the old one to observedPreviousRef).
 */
import { StalledError, TransientError, WaitingError } from '../api/errors.js';
import type { ImagePolicy, ImageRef } from '../api/kinds/image-policy.js';
import type { ImageRepository } from '../api/kinds/image-repository.js';
import { normalize } from '../api/kinds.js';
import { ImageReasons } from '../api/reasons.js';
import { imagePolicyMachine } from '../../machines/index.js';
import { InvalidPolicyError, latestTag } from '../image/policy.js';
import type { Registration } from '../runtime/supervisor.js';
import type { ControllerDeps, EffectContext } from './controller.js';
import { createController } from './controller.js';
import type { ImageDeps } from './image-repository.js';
import { imageClient, imageNameOf } from './image-repository.js';

/** Flux's Ready message for a resolved policy. */
export function imagePolicyReadyMessage(latest: ImageRef, previous: ImageRef | undefined): string {
  let msg = `Latest image tag for ${latest.name} resolved to ${latest.tag}`;
  if (latest.digest) msg += ` with digest ${latest.digest}`;
  if (previous && !sameRef(previous, latest)) msg += ` (previously ${previous.name}:${previous.tag}${previous.digest ? `@${previous.digest}` : ''})`;
  return msg;
}

const sameRef = (a: ImageRef, b: ImageRef): boolean => a.name === b.name && a.tag === b.tag && (a.digest ?? '') === (b.digest ?? '');

async function referredRepository(policy: ImagePolicy, ctx: EffectContext, requeueMs: number): Promise<ImageRepository> {
  const ns = policy.spec.imageRepositoryRef.namespace || (policy.metadata.namespace ?? 'default');
  const name = policy.spec.imageRepositoryRef.name;
  const live = await ctx.cluster.get({ apiVersion: 'image.toolkit.fluxcd.io/v1', kind: 'ImageRepository', name, namespace: ns });
  if (!live) throw new WaitingError(ImageReasons.DependencyNotReady, `failed to get the referred ImageRepository: referenced ImageRepository does not exist: imagerepositories.image.toolkit.fluxcd.io "${name}" not found`, requeueMs);
  try {
    return { ...normalize<ImageRepository>(live), status: live.status as ImageRepository['status'] };
  } catch (err) {
    throw new WaitingError(ImageReasons.DependencyNotReady, `failed to get the referred ImageRepository: ${(err as Error).message}`, requeueMs);
  }
}

/** The tag the policy picks among `tags`, as it is in the registry; invalid policies and filters stall. */
function pickTag(policy: ImagePolicy, tags: string[]): string {
  try {
    return latestTag(tags, policy.spec.policy, policy.spec.filterTags);
  } catch (err) {
    if (err instanceof InvalidPolicyError) throw new StalledError(ImageReasons.InvalidPolicy, err.message);
    throw new TransientError(ImageReasons.Failure, (err as Error).message);
  }
}

export function imagePolicyController(image: ImageDeps, deps: ControllerDeps): Registration {
  const requeueMs = deps.requeueDependencyMs ?? 30_000;
  return createController(
    {
      apiVersion: 'image.toolkit.fluxcd.io/v1',
      kind: 'ImagePolicy',
      machine: imagePolicyMachine,
      reportingController: 'image-reflector-controller',
      isSource: true,
      steps: {
        selectTag: async ({ object }, ctx) => {
          const policy = object as ImagePolicy;
          const repo = await referredRepository(policy, ctx, requeueMs);
          imageNameOf(repo);
          const canonical = repo.status?.canonicalImageName;
          const tags = canonical ? image.tags.get(canonical) : [];
          if (tags.length === 0) throw new WaitingError(ImageReasons.DependencyNotReady, 'no tags in database', requeueMs);
          const tag = pickTag(policy, tags);
          const latest: ImageRef = { name: repo.spec.image, tag };
          const current = policy.status?.latestRef;
          const mode = policy.spec.digestReflectionPolicy ?? 'Never';
          const reuse = mode === 'IfNotPresent' && current && current.name === latest.name && current.tag === latest.tag && current.digest;
          if (reuse) latest.digest = current.digest;
          else if (mode !== 'Never') {
            try {
              const { client } = await imageClient(repo, ctx);
              latest.digest = await client.resolve(tag);
            } catch (err) {
              if (err instanceof StalledError) throw err;
              throw new TransientError(ImageReasons.Failure, `failed fetching digest of ${latest.name}:${latest.tag}: ${(err as Error).message}`, { cause: err });
            }
          }
          const moved = !current || !sameRef(current, latest);
          const previous = moved ? current : policy.status?.observedPreviousRef;
          return {
            revision: `${latest.name}:${latest.tag}${latest.digest ? `@${latest.digest}` : ''}`,
            message: imagePolicyReadyMessage(latest, previous),
            data: { refs: { latestRef: latest, ...(previous ? { observedPreviousRef: previous } : {}) } },
          };
        },
      },
      statusFrom: (data) => data.refs as Record<string, unknown> | undefined,
    },
    deps,
  );
}
