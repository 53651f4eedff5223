/**
 * Test harness: a MemoryCluster served on a free port, a kubeconfig in a fresh temp dir, and
 * the pinned real `kubectl` (1.32.3, from the test oracles) run as an async child process, so
 * the in-process server keeps answering while kubectl runs.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fluxCrds } from '../../../src/api/crds.js';
import type { MemoryClusterOptions } from '../../../src/cluster/memory/index.js';
import { MemoryCluster } from '../../../src/cluster/memory/index.js';
import type { ServedCluster } from '../../../src/cluster/http/index.js';
import { serveCluster } from '../../../src/cluster/http/index.js';
import { oracles } from '../../helpers/oracles.js';

export interface KubectlResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Harness {
  cluster: MemoryCluster;
  served: ServedCluster;
  dir: string;
  /** Runs kubectl against the server; resolves when it exits (never throws on exit codes). */
  kubectl(args: string[], stdin?: string): Promise<KubectlResult>;
  /** Starts a long-running kubectl (`get -w`, `wait`) and returns the child. */
  spawnKubectl(args: string[]): Running;
  close(): Promise<void>;
}

export async function startHarness(options: MemoryClusterOptions = {}): Promise<Harness> {
  const { kubectl: bin } = await oracles();
  const cluster = new MemoryCluster({ crds: fluxCrds(), ...options });
  const served = await serveCluster(cluster, { port: 0 });
  const dir = await mkdtemp(path.join(tmpdir(), 'fluxion-http-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  await served.writeKubeconfig(kubeconfig);
  const children = new Set<ChildProcessWithoutNullStreams>();
  const spawnKubectl = (args: string[]): ChildProcessWithoutNullStreams => {
    const child = spawn(bin, ['--kubeconfig', kubeconfig, '--cache-dir', path.join(dir, 'cache'), ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: dir },
      stdio: 'pipe',
    });
    children.add(child);
    child.on('exit', () => children.delete(child));
    return child;
  };
  return {
    cluster,
    served,
    dir,
    spawnKubectl: (args) => running(spawnKubectl(args)),
    kubectl(args, stdin) {
      const child = spawnKubectl(args);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdin.end(stdin ?? '');
      return new Promise((resolve, reject) => {
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    },
    async close() {
      for (const c of children) c.kill('SIGKILL');
      await served.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface Running {
  child: ChildProcessWithoutNullStreams;
  /** Everything written to stdout so far. */
  readonly stdout: string;
  /**
   * Resolves with stdout once `pattern` matches it (event-driven: checked on each chunk);
   * rejects if kubectl exits first or after `ms`.
   */
  until(pattern: RegExp, ms?: number): Promise<string>;
}

/** Wraps a spawned kubectl to collect its stdout and wait on it. */
export function running(child: ChildProcessWithoutNullStreams): Running {
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    for (const w of [...waiters]) w();
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let exited = false;
  child.on('exit', () => {
    exited = true;
    for (const w of [...waiters]) w();
  });
  return {
    child,
    get stdout() {
      return stdout;
    },
    until(pattern, ms = 20_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (pattern.test(stdout)) finish();
          else if (exited) finish(new Error(`kubectl exited before ${pattern} appeared; stdout:\n${stdout}\nstderr:\n${stderr}`));
        };
        const finish = (err?: Error): void => {
          clearTimeout(timer);
          waiters.delete(check);
          if (err) reject(err);
          else resolve(stdout);
        };
        const timer = setTimeout(() => finish(new Error(`${pattern} did not appear within ${ms} ms; stdout:\n${stdout}\nstderr:\n${stderr}`)), ms);
        waiters.add(check);
        check();
      });
    },
  };
}
