/**
 * The bundled example repository (docs/example-repo, laid out as `flux bootstrap` lays a
 * repository out) turned into a real Git repository served over smart HTTP on 127.0.0.1.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGitServer } from '../sources/git/serve.js';
import type { GitServer } from '../sources/git/serve.js';

export interface ExampleRepo {
  server: GitServer;
  url: string;
  /** The working clone (files as committed). */
  workdir: string;
  /** Commits `files` (path → content, null deletes) to main and pushes; returns the commit. */
  commit(files: Record<string, string | null>, message: string): string;
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

/** The URL the bundled gotk-sync.yaml names; replaced by the served one, as a bootstrap would write it. */
export const PLACEHOLDER_URL = 'http://127.0.0.1/example.git';

export async function serveExampleRepo(): Promise<ExampleRepo> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'fluxion-demo-'));
  const work = path.join(root, 'work');
  const server = await startGitServer({ root });
  const url = server.url('example.git');
  cpSync(exampleDir(), work, { recursive: true });
  const sync = path.join(work, 'clusters/demo/flux-system/gotk-sync.yaml');
  writeFileSync(sync, readFileSync(sync, 'utf8').replace(PLACEHOLDER_URL, url));
  git(root, 'init', '-q', '--bare', '-b', 'main', 'example.git');
  git(work, 'init', '-q', '-b', 'main');
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', 'Initial layout');
  git(work, 'push', '-q', path.join(root, 'example.git'), 'main');
  return {
    server,
    url,
    workdir: work,
    commit(files, message) {
      for (const [file, content] of Object.entries(files)) {
        const p = path.join(work, file);
        if (content === null) rmSync(p, { force: true });
        else writeFileSync(p, content);
      }
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
