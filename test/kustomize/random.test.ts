/**
 * Random kustomize trees (fast-check) built by kubectl and by fluxion must agree byte for byte,
 * errors included. Each tree runs kubectl, so CI runs a modest number (KZ_RANDOM_RUNS for more).
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildYaml, diskFs } from '../../src/kustomize/index.js';
import { kubectlKustomize, writeTree } from './oracle.js';
import { randomTree } from './random-trees.js';

const runs = Number(process.env.KZ_RANDOM_RUNS ?? 30);

describe('random kustomize trees agree with kubectl kustomize', () => {
  it(`${runs} random trees`, async () => {
    await fc.assert(
      fc.asyncProperty(randomTree, async (t) => {
        const root = await writeTree(t.files);
        try {
          const dir = path.join(root, t.dir);
          const want = await kubectlKustomize(dir);
          let got: string | undefined;
          try {
            got = buildYaml(diskFs(root), dir);
          } catch (e) {
            if (want.ok) throw e;
            return;
          }
          expect(want.ok, `kubectl failed: ${want.stderr}`).toBe(true);
          expect(got).toBe(want.stdout);
        } finally {
          await rm(root, { recursive: true, force: true });
        }
      }),
      { numRuns: runs },
    );
  }, Math.max(120_000, runs * 1_000));
});
