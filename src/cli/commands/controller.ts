import path from 'node:path';
import type { CliCommand, CliIO } from '../command.js';
import { systemClock } from '../../api/clock.js';
import type { Clock } from '../../api/clock.js';
import { formatDuration } from '../../api/duration.js';
import type { Cluster } from '../../cluster/types.js';
import { createManager } from '../../controllers/manager.js';
import { createLogger } from '../../runtime/logging.js';
import type { LogLevel } from '../../runtime/logging.js';
import { Metrics } from '../../runtime/metrics.js';
import { startOpsServer } from '../../server/http.js';
import { startReceiverServer } from '../../server/receiver.js';
import type { ReceiverServer } from '../../server/receiver.js';
import { connectCluster } from '../connect.js';
import { FlagError, flagHelp, parseFlags } from '../flags.js';
import type { FlagSpec, FlagValues } from '../flags.js';

/** `fluxion controller`'s flags: Flux's controller flags, with Flux's defaults. */
export const controllerFlags: Record<string, FlagSpec> = {
  kubeconfig: { type: 'string', env: 'KUBECONFIG', help: 'path to the kubeconfig file (default: in-cluster service account, then ~/.kube/config)' },
  context: { type: 'string', help: 'the kubeconfig context to use' },
  namespace: { type: 'string', env: 'RUNTIME_NAMESPACE', default: 'flux-system', help: "the controller's own namespace: the Lease lives there" },
  'enable-leader-election': { type: 'bool', default: false, help: 'elect a leader with a coordination.k8s.io Lease; only the leader reconciles' },
  'leader-election-lease-duration': { type: 'duration', default: '35s', help: 'how long a standby waits before taking over a Lease that is not renewed' },
  'leader-election-renew-deadline': { type: 'duration', default: '30s', help: 'how long the leader retries renewing before it gives up leading' },
  'leader-election-retry-period': { type: 'duration', default: '5s', help: 'time between attempts to acquire or renew the Lease' },
  'watch-all-namespaces': { type: 'bool', default: true, help: 'watch every namespace; false watches only --namespace' },
  'watch-label-selector': { type: 'string', help: 'reconcile only objects matching this label selector (sharding: sharding.fluxcd.io/key=shard1)' },
  concurrent: { type: 'int', default: 4, help: 'objects of one kind reconciled at the same time' },
  'kube-api-qps': { type: 'float', default: 50, help: 'requests per second to the Kubernetes API (steady state)' },
  'kube-api-burst': { type: 'int', default: 100, help: 'requests to the Kubernetes API allowed in a burst' },
  'storage-path': { type: 'string', help: 'directory for artifacts and Git caches (default: a temporary directory)' },
  'health-addr': { type: 'string', default: ':9440', help: 'address of /healthz and /readyz' },
  'metrics-addr': { type: 'string', default: ':8080', help: 'address of /metrics' },
  'receiver-addr': { type: 'string', default: ':9292', help: "address of the Receivers' webhook endpoint (/hook/<sha256>); empty to serve none" },
  'log-level': { type: 'string', default: 'info', help: 'trace, debug, info, error or silent' },
  'log-encoding': { type: 'string', default: 'json', help: 'json or console' },
};

const usage = `Usage: fluxion controller [flags]

Runs fluxion's controllers (GitRepository, Kustomization…) against the cluster of the kubeconfig,
or the in-cluster service account: what the Deployment made by \`fluxion install\` runs. With
--enable-leader-election every replica campaigns for a Lease and only the leader reconciles; a
standby takes over when the leader stops renewing. The process exits 1 when it loses the lead
(Kubernetes restarts it as a standby) and 0 on SIGTERM, after releasing the Lease.

Flags:
${flagHelp(controllerFlags)}

Examples:
  fluxion controller --kubeconfig ~/.kube/config --enable-leader-election
  fluxion controller --watch-label-selector sharding.fluxcd.io/key=shard1 --metrics-addr :8081
  fluxion sim --serve 0 --kubeconfig sim.yaml & fluxion controller --kubeconfig sim.yaml`;

