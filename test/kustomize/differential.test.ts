/** Differential test: hand-written trees built by `kubectl kustomize` and by fluxion, byte for byte. */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildYaml, diskFs, KustomizeError } from '../../src/kustomize/index.js';
import { CASES } from './cases.js';
import { kubectlKustomize, writeTree } from './oracle.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('fluxion kustomize agrees with kubectl kustomize', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const root = await writeTree(c.files);
    dirs.push(root);
    const dir = path.join(root, c.dir);
    const want = await kubectlKustomize(dir);
    let got: string | undefined;
    let err: unknown;
    try {
      got = buildYaml(diskFs(root), dir);
    } catch (e) {
      err = e;
    }
    if (!want.ok) {
      expect(err, `kubectl failed (${want.stderr.trim()}) but fluxion built`).toBeInstanceOf(KustomizeError);
      expect((err as KustomizeError).file).toBeTruthy();
      return;
    }
    if (err) throw err;
    expect(got).toBe(want.stdout);
  });
});
