/**
 * A served simulator for CLI golden tests: a MemoryCluster with the Flux CRDs and the
 * flux-system namespace, served on a free 127.0.0.1 port, a kubeconfig in a fresh temp dir,
 * and `fluxion` run in-process against it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Clock } from '../../src/api/clock.js';
import { fluxCrds } from '../../src/api/crds.js';
import type { KubeObject } from '../../src/api/meta.js';
import { MemoryCluster } from '../../src/cluster/memory/index.js';
import { serveCluster } from '../../src/cluster/http/index.js';
import type { ServedCluster } from '../../src/cluster/http/index.js';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { runFluxion } from '../helpers/cli.js';
import type { CliResult } from '../helpers/cli.js';

export interface CliHarness {
  cluster: MemoryCluster;
  served: ServedCluster;
  dir: string;
  kubeconfig: string;
  /** Runs `fluxion ARGS --kubeconfig FILE`. */
  run(args: string[], options?: { signal?: AbortSignal; env?: NodeJS.ProcessEnv }): Promise<CliResult>;
  /** Creates an object, then writes its status (as a controller would). */
  seed(obj: KubeObject, status?: Record<string, unknown>): Promise<KubeObject>;
  close(): Promise<void>;
}

export async function startCliHarness(options: { clock?: Clock } = {}): Promise<CliHarness> {
  const cluster = new MemoryCluster({ crds: fluxCrds(), ...(options.clock ? { clock: options.clock } : {}) });
  await cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
  const served = await serveCluster(cluster, { port: 0 });
  const dir = await mkdtemp(path.join(tmpdir(), 'fluxion-cli-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  await served.writeKubeconfig(kubeconfig);
  return {
    cluster,
    served,
    dir,
    kubeconfig,
    run: (args, o = {}) => runFluxion([...args, '--kubeconfig', kubeconfig], { cwd: dir, env: o.env ?? { HOME: dir }, ...(o.signal ? { signal: o.signal } : {}) }),
    async seed(obj, status) {
      const created = await cluster.create(obj);
      if (!status) return created;
      return cluster.updateStatus({ ...created, status: { observedGeneration: created.metadata.generation, ...status } });
    },
    async close() {
      await served.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A Ready (or not) condition as Flux's controllers write it. */
export function cond(type: string, status: 'True' | 'False' | 'Unknown', reason: string, message: string, generation = 1): Record<string, unknown> {
  return { type, status, reason, message, lastTransitionTime: '2026-11-01T10:00:00Z', observedGeneration: generation };
}

/** Ages change with the wall clock: table cells that are one (`5s`, `3m20s`) become `AGE`, padding kept. */
export function normaliseAges(s: string): string {
  return s
    .split('\n')
    .map((line) => line.split('\t').map((cell) => cell.replace(/^(\d+[smhdy])+( +|$)/, (_m, _a, pad: string) => `AGE${pad}`)).join('\t'))
    .join('\n');
}

/** Runs `fluxion ARGS` in-process and lets the test read its output while it runs (watches). */
export function startFluxion(args: string[], env: NodeJS.ProcessEnv = {}): { out(): string; err(): string; until(re: RegExp): Promise<void>; stop(): Promise<number> } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  stdout.on('data', (c: Buffer) => {
    out += c.toString();
    for (const w of [...waiters]) w();
  });
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const ac = new AbortController();
  const done = main(args, { stdout, stderr, cwd: process.cwd(), env, signal: ac.signal });
  return {
    out: () => out,
    err: () => err,
    until: (re) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${re} not printed; stdout:\n${out}\nstderr:\n${err}`)), 20_000);
        const check = (): void => {
          if (!re.test(out)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      }),
    async stop() {
      ac.abort();
      return done;
    },
  };
}
