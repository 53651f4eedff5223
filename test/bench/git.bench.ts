/**
 * GitRepository fetching against the git CLI, both talking smart HTTP to the same local
 * `git http-backend`: the no-change check, a one-commit incremental fetch, and a cold shallow
 * clone of a repository with ~5,000 files and 100 commits.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../src/api/clock.js';
import { normalize } from '../../src/api/kinds.js';
import type { GitRepository } from '../../src/api/kinds/git-repository.js';
import { ArtifactStorage } from '../../src/sources/artifact/storage.js';
import { checkGitRemote, fetchGitSource, storeGitArtifact } from '../../src/sources/git-repository.js';
import type { GitSourceDeps } from '../../src/sources/git-repository.js';
import { startGitServer } from '../../src/sources/git/serve.js';
import type { Benchmark, BenchFigure } from './types.js';

const FILES = 5000;
const COMMITS = 100;

function git(cwd: string, args: string[], input?: string): string {
  return execFileSync('git', args, { cwd, input, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@x', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@x' } });
}

/** A bare repository made with git fast-import: 5,000 manifests, then 99 commits touching 50 each. */
function generate(bare: string): void {
  git(path.dirname(bare), ['init', '--bare', '-q', '-b', 'main', bare]);
  const lines: string[] = [];
  let mark = 0;
  for (let c = 0; c < COMMITS; c++) {
    lines.push('commit refs/heads/main', `mark :${++mark}`, `committer b <b@x> ${1_700_000_000 + c} +0000`, 'data 8', `commit${String(c).padStart(2, '0')}`);
    if (c > 0) lines.push(`from :${mark - 1}`);
    const touched = c === 0 ? Array.from({ length: FILES }, (_, i) => i) : Array.from({ length: 50 }, (_, i) => (c * 50 + i) % FILES);
    for (const i of touched) {
      const body = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  revision: "${c}"\n  payload: "${'x'.repeat(200)}"\n`;
      lines.push(`M 100644 inline apps/app-${Math.floor(i / 100)}/cm-${i}.yaml`, `data ${Buffer.byteLength(body)}`, body);
    }
    lines.push('');
  }
  git(bare, ['fast-import', '--quiet'], `${lines.join('\n')}\n`);
}

/** The git CLI talking to the in-process server must not block the event loop that serves it. */
const gitAsync = async (cwd: string, args: string[]): Promise<string> => (await promisify(execFile)('git', args, { cwd, maxBuffer: 1 << 30 })).stdout;

function commitOne(bare: string, n: number): void {
  const work = mkdtempSync(path.join(os.tmpdir(), 'fluxion-bench-work-'));
  try {
    git(work, ['clone', '-q', '--depth', '1', bare, '.']);
    git(work, ['-c', 'user.name=b', '-c', 'user.email=b@x', 'commit', '-q', '--allow-empty', '-m', `next ${n}`]);
    execFileSync('sh', ['-c', `echo "change ${n}" > apps/app-0/cm-0.yaml && git add -A && git -c user.name=b -c user.email=b@x commit -q --amend -m "next ${n}" && git push -q origin HEAD:main`], { cwd: work });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const progress = (what: string): void => {
  process.stderr.write(`  git bench: ${what}\n`);
};

async function time<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

async function median(n: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i < n; i++) runs.push((await time(fn)).ms);
  runs.sort((a, b) => a - b);
  return runs[Math.floor(runs.length / 2)] as number;
}

const bench: Benchmark = {
  title: 'GitRepository: fetching against the git CLI',
  async run(): Promise<BenchFigure[]> {
    const root = mkdtempSync(path.join(os.tmpdir(), 'fluxion-bench-git-'));
    try {
      const bare = path.join(root, 'big.git');
      generate(bare);
      progress('repository generated');
      const server = await startGitServer({ root });
      const url = server.url('big.git');
      const clock = new ManualClock();
      const deps: GitSourceDeps = { storage: new ArtifactStorage({ root: path.join(root, 'store'), clock }), cacheRoot: path.join(root, 'cache'), clock };
      const obj = (status?: GitRepository['status']): GitRepository => {
        const o = normalize<GitRepository>({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'big', namespace: 'b' }, spec: { url, interval: '1m', ref: { branch: 'main' } } });
        if (status) o.status = status;
        return o;
      };

      // Cold: shallow fetch into an empty cache (fluxion) vs `git clone --depth 1 --bare` (CLI).
      const cold = await time(async () => {
        const check = await checkGitRemote(obj(), undefined, [], deps);
        return { check, ...(await fetchGitSource(obj(), check, undefined, deps)) };
      });
      progress(`cold fetch ${cold.ms.toFixed(0)} ms`);
      const art = await time(() => storeGitArtifact(obj(), cold.value.check, cold.value.gitdir, [], deps));
      const cliCold = await time(() => gitAsync(root, ['clone', '-q', '--bare', '--depth', '1', '--single-branch', '--branch', 'main', url, path.join(root, 'cli.git')]));
      const status = { artifact: art.value.artifact };
      progress(`artifact ${art.ms.toFixed(0)} ms; CLI clone ${cliCold.ms.toFixed(0)} ms`);

      // No change: ask the remote, compare with the stored artifact (fluxion) vs `git ls-remote` (CLI).
      const noChange = await median(15, async () => {
        const c = await checkGitRemote(obj(status), undefined, [], deps);
        if (!c.unchanged) throw new Error('expected no change');
      });
      const cliNoChange = await median(15, () => gitAsync(root, ['ls-remote', url, 'refs/heads/main']));

      progress(`no-change ${noChange.toFixed(1)} ms vs ${cliNoChange.toFixed(1)} ms`);
      // One new commit: incremental shallow fetch into the existing cache vs `git fetch --depth 1`.
      let inc = 0;
      let cliInc = 0;
      const rounds = 5;
      for (let i = 0; i < rounds; i++) {
        commitOne(bare, i);
        inc += (
          await time(async () => {
            const c = await checkGitRemote(obj(status), undefined, [], deps);
            await fetchGitSource(obj(status), c, undefined, deps);
          })
        ).ms;
        cliInc += (await time(() => gitAsync(path.join(root, 'cli.git'), ['fetch', '-q', '--depth', '1', url, '+refs/heads/main:refs/remotes/origin/main']))).ms;
      }
      await server.close();
      return [
        { name: 'no-change reconcile check (ls-refs + compare), median of 15', value: noChange, unit: 'ms', target: '< 30 ms', peer: { name: 'git ls-remote', value: cliNoChange } },
        { name: 'one-commit incremental fetch (check + shallow fetch), mean of 5', value: inc / rounds, unit: 'ms', target: 'within 2x of the CLI', peer: { name: 'git fetch --depth 1', value: cliInc / rounds } },
        { name: `cold shallow clone, ${FILES} files / ${COMMITS} commits`, value: cold.ms, unit: 'ms', peer: { name: 'git clone --bare --depth 1', value: cliCold.ms } },
        { name: `artifact from the cold clone (read tree, tar.gz, store; ${art.value.files} files)`, value: art.ms, unit: 'ms' },
      ];
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  },
};

export default bench;
