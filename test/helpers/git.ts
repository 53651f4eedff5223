/**
 * Test repositories made with the real `git` CLI: a working clone to commit into and a bare
 * repository served by `startGitServer`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'fluxion test',
  GIT_AUTHOR_EMAIL: 'test@fluxion.invalid',
  GIT_COMMITTER_NAME: 'fluxion test',
  GIT_COMMITTER_EMAIL: 'test@fluxion.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  HOME: os.tmpdir(),
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'init.defaultBranch=main', '-c', 'protocol.version=2', ...args], { cwd, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export interface TestRepo {
  /** The served root holding `<name>.git`. */
  root: string;
  /** Bare repository path. */
  bare: string;
  /** Working clone used to make commits. */
  work: string;
  name: string;
  /** Writes files (path → content; null deletes), commits, pushes to `branch`; returns the commit. */
  commit(files: Record<string, string | null>, message?: string, branch?: string): string;
  tag(name: string, ref?: string, annotated?: boolean): void;
  /** Points `branch` at `ref` and pushes (force). */
  moveBranch(branch: string, ref: string): void;
  head(ref?: string): string;
  dispose(): void;
}

export function makeRepo(name = 'repo', root = mkdtempSync(path.join(os.tmpdir(), 'fluxion-git-'))): TestRepo {
  const bare = path.join(root, `${name}.git`);
  const work = mkdtempSync(path.join(os.tmpdir(), 'fluxion-work-'));
  git(root, 'init', '--bare', '-q', bare);
  git(work, 'init', '-q');
  git(work, 'remote', 'add', 'origin', bare);
  let current = 'main';
  return {
    root,
    bare,
    work,
    name,
    commit(files, message = 'change', branch = 'main') {
      if (branch !== current) {
        try {
          git(work, 'checkout', '-q', branch);
        } catch {
          git(work, 'checkout', '-q', '-b', branch);
        }
        current = branch;
      }
      for (const [file, content] of Object.entries(files)) {
        const p = path.join(work, file);
        if (content === null) rmSync(p, { force: true });
        else {
          mkdirSync(path.dirname(p), { recursive: true });
          writeFileSync(p, content);
        }
      }
      git(work, 'add', '-A');
      git(work, 'commit', '-q', '--allow-empty', '-m', message);
      git(work, 'push', '-q', '--force', 'origin', `HEAD:refs/heads/${branch}`);
      return git(work, 'rev-parse', 'HEAD');
    },
    tag(tagName, ref = 'HEAD', annotated = false) {
      if (annotated) git(work, 'tag', '-f', '-a', tagName, '-m', tagName, ref);
      else git(work, 'tag', '-f', tagName, ref);
      git(work, 'push', '-q', '--force', 'origin', `refs/tags/${tagName}`);
    },
    moveBranch(branch, ref) {
      git(work, 'push', '-q', '--force', 'origin', `${git(work, 'rev-parse', ref)}:refs/heads/${branch}`);
    },
    head(ref = 'HEAD') {
      return git(work, 'rev-parse', ref);
    },
    dispose() {
      rmSync(work, { recursive: true, force: true });
      rmSync(root, { recursive: true, force: true });
    },
  };
}
