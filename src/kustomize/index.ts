/** In-process kustomize: `build(fs, dir)` → objects, as `kubectl kustomize` builds them. */
import type { BuildOptions } from './build.js';
import { buildResources } from './build.js';
import type { KFileSystem } from './fs.js';
import type { Obj } from './resource.js';

export type { BuildOptions } from './build.js';
export { buildResources, buildYaml, KUSTOMIZATION_FILES } from './build.js';
export { emitDocuments, emitYaml } from './emit.js';
export { KustomizeError } from './errors.js';
import { KustomizeError } from './errors.js';
export type { KFileSystem } from './fs.js';
export { diskFs, layeredFs, memoryFs } from './fs.js';

/** Builds the kustomization at `dir` (relative to `fs.root` or absolute) into objects. */
export function build(fs: KFileSystem, dir: string, opts: BuildOptions = {}): Obj[] {
  return buildResources(fs, dir, opts);
}

/** Result of {@link tryBuild}: the objects, or the typed error (never a partial result). */
export type BuildResult = { ok: true; objects: Obj[] } | { ok: false; error: KustomizeError };

/** Like {@link build}, as a value: for the Kustomization controller's `BuildFailed` path. */
export function tryBuild(fs: KFileSystem, dir: string, opts: BuildOptions = {}): BuildResult {
  try {
    return { ok: true, objects: buildResources(fs, dir, opts) };
  } catch (e) {
    if (e instanceof KustomizeError) return { ok: false, error: e };
    throw e;
  }
}
