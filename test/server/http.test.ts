import { afterEach, describe, expect, it } from 'vitest';
import { Metrics } from '../../src/runtime/metrics.js';
import { startOpsServer } from '../../src/server/http.js';
import type { OpsServer, OpsServerOptions } from '../../src/server/http.js';
import { parsePromText, valueOf } from './prom-text.js';

describe('ops server: /healthz, /readyz, /metrics on node:http', () => {
  const servers: OpsServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  const start = async (options: Partial<OpsServerOptions>): Promise<OpsServer> => {
    const server = await startOpsServer({ host: '127.0.0.1', port: 0, healthz: () => true, readyz: () => true, ...options });
    servers.push(server);
    return server;
  };
  const get = async (server: OpsServer, path: string) => {
    const res = await fetch(`${server.url}${path}`);
    return { status: res.status, body: await res.text() };
  };

  it('listens on a free port on 127.0.0.1 when asked for port 0', async () => {
    const a = await start({});
    const b = await start({});
    expect(a.port).toBeGreaterThan(0);
    expect(a.port).not.toBe(b.port);
    expect(a.url).toBe(`http://127.0.0.1:${a.port}`);
  });

  it('flips /healthz and /readyz with their probes: 200 "ok", else 500 with the reason', async () => {
    let healthy = true;
    let ready: boolean | { ok: boolean; reason?: string } = false;
    const server = await start({ healthz: () => healthy, readyz: () => ready });
    expect(await get(server, '/healthz')).toEqual({ status: 200, body: 'ok' });
    expect(await get(server, '/readyz')).toEqual({ status: 500, body: 'readyz check failed\n' });
    ready = true;
    expect(await get(server, '/readyz')).toEqual({ status: 200, body: 'ok' });
    ready = { ok: false, reason: 'not the leader' };
    expect(await get(server, '/readyz')).toEqual({ status: 500, body: 'not the leader\n' });
    healthy = false;
    expect(await get(server, '/healthz')).toEqual({ status: 500, body: 'healthz check failed\n' });
  });

  it('fails a probe that throws or rejects, with its message', async () => {
    const server = await start({
      healthz: () => {
        throw new Error('watch lost');
      },
      readyz: async () => Promise.reject(new Error('cache not synced')),
    });
    expect(await get(server, '/healthz')).toEqual({ status: 500, body: 'healthz check failed: watch lost\n' });
    expect(await get(server, '/readyz')).toEqual({ status: 500, body: 'readyz check failed: cache not synced\n' });
  });

  it('serves /metrics in the Prometheus text format, and 404 for anything else', async () => {
    const metrics = new Metrics();
    metrics.recordSuspend({ kind: 'Kustomization', name: 'apps', namespace: 'flux-system' }, true);
    const server = await start({ metrics });
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(valueOf(parsePromText(await res.text()), 'gotk_suspend_status', { kind: 'Kustomization', name: 'apps', namespace: 'flux-system' })).toBe(1);
    expect((await get(server, '/nope')).status).toBe(404);
    const bare = await start({});
    expect((await get(bare, '/metrics')).status).toBe(404);
    expect((await fetch(`${server.url}/metrics`, { method: 'POST' })).status).toBe(405);
  });
});
