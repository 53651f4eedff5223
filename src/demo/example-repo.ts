/**
 * The bundled example repository (docs/example-repo, laid out as `flux bootstrap` lays a
 * repository out) turned into a real Git repository served over smart HTTP on 127.0.0.1.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGitServer } from '../sources/git/serve.js';
import type { GitServer } from '../sources/git/serve.js';

export interface ExampleRepo {
  server: GitServer;
  url: string;
  /** Commits `files` (path → content) to main and pushes; returns the commit. */
  commit(files: Record<string, string>, message: string): string;
  close(): Promise<void>;
}

function exampleDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'docs', 'example-repo');
    try {
      execFileSync('test', ['-d', candidate]);
      return candidate;
    } catch {
      dir = path.dirname(dir);
    }
  }
  throw new Error('docs/example-repo not found next to the fluxion package');
}

const env = { ...process.env, GIT_AUTHOR_NAME: 'fluxion demo', GIT_AUTHOR_EMAIL: 'demo@fluxion.invalid', GIT_COMMITTER_NAME: 'fluxion demo', GIT_COMMITTER_EMAIL: 'demo@fluxion.invalid' };
const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

export async function serveExampleRepo(): Promise<ExampleRepo> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'fluxion-demo-'));
  const work = path.join(root, 'work');
  cpSync(exampleDir(), work, { recursive: true });
  git(root, 'init', '-q', '--bare', '-b', 'main', 'example.git');
  git(work, 'init', '-q', '-b', 'main');
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', 'Initial layout');
  git(work, 'push', '-q', path.join(root, 'example.git'), 'main');
  const server = await startGitServer({ root });
  return {
    server,
    url: server.url('example.git'),
    commit(files, message) {
      for (const [file, content] of Object.entries(files)) writeFileSync(path.join(work, file), content);
      git(work, 'add', '-A');
      git(work, 'commit', '-q', '-m', message);
      git(work, 'push', '-q', path.join(root, 'example.git'), 'main');
      return git(work, 'rev-parse', 'HEAD');
    },
    async close() {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
