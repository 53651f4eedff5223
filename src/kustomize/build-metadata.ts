/**
 * buildMetadata: origins (`config.kubernetes.io/origin`), transformer records
 * (`alpha.config.kubernetes.io/transformations`) and the managed-by label, kept on each resource
 * during the build as kustomize keeps them in annotations, and written out at the end.
 */
import path from 'node:path';
import { dropAliases } from './aliases.js';
import { applyJsonPatch } from './json-patch.js';
import type { JsonPatchOp } from './json-patch.js';
import type { Obj, Resource, TransformerOrigin } from './resource.js';

/**
 * kustomize's AddTransformerAnnotation: a transformer that ran is recorded on every object present;
 * an object that lost its origin annotation takes the transformer as its origin instead.
 */
export function recordTransformer(track: boolean, list: Resource[], origin: TransformerOrigin): void {
  if (!track) return;
  for (const r of list) {
    if (r.origin) (r.transformations ??= []).push(origin);
    else {
      r.origin = { configuredIn: origin.configuredIn, configuredBy: origin.kind, configuredByName: origin.name, configuredByNamespace: origin.namespace };
    }
  }
}

const SENTINEL = 'fluxion.internal/build-metadata';

/**
 * A JSON 6902 patch. With buildMetadata, kustomize keeps origins and transformations as
 * annotations during the build, so a patch replacing or removing `metadata.annotations` drops them
 * (and finds the map present): a placeholder annotation stands for them while the patch runs.
 */
export function jsonPatch(track: boolean, r: Resource, ops: JsonPatchOp[]): void {
  const carry = track && (r.origin !== undefined || (r.transformations?.length ?? 0) > 0);
  const hadAnnotations = r.obj.metadata?.annotations !== undefined;
  if (carry) {
    r.obj.metadata ??= {};
    r.obj.metadata.annotations = { ...(r.obj.metadata.annotations ?? {}), [SENTINEL]: '' };
  }
  r.obj = applyJsonPatch(r.obj, ops) as Obj;
  dropAliases(r);
  if (!carry) return;
  const ann = r.obj.metadata?.annotations;
  if (ann && typeof ann === 'object' && SENTINEL in ann) {
    delete ann[SENTINEL];
    if (!hadAnnotations && Object.keys(ann).length === 0) delete r.obj.metadata.annotations;
  } else {
    r.origin = undefined;
    r.transformations = [];
  }
}

/** Writes the requested buildMetadata annotations and label; paths relative to the built directory `abs`. */
export function annotateBuildMetadata(list: Resource[], meta: string[], abs: string): void {
  if (meta.includes('originAnnotations')) {
    for (const r of list) {
      const o = r.origin;
      if (!o) continue;
      const by = [`  apiVersion: builtin\n`, `  kind: ${o.configuredBy}\n`];
      if (o.configuredByName) by.push(`  name: ${o.configuredByName}\n`);
      if (o.configuredByNamespace) by.push(`  namespace: ${o.configuredByNamespace}\n`);
      const text = o.path
        ? `path: ${path.posix.relative(abs, o.path)}\n`
        : `configuredIn: ${path.posix.relative(abs, o.configuredIn ?? '')}\nconfiguredBy:\n${by.join('')}`;
      r.obj.metadata ??= {};
      r.obj.metadata.annotations = { ...(r.obj.metadata.annotations ?? {}), 'config.kubernetes.io/origin': text };
    }
  }
  if (meta.includes('transformerAnnotations')) {
    for (const r of list) {
      if (!r.transformations?.length) continue;
      const text = r.transformations
        .map((t) => {
          const by = [`  configuredBy:\n`, `    apiVersion: ${t.apiVersion}\n`, `    kind: ${t.kind}\n`];
          if (t.name) by.push(`    name: ${t.name}\n`);
          if (t.namespace) by.push(`    namespace: ${t.namespace}\n`);
          return `- configuredIn: ${path.posix.relative(abs, t.configuredIn)}\n${by.join('')}`;
        })
        .join('');
      r.obj.metadata ??= {};
      r.obj.metadata.annotations = { ...(r.obj.metadata.annotations ?? {}), 'alpha.config.kubernetes.io/transformations': text };
    }
  }
  if (meta.includes('managedByLabel')) {
    for (const r of list) {
      r.obj.metadata ??= {};
      // kubectl's embedded kustomize reports its version as "(devel)".
      r.obj.metadata.labels = { ...(r.obj.metadata.labels ?? {}), 'app.kubernetes.io/managed-by': 'kustomize-(devel)' };
    }
  }
}
