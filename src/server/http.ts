/**
 * The operations endpoint a Flux controller serves (`--metrics-addr`, `--health-addr`), on
 * node:http: `/metrics` in the Prometheus text format, `/healthz` and `/readyz` answering 200
 * "ok" or 500 with the reason.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Metrics } from '../runtime/metrics.js';
import { listen } from './listen.js';
import type { ListeningServer } from './listen.js';

/** A probe: true when healthy; false or `{ ok: false, reason }` when not. May be async; a throw fails it. */
export type Probe = () => boolean | { ok: boolean; reason?: string } | Promise<boolean | { ok: boolean; reason?: string }>;

export interface OpsServerOptions {
  /** Interface to bind (`127.0.0.1` in tests, `0.0.0.0` in a pod). */
  host: string;
  /** 0 picks a free port. */
  port: number;
  metrics?: Metrics;
  healthz: Probe;
  readyz: Probe;
}

export type OpsServer = ListeningServer;

async function probe(check: Probe, name: string): Promise<{ ok: boolean; reason: string }> {
  try {
    const result = await check();
    if (typeof result === 'boolean') return { ok: result, reason: `${name} check failed` };
    return { ok: result.ok, reason: result.reason ?? `${name} check failed` };
  } catch (err) {
    return { ok: false, reason: `${name} check failed: ${(err as Error).message}` };
  }
}

function send(res: ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
}

export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed\n');
    switch (path) {
      case '/metrics':
        if (!options.metrics) return send(res, 404, 'metrics are not enabled\n');
        return send(res, 200, await options.metrics.text(), options.metrics.contentType);
      case '/healthz':
      case '/readyz': {
        const name = path.slice(1);
        const result = await probe(name === 'healthz' ? options.healthz : options.readyz, name);
        return result.ok ? send(res, 200, 'ok') : send(res, 500, `${result.reason}\n`);
      }
      default:
        return send(res, 404, 'not found\n');
    }
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, `${(err as Error).message}\n`);
      else res.destroy();
    });
  });
  return listen(server, options.host, options.port);
}
