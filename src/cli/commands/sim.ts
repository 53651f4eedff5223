import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CliCommand, CliIO } from '../command.js';
import { settle } from '../../api/clock.js';
import { parseDuration } from '../../api/duration.js';
import type { KubeObject } from '../../api/meta.js';
import { serveCluster } from '../../cluster/http/index.js';
import type { ServedCluster } from '../../cluster/http/index.js';
import { createSimulator } from '../../sim/simulator.js';
import { readManifests } from '../../sim/manifests.js';
import { allReady, report } from '../../sim/readiness.js';
import type { ObjectReport } from '../../sim/readiness.js';

const usage = `Usage: fluxion sim [flags] [MANIFESTS...]

Starts the embedded simulator (an in-memory cluster with the Flux CRDs and fluxion's
controllers), applies MANIFESTS (files or directories of YAML: Flux objects and anything else),
and runs.

Flags:
  --until-ready           exit 0 once every Flux object is Ready (printing what was applied),
                          1 as soon as one is Stalled or when --timeout passes (printing why)
  --timeout DUR           Go duration for --until-ready (default 5m)
  --repo DIR              treat the local checkout DIR as the flux-system GitRepository, as
                          'flux bootstrap' lays it out (the files on disk, uncommitted included)
  --path PATH             with --repo: the cluster directory to apply, e.g. clusters/production
  --branch NAME           with --repo: the branch the repository's own GitRepository names (main)
  --source URL=LOCATION   fetch a GitRepository from LOCATION (URL, file:// URL or directory),
                          a HelmRepository from LOCATION (a local chart repository URL), an
                          OCIRepository from LOCATION (oci://HOST/PATH, http://HOST/PATH for a
                          plain-HTTP registry), or a Bucket from LOCATION (http(s)://HOST:PORT,
                          keyed by its endpoint) instead of URL (or NAMESPACE/NAME=LOCATION);
                          repeatable
  --serve PORT            serve the simulator as a Kubernetes API on http://127.0.0.1:PORT
                          (0 picks a free port) for kubectl, k9s and fluxion; runs until
                          SIGINT/SIGTERM (or, with --until-ready, until ready)
  --kubeconfig FILE       with --serve: write a kubeconfig for the served API to FILE

Examples:
  fluxion sim --repo . --path clusters/production --until-ready
  fluxion sim --until-ready ./flux-objects/ ./crds.yaml
  fluxion sim --source https://github.com/org/apps=../apps --repo . --path clusters/dev --until-ready
  fluxion sim --serve 0 --kubeconfig /tmp/sim.kubeconfig ./flux-objects/ && kubectl --kubeconfig /tmp/sim.kubeconfig get ks -A`;

function flags(argv: string[]): { opts: Map<string, string[]>; rest: string[]; error?: string } {
  const opts = new Map<string, string[]>();
  const rest: string[] = [];
  const valued = new Set(['--timeout', '--repo', '--path', '--branch', '--source', '--serve', '--kubeconfig']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--until-ready') opts.set(a, ['true']);
    else if (valued.has(a.split('=')[0] as string)) {
      const [name, inline] = a.includes('=') && a.startsWith('--') && valued.has(a.slice(0, a.indexOf('='))) ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, argv[++i]];
      if (inline === undefined) return { opts, rest, error: `${name} needs a value` };
      opts.set(name as string, [...(opts.get(name as string) ?? []), inline]);
    } else if (a.startsWith('--')) return { opts, rest, error: `unknown flag ${a}` };
    else rest.push(a);
  }
  return { opts, rest };
}

function printTree(io: CliIO, reports: readonly ObjectReport[]): void {
  for (const r of reports) {
    io.stdout.write(`${r.kind}/${r.namespace}/${r.name}  Ready=${r.ready}  ${r.reason}  ${r.message}\n`);
    for (const id of r.inventory) io.stdout.write(`  └ ${id}\n`);
  }
}

