/**
 * PATCH in its four media types: apply (server-side apply with field manager and force),
 * JSON merge, JSON patch, and strategic merge (built-in kinds only, as kube-apiserver), on the
 * object or its status and scale subresources.
 */
import type { KubeObject } from '../../api/meta.js';
import { ApiError, isApiError } from '../errors.js';
import { jsonPatch, mergePatch } from '../memory/patches.js';
import type { Json, RequestContext } from './context.js';
import { badRequest, crdOf, dryRunOf, isMap, managerOf, notFound, parseBody, refOf, respondObjects, scaleOf, scaleTo } from './context.js';
import type { ResourceTarget } from './request.js';
import { mediaType } from './request.js';
import { checkFields } from './field-validation.js';
import { strategicMerge } from './strategic-merge.js';

export async function patch(ctx: RequestContext, t: ResourceTarget, name: string): Promise<void> {
  const type = mediaType(ctx.req.headers['content-type']);
  const dryRun = dryRunOf(ctx.query);
  const fieldManager = managerOf(ctx);
  const ref = refOf(t, name);
  const sub = t.subresource === 'status' || t.subresource === 'scale' ? t.subresource : undefined;
  let result: KubeObject;
  const validate = async (body: unknown): Promise<void> => {
    if (sub !== 'scale' && !ctx.view) checkFields(ctx.res, ctx.query.get('fieldValidation'), body, t.info, await crdOf(ctx, t));
  };
  if (type === 'application/apply-patch+yaml') {
    const body = parseBody(ctx.body, true);
    if (!isMap(body)) throw badRequest('the apply patch must be an object');
    if (!ctx.query.get('fieldManager')) throw new ApiError(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    await validate(body);
    if (sub === 'scale') {
      const replicas = isMap(body.spec) ? body.spec.replicas : undefined;
      if (typeof replicas !== 'number') throw new ApiError(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: Required value`);
      return scaleTo(ctx, t, name, replicas, dryRun, fieldManager);
    }
    if (sub === 'status') {
      result = await ctx.cluster.patch(ref, { status: body.status ?? null }, 'merge', { subresource: 'status', fieldManager, dryRun });
    } else {
      const obj = body as KubeObject;
      obj.apiVersion ||= t.groupVersion;
      obj.kind ||= t.info.kind;
      obj.metadata = isMap(obj.metadata) ? obj.metadata : { name };
      obj.metadata.name ||= name;
      if (obj.metadata.name !== name) throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
      if (t.info.namespaced) {
        if (obj.metadata.namespace && obj.metadata.namespace !== ref.namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
        obj.metadata.namespace = ref.namespace as string;
      }
      result = await ctx.cluster.apply(obj, { fieldManager, force: ctx.query.get('force') === 'true', dryRun });
    }
  } else if (type === 'application/merge-patch+json' || type === 'application/json-patch+json') {
    const body = parseBody(ctx.body);
    if (type === 'application/merge-patch+json') await validate(body);
    if (sub === 'scale') {
      const current = await ctx.cluster.get(ref);
      if (!current) throw notFound(t, name);
      const scaled = (type === 'application/merge-patch+json' ? mergePatch(scaleOf(current), body) : jsonPatch(scaleOf(current), body)) as Json;
      const replicas = isMap(scaled.spec) ? scaled.spec.replicas : undefined;
      if (typeof replicas !== 'number') throw new ApiError(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: Required value`);
      return scaleTo(ctx, t, name, replicas, dryRun, fieldManager);
    }
    result = await ctx.cluster.patch(ref, body, type === 'application/merge-patch+json' ? 'merge' : 'json', { fieldManager, dryRun, ...(sub ? { subresource: sub } : {}) });
  } else if (type === 'application/strategic-merge-patch+json') {
    if (await crdOf(ctx, t)) {
      throw new ApiError(415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
    }
    const body = parseBody(ctx.body);
    await validate(body);
    result = await strategicPatch(ctx, t, name, body, sub, fieldManager, dryRun);
    if (sub === 'scale') return;
  } else {
    throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
  }
  await respondObjects(ctx, t, 200, [result], false, result.metadata.resourceVersion ?? '');
}

/** Read, merge, write with the read resourceVersion as precondition; retried on a lost race. */
async function strategicPatch(ctx: RequestContext, t: ResourceTarget, name: string, body: unknown, sub: 'status' | 'scale' | undefined, fieldManager: string, dryRun: boolean): Promise<KubeObject> {
  const ref = refOf(t, name);
  for (let attempt = 0; ; attempt++) {
    const live = await ctx.cluster.get(ref);
    if (!live) throw notFound(t, name);
    try {
      if (sub === 'scale') {
        const scaled = strategicMerge(scaleOf(live), body) as Json;
        const replicas = isMap(scaled.spec) ? scaled.spec.replicas : undefined;
        if (typeof replicas !== 'number') throw new ApiError(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: Required value`);
        await scaleTo(ctx, t, name, replicas, dryRun, fieldManager);
        return live;
      }
      const next = strategicMerge(live, body) as KubeObject;
      if (!isMap(next.metadata)) throw new ApiError(422, 'Invalid', 'metadata: Required value');
      if (next.metadata.name !== name) throw new ApiError(422, 'Invalid', `metadata.name: Invalid value: "${String(next.metadata.name)}": field is immutable`);
      next.metadata.resourceVersion ||= live.metadata.resourceVersion as string;
      next.apiVersion = t.groupVersion;
      next.kind = t.info.kind;
      return sub === 'status' ? await ctx.cluster.updateStatus(next, { fieldManager, dryRun }) : await ctx.cluster.update(next, { fieldManager, dryRun });
    } catch (err) {
      const ownPrecondition = isMap(body) && isMap(body.metadata) && body.metadata.resourceVersion !== undefined;
      if (isApiError(err, 409) && err.reason === 'Conflict' && !ownPrecondition && attempt < 5) continue;
      throw err;
    }
  }
}