/** `:8080` → all interfaces; `127.0.0.1:0` → a free port on loopback. */
export function parseAddr(addr: string): { host: string; port: number } {
  const i = addr.lastIndexOf(':');
  if (i < 0) throw new FlagError(`address ${JSON.stringify(addr)}: missing port`);
  const port = Number(addr.slice(i + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new FlagError(`address ${JSON.stringify(addr)}: invalid port`);
  const host = addr.slice(0, i).replace(/^\[|\]$/g, '');
  return { host: host === '' ? '0.0.0.0' : host, port };
}

export interface ControllerRun {
  cluster: Cluster;
  flags: FlagValues;
  io: CliIO;
  clock?: Clock;
  /** Aborting stops the controller gracefully (what SIGTERM does). */
  signal: AbortSignal;
}

/** Runs until `signal` aborts (exit code 0) or leadership is lost (1). */
export async function runController(run: ControllerRun): Promise<number> {
  const { cluster, flags, io } = run;
  const clock = run.clock ?? systemClock;
  const logger = createLogger({
    level: flags['log-level'] as LogLevel,
    encoding: flags['log-encoding'] === 'console' ? 'console' : 'json',
    destination: io.stderr,
    now: () => clock.now(),
  });
  const log = (msg: string, fields: Record<string, unknown> = {}): void => logger.info(fields, msg);
  const metrics = new Metrics();
  const namespace = flags.namespace as string;
  let lost!: () => void;
  const lostLeadership = new Promise<void>((resolve) => (lost = resolve));
  const manager = createManager({
    cluster,
    clock,
    namespace,
    leaderElection: flags['enable-leader-election'] as boolean,
    leaseDurationMs: flags['leader-election-lease-duration'] as number,
    renewDeadlineMs: flags['leader-election-renew-deadline'] as number,
    retryPeriodMs: flags['leader-election-retry-period'] as number,
    concurrency: flags.concurrent as number,
    ...(flags['storage-path'] ? { stateDir: flags['storage-path'] as string } : {}),
    ...(flags['watch-label-selector'] ? { watchLabelSelector: flags['watch-label-selector'] as string } : {}),
    ...(flags['watch-all-namespaces'] ? {} : { watchNamespace: namespace }),
    onLostLeadership: () => lost(),
    metrics,
    logger,
    log,
  });

  const health = parseAddr(flags['health-addr'] as string);
  const metricsAddr = parseAddr(flags['metrics-addr'] as string);
  const servers = [
    await startOpsServer({ ...health, metrics, healthz: () => true, readyz: () => manager.isReady() }),
    ...(metricsAddr.port === health.port && metricsAddr.port !== 0 && metricsAddr.host === health.host
      ? []
      : [await startOpsServer({ ...metricsAddr, metrics, healthz: () => true, readyz: () => manager.isReady() })]),
  ];
  // Only the leader's engine runs Receivers; a standby answers 503, as a not-ready Receiver does.
  let receiverServer: ReceiverServer | undefined;
  if (flags['receiver-addr']) {
    const receiverAddr = parseAddr(flags['receiver-addr'] as string);
    receiverServer = await startReceiverServer({
      ...receiverAddr,
      receive: (path, req) => manager.engine()?.notifications.receive(path, req),
      log: (r) => (r.status === 200 ? log('webhook handled', { path: r.path, annotated: r.annotated }) : logger.error({ path: r.path, status: r.status, error: r.message }, 'webhook refused')),
    });
    log('starting webhook receiver server', { addr: `${receiverAddr.host}:${receiverServer.port}` });
  }
  log('starting health probe server', { healthAddr: `${health.host}:${servers[0]!.port}` });
  log('starting metrics server', { metricsAddr: `${metricsAddr.host}:${servers.at(-1)!.port}` });

  const stopped = new Promise<void>((resolve) => {
    if (run.signal.aborted) resolve();
    else run.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  // Starting needs the API server; keep trying (readyz stays false) until it answers or we stop.
  let backoff = 1000;
  for (;;) {
    try {
      await manager.start();
      break;
    } catch (err) {
      logger.error({ error: err instanceof Error ? err.message : String(err), retryIn: formatDuration(backoff) }, 'unable to reach the API server, retrying');
      const wait = new Promise<void>((resolve) => clock.setTimeout(resolve, backoff));
      backoff = Math.min(backoff * 2, 30_000);
      if ((await Promise.race([wait.then(() => 'retry'), stopped.then(() => 'stop')])) === 'stop') break;
    }
  }
  log('started', { identity: manager.identity, leaderElection: flags['enable-leader-election'] });
  const outcome = await Promise.race([stopped.then(() => 'stopped' as const), lostLeadership.then(() => 'lost' as const)]);
  if (outcome === 'lost') logger.error({ identity: manager.identity }, 'leader election lost');
  else log('shutting down');
  await manager.stop();
  for (const s of servers) await s.close();
  await receiverServer?.close();
  return outcome === 'lost' ? 1 : 0;
}

export const controllerCommand: CliCommand = {
  name: 'controller',
  summary: "Run fluxion's controllers against a Kubernetes cluster (in-cluster mode)",
  usage,
  async run(argv, io) {
    let flags: FlagValues;
    try {
      ({ values: flags } = parseFlags(argv, controllerFlags, io.env));
    } catch (err) {
      io.stderr.write(`fluxion controller: ${(err as Error).message}\n`);
      return 1;
    }
    let cluster: Cluster;
    try {
      cluster = await connectCluster({
        ...(flags.kubeconfig ? { kubeconfig: path.resolve(io.cwd, flags.kubeconfig as string) } : {}),
        ...(flags.context ? { context: flags.context as string } : {}),
        qps: flags['kube-api-qps'] as number,
        burst: flags['kube-api-burst'] as number,
        env: io.env,
      });
    } catch (err) {
      io.stderr.write(`fluxion controller: ${(err as Error).message}\n`);
      return 1;
    }
    const abort = new AbortController();
    const onSignal = (): void => abort.abort();
    const external = io.signal;
    external?.addEventListener('abort', onSignal, { once: true });
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    try {
      return await runController({ cluster, flags, io, signal: abort.signal });
    } finally {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      external?.removeEventListener('abort', onSignal);
    }
  },
};
