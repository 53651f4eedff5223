import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ManualClock } from '../../src/api/clock.js';
import type { ReconcileError } from '../../src/api/errors.js';
import { normalize } from '../../src/api/kinds.js';
import type { GitRepository } from '../../src/api/kinds/git-repository.js';
import { ArtifactStorage } from '../../src/sources/artifact/storage.js';
import { checkGitRemote, fetchGitSource, readArchive, storeGitArtifact } from '../../src/sources/git-repository.js';
import type { GitSourceDeps, IncludeSource } from '../../src/sources/git-repository.js';
import type { Credentials } from '../../src/sources/git/refs.js';
import { startGitServer } from '../../src/sources/git/serve.js';
import type { GitServer } from '../../src/sources/git/serve.js';
import { makeRepo } from '../helpers/git.js';
import type { TestRepo } from '../helpers/git.js';

function gitRepository(url: string, spec: Record<string, unknown> = {}, status?: GitRepository['status']): GitRepository {
  const obj = normalize<GitRepository>({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'app', namespace: 'ns' }, spec: { url, interval: '1m', ref: { branch: 'main' }, ...spec } });
  if (status) obj.status = status;
  return obj;
}

/** Runs the three steps, as the machine would. */
async function reconcile(obj: GitRepository, deps: GitSourceDeps, creds?: Credentials, includes: IncludeSource[] = []) {
  const check = await checkGitRemote(obj, creds, includes, deps);
  if (check.unchanged) return { check, stored: undefined, fetched: false };
  const { gitdir, fetched } = await fetchGitSource(obj, check, creds, deps);
  const stored = await storeGitArtifact(obj, check, gitdir, includes, deps);
  return { check, stored, fetched };
}

async function failure(p: Promise<unknown>): Promise<ReconcileError> {
  try {
    await p;
  } catch (err) {
    return err as ReconcileError;
  }
  throw new Error('expected a failure');
}

