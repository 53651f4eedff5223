/**
 * OCI end to end: `push artifact` to the in-process registry, then `create source oci` and
 * `create kustomization --source=OCIRepository/…` against the served simulator running the real
 * engine. Clock time is advanced only while the CLI waits.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, settle } from '../../src/api/clock.js';
import { createEngine } from '../../src/controllers/engine.js';
import type { Engine } from '../../src/controllers/engine.js';
import { runFluxion } from '../helpers/cli.js';
import { startOciRegistry } from '../helpers/oci-registry.js';
import type { OciRegistry } from '../helpers/oci-registry.js';
import type { CliHarness } from './harness.js';
import { startCliHarness } from './harness.js';

const cm = (name: string, value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: default\ndata:\n  key: "${value}"\n`;
const REV = 'main@sha1:0123456789abcdef0123456789abcdef01234567';

describe('a pushed artifact reconciled by an OCIRepository and a Kustomization', () => {
  let h: CliHarness;
  let registry: OciRegistry;
  let engine: Engine;
  let tmp: string;
  const clock = new ManualClock();

  /** Runs the CLI while moving clock time in steps, so timers inside the engine fire. */
  async function withClock<T>(work: Promise<T>): Promise<T> {
    let done = false;
    const result = work.finally(() => (done = true));
    for (let i = 0; i < 3_000 && !done; i++) {
      await settle(5);
      await new Promise((r) => setTimeout(r, 5));
      if (!done) await clock.advanceAsync(250);
    }
    return result;
  }

  function writeTree(root: string, files: Record<string, string>): string {
    for (const [p, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
      writeFileSync(path.join(root, p), content);
    }
    return root;
  }

  beforeAll(async () => {
    registry = await startOciRegistry();
    tmp = mkdtempSync(path.join(tmpdir(), 'fluxion-oci-e2e-'));
    h = await startCliHarness({ clock });
    engine = createEngine({ cluster: h.cluster, clock, healthPollMs: 250, randomSeed: () => 0.5 });
    await engine.start();
  });
  afterAll(async () => {
    await engine.stop();
    await h.close();
    await registry.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('applies what was pushed, minus what the artifact’s .sourceignore names', async () => {
    const src = writeTree(path.join(tmp, 'v1'), { 'apps/settings.yaml': cm('settings', 'one'), '.sourceignore': 'drafts/\n', 'drafts/draft.yaml': cm('draft', 'wip') });
    const url = `oci://${registry.host}/manifests/app`;
    const pushed = await runFluxion(['push', 'artifact', `${url}:stable`, `--path=${src}`, '--source=https://github.com/org/app', `--revision=${REV}`, '--reproducible', '--insecure-registry']);
    expect(pushed.code).toBe(0);
    const digest = /sha256:[0-9a-f]{64}/.exec(pushed.err)![0];

    const source = await withClock(h.run(['create', 'source', 'oci', 'app', `--url=${url}`, '--tag=stable', '--insecure', '--interval=10m', '--timeout=60s']));
    expect(source).toEqual({
      code: 0,
      out: '',
      err: `► applying OCIRepository
✔ OCIRepository created
◎ waiting for OCIRepository reconciliation
✔ OCIRepository reconciliation completed
✔ fetched revision: stable@${digest}
`,
    });

    const ks = await withClock(h.run(['create', 'kustomization', 'app', '--source=OCIRepository/app', '--path=./', '--prune', '--interval=10m', '--timeout=60s']));
    expect(ks).toEqual({
      code: 0,
      out: '',
      err: `✚ generating Kustomization
► applying Kustomization
✔ Kustomization created
◎ waiting for Kustomization reconciliation
✔ Kustomization app is ready
✔ applied revision stable@${digest}
`,
    });
    const settings = await h.cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'settings', namespace: 'default' });
    expect((settings?.data as Record<string, string>).key).toBe('one');
    expect(await h.cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'draft', namespace: 'default' })).toBeUndefined();
  });

  it('follows the tag: a new artifact tagged stable is applied on the next reconcile', async () => {
    const src = writeTree(path.join(tmp, 'v2'), { 'apps/settings.yaml': cm('settings', 'two') });
    const url = `oci://${registry.host}/manifests/app`;
    const pushed = await runFluxion(['push', 'artifact', `${url}:v2`, `--path=${src}`, '--source=https://github.com/org/app', `--revision=${REV}`, '--reproducible', '--insecure-registry']);
    const digest = /sha256:[0-9a-f]{64}/.exec(pushed.err)![0];
    expect((await runFluxion(['tag', 'artifact', `${url}:v2`, '--tag=stable'])).code).toBe(0);
    const r = await withClock(h.run(['reconcile', 'kustomization', 'app', '--with-source', '--timeout', '60s']));
    expect(r.code).toBe(0);
    expect(r.err.trimEnd().split('\n').at(-1)).toBe(`✔ applied revision stable@${digest}`);
    const settings = await h.cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'settings', namespace: 'default' });
    expect((settings?.data as Record<string, string>).key).toBe('two');
  });
});
