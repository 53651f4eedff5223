/**
 * `reconcile --with-source`, `suspend` and `resume` end to end: the real engine (Git source and
 * Kustomization controllers) on the served simulator, a real `git http-backend`, and the CLI
 * talking to the served API. Clock time is advanced only while the CLI waits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, settle } from '../../src/api/clock.js';
import { createEngine } from '../../src/controllers/engine.js';
import type { Engine } from '../../src/controllers/engine.js';
import { startGitServer } from '../../src/sources/git/serve.js';
import type { GitServer } from '../../src/sources/git/serve.js';
import { makeRepo } from '../helpers/git.js';
import type { TestRepo } from '../helpers/git.js';
import type { CliHarness } from './harness.js';
import { startCliHarness } from './harness.js';

const cm = (value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  key: "${value}"\n`;
const ksRef = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name: 'apps', namespace: 'flux-system' };

describe('reconcile and resume with the real engine', () => {
  let h: CliHarness;
  let repo: TestRepo;
  let server: GitServer;
  let engine: Engine;
  const clock = new ManualClock();

  /** Runs the CLI while moving clock time in steps, so timers inside the engine fire. */
  async function withClock<T>(work: Promise<T>): Promise<T> {
    let done = false;
    const result = work.finally(() => (done = true));
    // Bounded: git over HTTP and the served API are real I/O, given a few ms between clock steps.
    for (let i = 0; i < 3_000 && !done; i++) {
      await settle(5);
      await new Promise((r) => setTimeout(r, 5));
      if (!done) await clock.advanceAsync(250);
    }
    return result;
  }

  beforeAll(async () => {
    repo = makeRepo('app');
    repo.commit({ 'deploy/cm.yaml': cm('one') });
    server = await startGitServer({ root: repo.root });
    h = await startCliHarness({ clock });
    engine = createEngine({ cluster: h.cluster, clock, healthPollMs: 250, randomSeed: () => 0.5 });
    await engine.start();
    await h.cluster.create({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'app', namespace: 'flux-system' }, spec: { url: server.url('app.git'), interval: '10m', ref: { branch: 'main' } } });
    await h.cluster.create({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'apps', namespace: 'flux-system' }, spec: { interval: '10m', path: './deploy', prune: true, sourceRef: { kind: 'GitRepository', name: 'app' } } });
  });
  afterAll(async () => {
    await engine.stop();
    await h.close();
    await server.close();
    repo.dispose();
  });

  it('reconcile kustomization --with-source fetches the new commit and applies it', async () => {
    const first = await withClock(h.run(['resume', 'kustomization', 'apps', '--timeout', '60s']));
    expect(first.code).toBe(0);
    const commit = repo.commit({ 'deploy/cm.yaml': cm('two') });
    const r = await withClock(h.run(['reconcile', 'kustomization', 'apps', '--with-source', '--timeout', '60s']));
    expect(r).toEqual({
      code: 0,
      out: '',
      err: `► annotating GitRepository app in flux-system namespace
✔ GitRepository annotated
◎ waiting for GitRepository reconciliation
✔ fetched revision main@sha1:${commit}
► annotating Kustomization apps in flux-system namespace
✔ Kustomization annotated
◎ waiting for Kustomization reconciliation
✔ applied revision main@sha1:${commit}
`,
    });
    const live = await h.cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'settings', namespace: 'default' });
    expect((live?.data as Record<string, string>).key).toBe('two');
  });

  it('suspend stops reconciliation; resume waits for Ready at the new generation', async () => {
    expect((await h.run(['suspend', 'ks', 'apps'])).code).toBe(0);
    expect((await h.run(['reconcile', 'ks', 'apps'])).err).toBe('✗ resource is suspended\n');
    const r = await withClock(h.run(['resume', 'ks', 'apps', '--timeout', '60s']));
    expect(r.code).toBe(0);
    expect(r.err.split('\n').slice(-3)).toEqual(['✔ Kustomization apps reconciliation completed', expect.stringMatching(/^✔ applied revision main@sha1:[0-9a-f]{40}$/), '']);
    const ks = await h.cluster.get(ksRef);
    expect((ks?.status as { observedGeneration?: number }).observedGeneration).toBe(ks?.metadata.generation);
  });
});