export const simCommand: CliCommand = {
  name: 'sim',
  summary: 'Run Flux objects on the embedded simulator, offline',
  usage,
  async run(argv, io) {
    const { opts, rest, error } = flags(argv);
    if (error) {
      io.stderr.write(`fluxion sim: ${error}\n`);
      return 1;
    }
    const servePort = opts.get('--serve')?.[0];
    const kubeconfigFile = opts.get('--kubeconfig')?.[0];
    if (kubeconfigFile !== undefined && servePort === undefined) {
      io.stderr.write('fluxion sim: --kubeconfig needs --serve PORT\n');
      return 1;
    }
    if (servePort !== undefined && !(/^\d+$/.test(servePort) && Number(servePort) <= 65535)) {
      io.stderr.write(`fluxion sim: --serve wants a port number (0 for any free port), got "${servePort}"\n`);
      return 1;
    }
    const overrides: Record<string, string> = {};
    for (const s of opts.get('--source') ?? []) {
      const i = s.lastIndexOf('=');
      if (i <= 0) {
        io.stderr.write(`fluxion sim: --source wants URL=LOCATION, got "${s}"\n`);
        return 1;
      }
      const loc = s.slice(i + 1);
      overrides[s.slice(0, i)] = /^[a-z]+:\/\//.test(loc) ? loc : path.resolve(io.cwd, loc);
    }
    let timeoutMs: number;
    try {
      timeoutMs = parseDuration(opts.get('--timeout')?.[0] ?? '5m');
    } catch (err) {
      io.stderr.write(`fluxion sim: --timeout: ${(err as Error).message}\n`);
      return 1;
    }
    const repo = opts.get('--repo')?.[0];
    const clusterPath = opts.get('--path')?.[0];
    if (repo && !clusterPath) {
      io.stderr.write('fluxion sim: --repo needs --path (the cluster directory, e.g. clusters/production)\n');
      return 1;
    }
    const objects: KubeObject[] = [];
    try {
      objects.push(...(await readManifests(rest.map((p) => path.resolve(io.cwd, p)))));
    } catch (err) {
      io.stderr.write(`fluxion sim: ${(err as Error).message}\n`);
      return 1;
    }
    if (repo) {
      const dir = path.resolve(io.cwd, repo);
      if (!existsSync(path.join(dir, clusterPath as string))) {
        io.stderr.write(`fluxion sim: ${path.join(repo, clusterPath as string)} does not exist\n`);
        return 1;
      }
      let branch = opts.get('--branch')?.[0];
      try {
        branch ??= execFileSync('git', ['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      } catch {
        branch ??= 'main';
      }
      overrides['flux-system/flux-system'] = dir;
      objects.push(
        { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'flux-system', namespace: 'flux-system' }, spec: { interval: '1m0s', ref: { branch }, url: `file://${dir}` } },
        { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'flux-system', namespace: 'flux-system' }, spec: { interval: '10m0s', path: `./${clusterPath}`, prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' } } },
      );
    }
    if (objects.length === 0 && servePort === undefined) {
      io.stderr.write('fluxion sim: nothing to run: give manifests or --repo DIR --path PATH\n');
      return 1;
    }
    const errors: string[] = [];
    const sim = createSimulator({ sourceOverrides: overrides, onError: (m) => errors.push(m) });
    const started = Date.now();
    await sim.start();
    let served: ServedCluster | undefined;
    let stopRequested = false;
    const onSignal = (): void => {
      stopRequested = true;
    };
    try {
      if (servePort !== undefined) {
        served = await serveCluster(sim.cluster, { port: Number(servePort) });
        if (kubeconfigFile) await served.writeKubeconfig(path.resolve(io.cwd, kubeconfigFile));
        io.stdout.write(`serving the Kubernetes API at ${served.url}${kubeconfigFile ? ` (kubeconfig: ${kubeconfigFile})` : ''}\n`);
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
      }
      // Namespaces and CRDs first, then the rest, as kubectl apply would need them.
      const first = objects.filter((o) => o.kind === 'Namespace' || o.kind === 'CustomResourceDefinition');
      for (const o of [...first, ...objects.filter((o) => !first.includes(o))]) {
        try {
          await sim.cluster.apply(o, { fieldManager: 'fluxion-sim', force: true });
        } catch (err) {
          io.stderr.write(`fluxion sim: applying ${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}: ${(err as Error).message}\n`);
          return 1;
        }
      }
      io.stdout.write(`applied ${objects.length} objects; reconciling…\n`);
      const deadline = Date.now() + timeoutMs;
      let last = '';
      for (;;) {
        if (stopRequested || (served && io.signal?.aborted)) return 0;
        const reports = await report(sim.cluster);
        const line = reports.map((r) => `${r.kind}/${r.name}=${r.ready}`).join(' ');
        if (!opts.has('--until-ready') && line !== last) {
          io.stdout.write(`${new Date().toISOString()} ${line}\n`);
          last = line;
        }
        if (opts.has('--until-ready')) {
          const stalled = reports.filter((r) => r.stalled);
          if (stalled.length) {
            io.stdout.write('stalled:\n');
            printTree(io, stalled);
            return 1;
          }
          if (allReady(reports)) {
            await settle(20);
            const again = await report(sim.cluster);
            if (allReady(again) && again.length === reports.length) {
              printTree(io, again);
              io.stdout.write(`all ${again.length} Flux objects Ready in ${((Date.now() - started) / 1000).toFixed(2)} s\n`);
              return 0;
            }
          }
          if (Date.now() > deadline) {
            io.stdout.write(`timed out after ${opts.get('--timeout')?.[0] ?? '5m'}; not Ready:\n`);
            printTree(io, reports.filter((r) => r.ready !== 'True' || !r.current));
            return 1;
          }
        }
        await new Promise<void>((r) => setTimeout(r, 25));
      }
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await served?.close();
      await sim.stop();
      void errors;
    }
  },
};