describe('Git sources against a real git http-backend', () => {
  let repo: TestRepo;
  let tmp: string;
  let deps: GitSourceDeps;
  const servers: GitServer[] = [];
  const serve = async (auth?: Parameters<typeof startGitServer>[0]['auth']): Promise<GitServer> => {
    const s = await startGitServer({ root: repo.root, ...(auth ? { auth } : {}) });
    servers.push(s);
    return s;
  };

  beforeEach(() => {
    repo = makeRepo('app');
    tmp = mkdtempSync(path.join(os.tmpdir(), 'fluxion-gitsrc-'));
    deps = { storage: new ArtifactStorage({ root: path.join(tmp, 'store'), clock: new ManualClock() }), cacheRoot: path.join(tmp, 'cache'), clock: new ManualClock() };
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
    repo.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('authenticates with username/password from the secret, and fails with AuthenticationFailed without', async () => {
    repo.commit({ 'a.yaml': 'a\n' });
    const s = await serve({ username: 'flux', password: 's3cr3t-pass' });
    const obj = gitRepository(s.url('app.git'));
    const denied = await failure(reconcile(obj, deps));
    expect(denied.reason).toBe('AuthenticationFailed');
    expect(denied.message).toContain('HTTP 401');
    const wrong = await failure(reconcile(obj, deps, { username: 'flux', password: 'wrong-s3cr3t' }));
    expect(wrong.reason).toBe('AuthenticationFailed');
    expect(wrong.message).not.toContain('wrong-s3cr3t');
    const ok = await reconcile(obj, deps, { username: 'flux', password: 's3cr3t-pass' });
    expect(ok.stored?.artifact.revision).toMatch(/^main@sha1:[0-9a-f]{40}$/);
  });

  it('authenticates with a bearer token', async () => {
    repo.commit({ 'a.yaml': 'a\n' });
    const s = await serve({ bearerToken: 'tok-123' });
    const obj = gitRepository(s.url('app.git'));
    expect((await failure(reconcile(obj, deps, { bearerToken: 'nope' }))).reason).toBe('AuthenticationFailed');
    expect((await reconcile(obj, deps, { bearerToken: 'tok-123' })).stored).toBeDefined();
  });

  it('reports a missing repository, an unreachable server and a timeout with actionable messages', async () => {
    repo.commit({ 'a.yaml': 'a\n' });
    const s = await serve();
    const missing = await failure(reconcile(gitRepository(s.url('nope.git')), deps));
    expect(missing).toMatchObject({ reason: 'GitOperationFailed' });
    expect(missing.message).toContain('repository not found (HTTP 404)');

    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const unreachable = await failure(reconcile(gitRepository(`http://127.0.0.1:${port}/app.git`), deps));
    expect(unreachable.reason).toBe('GitOperationFailed');
    expect(unreachable.message).toContain('cannot reach the server (ECONNREFUSED)');

    // A server that accepts and never answers: the configured timeout ends the attempt.
    const silent = http.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const slow = await failure(reconcile(gitRepository(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/app.git`, { timeout: '150ms' }), deps));
      expect(slow.reason).toBe('GitOperationFailed');
      expect(slow.message).toContain('timed out after 150ms');
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  it('does no fetch when the stored artifact already has the remote revision, and fetches only new objects after a commit', async () => {
    repo.commit({ 'a.yaml': 'a\n', 'big.txt': 'x'.repeat(200_000) });
    const s = await serve();
    const first = await reconcile(gitRepository(s.url('app.git')), deps);
    expect(first.fetched).toBe(true);
    const status = { artifact: first.stored?.artifact } as GitRepository['status'];
    const posts = s.counts.uploadPack;
    const again = await reconcile(gitRepository(s.url('app.git'), {}, status), deps);
    expect(again.check.unchanged).toBe(true);
    expect(s.counts.uploadPack - posts).toBe(1); // the ls-refs request, no fetch
    const next = repo.commit({ 'a.yaml': 'a2\n' });
    const third = await reconcile(gitRepository(s.url('app.git'), {}, status), deps);
    expect(third.stored?.artifact.revision).toBe(`main@sha1:${next}`);
    const files = await readArchive(await deps.storage.read(third.stored!.artifact));
    expect(files.find((f) => f.path === 'a.yaml')?.content.toString()).toBe('a2\n');
    expect(files.find((f) => f.path === 'big.txt')?.content.length).toBe(200_000);
  });

  it('reads deltified packs correctly: the artifact of a repacked history equals git archive', async () => {
    const body = (i: number, rev: number): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  rev: "${rev}"\n  payload: "${'x'.repeat(300)}"\n`;
    for (let rev = 0; rev < 12; rev++) {
      const files: Record<string, string> = {};
      for (let i = 0; i < 40; i++) if (rev === 0 || i % 3 === rev % 3) files[`apps/cm-${i}.yaml`] = body(i, rev);
      repo.commit(files, `rev ${rev}`);
    }
    execFileSync('git', ['repack', '-adf', '--depth=50', '--window=50', '-q'], { cwd: repo.bare });
    const s = await serve();
    for (const depth of ['shallow', 'full'] as const) {
      const obj = gitRepository(s.url('app.git'), depth === 'full' ? { ref: { branch: 'main', commit: repo.head() } } : {});
      const d = { ...deps, cacheRoot: path.join(tmp, `cache-${depth}`) };
      const result = await reconcile(obj, d);
      const files = (await readArchive(await d.storage.read(result.stored!.artifact))).sort((x, y) => x.path.localeCompare(y.path));
      expect(files).toHaveLength(40);
      for (const f of files) expect(f.content.toString()).toBe(execFileSync('git', ['show', `${repo.head()}:${f.path}`], { cwd: repo.bare }).toString());
    }
  });

  it('reads file:// repositories and plain local directories without a server', async () => {
    const commit = repo.commit({ 'x.yaml': 'x\n' });
    const viaFile = await reconcile(gitRepository(`file://${repo.work}`), deps);
    expect(viaFile.stored?.artifact.revision).toBe(`main@sha1:${commit}`);
    const plain = mkdtempSync(path.join(tmp, 'plain-'));
    execFileSync('sh', ['-c', `mkdir -p ${plain}/apps && echo 'k: v' > ${plain}/apps/c.yaml`]);
    const viaDir = await reconcile(gitRepository(plain), deps);
    expect(viaDir.stored?.artifact.revision).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect((await readArchive(await deps.storage.read(viaDir.stored!.artifact))).map((f) => f.path)).toEqual(['apps/c.yaml']);
  });

  it('merges included repositories under toPath', async () => {
    repo.commit({ 'main.yaml': 'm\n', 'vendor/old.yaml': 'old\n' });
    const lib = makeRepo('lib', repo.root);
    try {
      lib.commit({ 'charts/c/values.yaml': 'v\n', 'other.txt': 'o\n' });
      const s = await serve();
      const libObj = normalize<GitRepository>({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'lib', namespace: 'ns' }, spec: { url: s.url('lib.git'), interval: '1m', ref: { branch: 'main' } } });
      const libStored = await reconcile(libObj, deps);
      const include = { repository: { name: 'lib' }, fromPath: 'charts', toPath: 'vendor' };
      const main = await reconcile(gitRepository(s.url('app.git'), { include: [include] }), deps, undefined, [{ include, artifact: libStored.stored?.artifact }]);
      const paths = (await readArchive(await deps.storage.read(main.stored!.artifact))).map((f) => f.path).sort();
      expect(paths).toEqual(['main.yaml', 'vendor/c/values.yaml']);
      expect(main.stored?.includedArtifacts.map((a) => a.revision)).toEqual([libStored.stored?.artifact.revision]);
      const waiting = await failure(reconcile(gitRepository(s.url('app.git'), { include: [include] }), deps, undefined, [{ include, artifact: undefined }]));
      expect(waiting).toMatchObject({ kind: 'waiting', reason: 'IncludeUnavailable' });
    } finally {
      lib.dispose();
    }
  });

  it('stores exactly the tree `git archive` gives for the resolved commit, through random commits, tags and branch moves', async () => {
    const s = await serve();
    const file = fc.constantFrom('a.yaml', 'dir/b.yaml', 'dir/sub/c.txt', 'd.json');
    const op = fc.oneof(
      fc.record({ op: fc.constant('commit' as const), files: fc.dictionary(file, fc.option(fc.string({ maxLength: 20 }), { nil: null }), { minKeys: 1, maxKeys: 3 }) }),
      fc.record({ op: fc.constant('tag' as const), version: fc.tuple(fc.nat(3), fc.nat(3), fc.nat(3)) }),
      fc.record({ op: fc.constant('move' as const), back: fc.nat(3) }),
    );
    const spec = fc.constantFrom<Record<string, unknown>>({ branch: 'main' }, { branch: 'dev' }, { semver: '>=0.0.0' }, { semver: '<2.0.0' });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 5 }), spec, async (ops, ref) => {
        const r = makeRepo(`p${++run}`, repo.root);
        try {
          r.commit({ 'a.yaml': 'start\n' });
          r.moveBranch('dev', 'HEAD');
          let status: GitRepository['status'];
          for (const o of ops) {
            if (o.op === 'commit') r.commit(o.files);
            else if (o.op === 'tag') r.tag(`v${o.version.join('.')}`);
            else r.moveBranch('dev', `HEAD~${Math.min(o.back, Number(execFileSync('git', ['rev-list', '--count', 'HEAD'], { cwd: r.work }).toString()) - 1)}`);
            const obj = gitRepository(s.url(`${r.name}.git`), { ref }, status);
            let result: Awaited<ReturnType<typeof reconcile>>;
            try {
              result = await reconcile(obj, deps);
            } catch (err) {
              expect((err as ReconcileError).message).toMatch(/no tag matching/);
              continue;
            }
            const commit = result.check.resolved?.commit as string;
            const artifact = result.stored?.artifact ?? status?.artifact;
            expect(artifact?.revision).toBe(result.check.revision);
            const archive = execFileSync('git', ['archive', '--format=tar', commit], { cwd: r.bare });
            const expected = execFileSync('tar', ['-t'], { input: archive }).toString().split('\n').filter((l) => l && !l.endsWith('/')).sort();
            const ours = (await readArchive(await deps.storage.read(artifact!))).sort((x, y) => x.path.localeCompare(y.path));
            expect(ours.map((f) => f.path)).toEqual(expected);
            for (const f of ours) expect(f.content.toString()).toBe(execFileSync('git', ['show', `${commit}:${f.path}`], { cwd: r.bare }).toString());
            status = { artifact };
          }
        } finally {
          rmSync(r.work, { recursive: true, force: true });
        }
      }),
      { numRuns: 12 },
    );
  });
});
