/** Running the real `helm` 3.17.2 binary (test oracle) and reading its output. */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { oracles } from '../../helpers/oracles.js';

const run = promisify(execFile);

export const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/charts');
export const PODINFO = '/work/shared/conformance/helm/podinfo-6.14.1/charts/podinfo';

export interface HelmRun {
  stdout: string;
  stderr: string;
  code: number;
}

/** `helm ARGS…` with an isolated HOME/config, never touching a cluster. */
export async function helm(args: string[], cwd?: string): Promise<HelmRun> {
  const { helm: bin } = await oracles();
  const env = { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), HELM_CACHE_HOME: path.join(os.tmpdir(), 'fluxion-helm-cache'), HELM_CONFIG_HOME: path.join(os.tmpdir(), 'fluxion-helm-config'), HELM_DATA_HOME: path.join(os.tmpdir(), 'fluxion-helm-data'), KUBECONFIG: '/dev/null' };
  try {
    const r = await run(bin, args, { cwd, env, maxBuffer: 1 << 28 });
    return { stdout: r.stdout, stderr: r.stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; code?: number };
    return { stdout: err.stdout ?? '', stderr: err.stderr ?? '', code: typeof err.code === 'number' ? err.code : 1 };
  }
}

/** A temporary directory, removed by the returned cleanup. */
export async function tempDir(prefix = 'fluxion-helm-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Copies a chart into `dir` and adds extra files (relative path → text). */
export async function chartCopy(src: string, dir: string, extra: Record<string, string> = {}): Promise<string> {
  const dest = path.join(dir, path.basename(src));
  await cp(src, dest, { recursive: true });
  for (const [rel, text] of Object.entries(extra)) {
    await mkdir(path.dirname(path.join(dest, rel)), { recursive: true });
    await writeFile(path.join(dest, rel), text);
  }
  return dest;
}

/** Documents of `helm template` output: `# Source:` path and body, in order. */
export function documents(out: string): { source: string; body: string }[] {
  return out
    .split(/^---$/m)
    .map((d) => d.replace(/^\n/, ''))
    .filter((d) => d.trim() !== '')
    .map((d) => {
      const m = /^# Source: (.*)\n?/.exec(d);
      return { source: m?.[1] ?? '', body: m ? d.slice(m[0].length) : d };
    });
}

/** JSON with bigints as numbers (how helm's toJson prints ints). */
export function jsonable(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x)) ?? 'null');
}
