/** Runs the real `kubectl kustomize` (kustomize v5.5.0) as the oracle. */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { oracles } from '../helpers/oracles.js';

export interface OracleResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

export async function kubectlKustomize(dir: string, extra: string[] = []): Promise<OracleResult> {
  const { kubectl } = await oracles();
  return new Promise((resolve) => {
    execFile(kubectl, ['kustomize', ...extra, dir], { maxBuffer: 1 << 28 }, (err, stdout, stderr) => {
      resolve({ ok: !err, stdout, stderr });
    });
  });
}

/** Writes a file tree into a fresh temp directory and returns its path. */
export async function writeTree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'fluxion-kz-'));
  for (const [p, c] of Object.entries(files)) {
    const abs = path.join(root, p);
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, c);
  }
  return root;
}
