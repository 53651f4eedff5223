import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, settle } from '../../src/api/clock.js';
import { fluxCrds } from '../../src/api/crds.js';
import type { KubeObject } from '../../src/api/meta.js';
import { MemoryCluster } from '../../src/cluster/memory/index.js';
import { gitRepositoryController } from '../../src/controllers/git-repository.js';
import { createController } from '../../src/controllers/controller.js';
import { Supervisor } from '../../src/runtime/supervisor.js';
import { ArtifactStorage } from '../../src/sources/artifact/storage.js';
import { readArchive } from '../../src/sources/git-repository.js';
import { startGitServer } from '../../src/sources/git/serve.js';
import type { GitServer } from '../../src/sources/git/serve.js';
import { lifecycleMachine } from '../../machines/index.js';
import { makeRepo } from '../helpers/git.js';
import { until } from '../helpers/until.js';
import type { TestRepo } from '../helpers/git.js';

const ref = (name = 'app') => ({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', name, namespace: 'flux-system' });
type Status = { artifact?: { revision: string; digest: string; path: string; url: string; size: number }; conditions?: { type: string; status: string; reason: string; message: string }[]; observedGeneration?: number };

describe('GitRepository controller against a real git http-backend', () => {
  let repo: TestRepo;
  let server: GitServer;
  let tmp: string;
  let clock: ManualClock;
  let cluster: MemoryCluster;
  let storage: ArtifactStorage;
  let supervisor: Supervisor;
  const revisions: string[] = [];

  beforeEach(async () => {
    repo = makeRepo('app');
    server = await startGitServer({ root: repo.root });
    tmp = mkdtempSync(path.join(os.tmpdir(), 'fluxion-src-'));
    clock = new ManualClock();
    cluster = new MemoryCluster({ clock, crds: fluxCrds() });
    await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
    storage = new ArtifactStorage({ root: path.join(tmp, 'artifacts'), clock });
    revisions.length = 0;
    // A Kustomization stand-in that records every source.revisionChanged it receives.
    const listener = createController(
      {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        machine: lifecycleMachine,
        reportingController: 'kustomize-controller',
        isSource: false,
        steps: {
          reconcile: async () => {
            const src = await cluster.get(ref());
            const rev = (src?.status as Status | undefined)?.artifact?.revision ?? 'none';
            revisions.push(rev);
            return { revision: rev };
          },
        },
      },
      { cluster, clock, random: () => 0.5 },
    );
    supervisor = new Supervisor({ cluster, clock, random: () => 0.5, registrations: [gitRepositoryController({ storage, cacheRoot: path.join(tmp, 'cache') }, { cluster, clock, random: () => 0.5 }), listener] });
    await supervisor.start();
  });

  afterEach(async () => {
    await supervisor.stop();
    await server.close();
    repo.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  const status = async (name = 'app'): Promise<Status> => ((await cluster.get(ref(name)))?.status ?? {}) as Status;
  const ready = async (name = 'app') => (await status(name)).conditions?.find((c) => c.type === 'Ready');

  const gitRepo = (spec: Record<string, unknown> = {}, name = 'app'): KubeObject => ({
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { name, namespace: 'flux-system' },
    spec: { url: server.url('app.git'), interval: '1m', ref: { branch: 'main' }, ...spec },
  });

  it('stores an artifact of the branch head, with Flux revision, digest and conditions, and tells referrers', async () => {
    const commit = repo.commit({ 'deploy/app.yaml': 'kind: ConfigMap\n', 'README.md': '# app\n', 'logo.png': 'png' });
    await cluster.create(gitRepo());
    await cluster.create({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'app', namespace: 'flux-system' }, spec: { interval: '10m', prune: true, sourceRef: { kind: 'GitRepository', name: 'app' } } });
    await until(async () => (await ready())?.status === 'True' && revisions.includes(`main@sha1:${commit}`));
    const st = await status();
    expect(st.artifact).toMatchObject({ revision: `main@sha1:${commit}`, path: `gitrepository/flux-system/app/${commit}.tar.gz`, url: `http://source-controller.flux-system.svc.cluster.local./gitrepository/flux-system/app/${commit}.tar.gz` });
    expect(st.artifact?.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await ready()).toMatchObject({ reason: 'Succeeded', message: `stored artifact for revision 'main@sha1:${commit}'` });
    expect(st.conditions?.find((c) => c.type === 'ArtifactInStorage')).toMatchObject({ status: 'True' });
    const files = await readArchive(await storage.read(st.artifact as never));
    // Flux's default exclusions drop images; .git is never there.
    expect(files.map((f) => f.path).sort()).toEqual(['README.md', 'deploy/app.yaml']);
  });

  it('does not clone when the remote revision is unchanged, and fetches a new commit on request', async () => {
    repo.commit({ 'a.yaml': 'a: 1\n' });
    await cluster.create(gitRepo());
    await until(async () => (await ready())?.status === 'True');
    const fetchesAfterFirst = server.counts.uploadPack;
    const artifactBefore = (await status()).artifact;
    expect(fetchesAfterFirst).toBeGreaterThan(0);
    // The interval passes: the remote is asked for its refs, nothing is fetched.
    await clock.advanceAsync(60_000);
    await until(async () => server.counts.infoRefs >= 2 || server.counts.uploadPack >= fetchesAfterFirst + 1);
    await settle(20);
    const refsChecks = server.counts.uploadPack;
    // listServerRefs (protocol v2) is one upload-pack POST; a fetch would add more.
    expect(refsChecks - fetchesAfterFirst).toBeLessThanOrEqual(1);
    // Nor is the artifact made again: same file, same lastUpdateTime.
    await until(async () => (await ready())?.status === 'True');
    expect((await status()).artifact).toEqual(artifactBefore);
    const second = repo.commit({ 'a.yaml': 'a: 2\n' });
    await cluster.patch(ref(), { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': 'now' } } }, 'merge');
    await until(async () => (await status()).artifact?.revision === `main@sha1:${second}`);
    expect((await cluster.get(ref()))?.status).toMatchObject({ lastHandledReconcileAt: 'now' });
  });

  it('keeps the last good artifact when the ref disappears, and reports why', async () => {
    const commit = repo.commit({ 'a.yaml': 'a: 1\n' });
    await cluster.create(gitRepo());
    await until(async () => (await ready())?.status === 'True');
    await cluster.patch(ref(), { spec: { ref: { branch: 'nope' } } }, 'merge');
    await until(async () => (await ready())?.status === 'False');
    expect(await ready()).toMatchObject({ reason: 'GitOperationFailed', message: "branch 'nope' not found in the remote repository" });
    expect((await status()).artifact?.revision).toBe(`main@sha1:${commit}`);
    expect((await status()).conditions?.find((c) => c.type === 'FetchFailed')).toMatchObject({ status: 'True', reason: 'GitOperationFailed' });
  });

  it('reports an SSH URL as Stalled with the HTTPS alternative', async () => {
    await cluster.create(gitRepo({ url: 'ssh://git@github.com/org/repo' }));
    await until(async () => (await ready())?.status === 'False');
    const st = await status();
    expect(st.conditions?.find((c) => c.type === 'Stalled')).toMatchObject({ status: 'True', reason: 'URLInvalid' });
    expect((await ready())?.message).toContain('https://');
  });
});

describe('tarball of a commit equals git archive', () => {
  it('for the files Flux keeps', async () => {
    const repo = makeRepo('x');
    try {
      const commit = repo.commit({ 'a/b/c.yaml': 'c\n', 'x.txt': 'x\n', 'run.sh': '#!/bin/sh\n' });
      const archive = execFileSync('git', ['archive', '--format=tar', commit], { cwd: repo.bare });
      const listed = execFileSync('tar', ['-t'], { input: archive }).toString().split('\n').filter((l) => l && !l.endsWith('/')).sort();
      expect(listed).toEqual(['a/b/c.yaml', 'run.sh', 'x.txt']);
    } finally {
      repo.dispose();
    }
  });
});
