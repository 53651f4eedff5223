/**
 * Real-world trees: podinfo's `kustomize/` and `deploy/` overlays and the Flux example
 * repository's kustomizations build byte-identically to `kubectl kustomize` (both its default
 * load restrictor and Flux's LoadRestrictionsNone).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildYaml, diskFs } from '../../src/kustomize/index.js';
import { kubectlKustomize } from './oracle.js';

const shared = path.resolve(import.meta.dirname, '../../../shared/conformance');
const roots = [path.join(shared, 'helm/podinfo-6.14.1'), path.join(shared, 'flux-examples')].filter(existsSync);
if (roots.length === 0) console.warn(`real-world kustomize trees not found under ${shared}: skipping`);

function kustomizationDirs(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) kustomizationDirs(p, out);
    else if (name === 'kustomization.yaml') out.push(dir);
  }
  return out;
}

const dirs = roots.flatMap((r) => kustomizationDirs(r));

describe.skipIf(dirs.length === 0)('real-world kustomize trees agree with kubectl', () => {
  it.each(dirs.map((d) => [path.relative(shared, d), d] as const))('%s', async (_rel, dir) => {
    for (const [flags, loadRestrictor] of [
      [[], 'rootOnly'],
      [['--load-restrictor=LoadRestrictionsNone'], 'none'],
    ] as const) {
      const want = await kubectlKustomize(dir, [...flags]);
      let got: string | Error;
      try {
        got = buildYaml(diskFs(shared), dir, { loadRestrictor });
      } catch (e) {
        got = e as Error;
      }
      if (!want.ok) expect(got).toBeInstanceOf(Error);
      else expect(got).toBe(want.stdout);
    }
  });
});
