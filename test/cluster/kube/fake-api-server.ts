/**
 * A scriptable stand-in for an API server on 127.0.0.1 (port 0), for the parts of KubeCluster
 * the served simulator cannot provoke on demand: refusals with chosen Status bodies, streams
 * the server closes, 410 Gone. It records every request (method, URL, headers, body); watch
 * requests stay open until the test ends or pushes events into them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface RecordedRequest {
  method: string;
  url: URL;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  status?: number;
  body?: unknown;
  contentType?: string;
}

export interface OpenWatch {
  request: RecordedRequest;
  send(type: string, object: unknown): void;
  /** The server closes the stream (as kube-apiserver does after its watch timeout). */
  end(): void;
  readonly closed: Promise<void>;
}

export type Route = (req: RecordedRequest) => Reply | undefined;

export interface FakeApiServer {
  url: string;
  requests: RecordedRequest[];
  /** Routes tried before the defaults, newest first. */
  route(fn: Route): void;
  /** Resolves with the n-th watch request (1-based), once it is open. */
  watch(n: number): Promise<OpenWatch>;
  /** A kubeconfig file pointing at the server, in a fresh temporary directory. */
  kubeconfigFile(): string;
  close(): Promise<void>;
}

export const coreV1 = {
  kind: 'APIResourceList',
  groupVersion: 'v1',
  resources: [
    { name: 'configmaps', singularName: 'configmap', namespaced: true, kind: 'ConfigMap', verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'], shortNames: ['cm'] },
    { name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs: ['get', 'list'] },
    { name: 'namespaces/status', singularName: '', namespaced: false, kind: 'Namespace', verbs: ['get'] },
    { name: 'events', singularName: 'event', namespaced: true, kind: 'Event', verbs: ['create', 'patch'] },
  ],
};

export const appsV1 = {
  kind: 'APIResourceList',
  groupVersion: 'apps/v1',
  resources: [
    { name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment', verbs: ['get', 'patch'], shortNames: ['deploy'], categories: ['all'] },
    { name: 'deployments/status', singularName: '', namespaced: true, kind: 'Deployment', verbs: ['get', 'patch'] },
    { name: 'deployments/scale', singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch'] },
  ],
};

const defaults: Route = (req) => {
  const p = req.url.pathname;
  if (p === '/api') return { body: { kind: 'APIVersions', versions: ['v1'] } };
  if (p === '/api/v1') return { body: coreV1 };
  if (p === '/apis') return { body: { kind: 'APIGroupList', apiVersion: 'v1', groups: [{ name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } }] } };
  if (p === '/apis/apps/v1') return { body: appsV1 };
  return undefined;
};

export const status = (code: number, reason: string, message: string, details?: Record<string, unknown>): Reply => ({
  status: code,
  body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code, ...(details ? { details } : {}) },
});

export async function startFakeApiServer(): Promise<FakeApiServer> {
  const requests: RecordedRequest[] = [];
  const routes: Route[] = [];
  const watches: OpenWatch[] = [];
  let watchWaiters: { n: number; resolve: (w: OpenWatch) => void }[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const dirs: string[] = [];

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rec: RecordedRequest = { method: req.method ?? 'GET', url: new URL(req.url ?? '/', 'http://127.0.0.1'), headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(rec);
      let reply: Reply | undefined;
      for (const r of routes) if ((reply = r(rec))) break;
      reply ??= defaults(rec);
      if (!reply && rec.url.searchParams.get('watch') === 'true') {
        res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
        res.flushHeaders();
        let resolveClosed: () => void = () => undefined;
        const closed = new Promise<void>((r) => (resolveClosed = r));
        res.on('close', resolveClosed);
        const w: OpenWatch = {
          request: rec,
          send: (type, object) => res.write(`${JSON.stringify({ type, object })}\n`),
          end: () => res.end(),
          closed,
        };
        watches.push(w);
        watchWaiters = watchWaiters.filter((x) => (watches.length >= x.n ? (x.resolve(watches[x.n - 1] as OpenWatch), false) : true));
        return;
      }
      reply ??= status(404, 'NotFound', 'the server could not find the requested resource');
      res.writeHead(reply.status ?? 200, { 'content-type': reply.contentType ?? 'application/json' });
      res.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {}));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    route: (fn) => void routes.unshift(fn),
    watch: (n) => (watches.length >= n ? Promise.resolve(watches[n - 1] as OpenWatch) : new Promise((resolve) => watchWaiters.push({ n, resolve }))),
    kubeconfigFile() {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'fluxion-kube-test-'));
      dirs.push(dir);
      const file = path.join(dir, 'config');
      writeFileSync(
        file,
        [
          'apiVersion: v1',
          'kind: Config',
          'clusters:',
          '- name: fake',
          '  cluster:',
          `    server: ${url}`,
          'users:',
          '- name: tester',
          '  user:',
          '    token: test-token',
          'contexts:',
          '- name: fake',
          '  context:',
          '    cluster: fake',
          '    user: tester',
          'current-context: fake',
          '',
        ].join('\n'),
      );
      return file;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}
