/**
 * Serves a MemoryCluster as a Kubernetes API server over plain HTTP on 127.0.0.1, so kubectl,
 * client-node and k9s can talk to the simulator with a kubeconfig. Any bearer token is
 * accepted; impersonation headers are accepted and ignored (the simulator has no RBAC).
 */
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError } from '../errors.js';
import type { MemoryCluster } from '../memory/memory-cluster.js';
import { AGGREGATED_V2, aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions, wantsAggregated } from './discovery.js';
import { kubeconfigYaml } from './kubeconfig.js';
import { crdSchemas, openApiV2, openApiV3Doc, openApiV3Root } from './openapi.js';
import { decodeProtobuf } from './protobuf.js';
import { REVIEW_RESOURCES, answerReview, isReview, requestUser } from './reviews.js';
import { mediaType, noResource, parseResourcePath } from './request.js';
import { handleResource, sendJson } from './resources.js';

export interface ServeOptions {
  host?: '127.0.0.1';
  /** 0 (the default) picks a free port. */
  port?: number;
  /**
   * An audit log: told of every resource request with the user it acts as (the impersonated one
   * when the client sent `Impersonate-User`). The simulator has no RBAC; this is how one checks
   * who did what.
   */
  audit?: (entry: AuditEntry) => void;
  /**
   * An authorizer standing in for RBAC: return a reason to deny the request with 403 Forbidden,
   * worded as kube-apiserver words it (`User "…" cannot patch resource "configmaps" in API
   * group "" in the namespace "apps"`). Allowed when absent or when it returns undefined.
   */
  authorize?: (request: AuthorizationRequest) => string | undefined;
  /**
   * What `GET …/pods/NAME/log` answers (the simulator runs no containers, so logs are empty
   * unless given here): the text of a container's log.
   */
  podLogs?: (namespace: string, pod: string, container: string) => string | undefined;
}

export interface AuthorizationRequest {
  user: string;
  groups: string[];
  /** Kubernetes verb: get, list, watch, create, update, patch, delete. */
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export interface AuditEntry {
  /** HTTP method: GET, POST, PUT, PATCH, DELETE. */
  method: string;
  /** The request path, e.g. `/apis/apps/v1/namespaces/apps/deployments/web`. */
  path: string;
  query: string;
  user: string;
  groups: string[];
}

export interface ServedCluster {
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  /** A kubeconfig (YAML) whose current context points at this server. */
  kubeconfig(options?: { namespace?: string; user?: string }): string;
  writeKubeconfig(file: string): Promise<void>;
  /** Ends open watches and stops listening. */
  close(): Promise<void>;
}

const VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-fluxion',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-11-01T00:00:00Z',
  goVersion: 'go1.23.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** The Kubernetes verb of a resource request. */
function kubeVerb(method: string, named: boolean, watch: string | null): string {
  switch (method) {
    case 'GET':
      return watch === 'true' || watch === '1' ? 'watch' : named ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return named ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

function sendError(res: ServerResponse, err: unknown): void {
  const apiErr = err instanceof ApiError ? err : new ApiError(500, 'InternalError', `Internal error occurred: ${(err as Error)?.message ?? String(err)}`);
  if (res.headersSent) {
    res.end();
    return;
  }
  sendJson(res, apiErr.status, apiErr.toStatus());
}

export async function serveCluster(cluster: MemoryCluster, options: ServeOptions = {}): Promise<ServedCluster> {
  const host = options.host ?? '127.0.0.1';
  const closers = new Set<() => void>();
  const onClose = (fn: () => void): (() => void) => {
    closers.add(fn);
    return () => closers.delete(fn);
  };
  let address = '';

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const path = `/${segments.join('/')}`;
    if (path === '/version') return sendJson(res, 200, VERSION);
    if (path === '/healthz' || path === '/livez' || path === '/readyz') return sendText(res, 200, 'ok');
    const resources = [...(await cluster.resources()), ...REVIEW_RESOURCES];
    if ((path === '/api' || path === '/apis') && wantsAggregated(req.headers.accept)) {
      const text = JSON.stringify(aggregatedDiscovery(resources, path === '/api'));
      res.writeHead(200, { 'Content-Type': AGGREGATED_V2, 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    if (path === '/api') return sendJson(res, 200, apiVersions(address));
    if (path === '/apis') return sendJson(res, 200, apiGroupList(resources));
    if (path === '/openapi/v2') {
      const doc = openApiV2(req.headers.accept);
      res.writeHead(200, { 'Content-Type': doc.contentType, 'Content-Length': doc.body.length });
      res.end(doc.body);
      return;
    }
    if (segments[0] === 'openapi' && segments[1] === 'v3') {
      const schemas = crdSchemas((await cluster.list({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' })).items);
      if (segments.length === 2) return sendJson(res, 200, openApiV3Root(resources, schemas));
      const [group, version] = segments[2] === 'api' ? ['', segments[3] ?? ''] : [segments[3] ?? '', segments[4] ?? ''];
      const doc = openApiV3Doc(resources, group, version, schemas);
      return doc ? sendJson(res, 200, doc) : sendText(res, 404, '404 page not found');
    }
    if (segments[0] === 'api' && segments.length === 2) {
      const list = apiResourceList(resources, '', segments[1] as string);
      return list ? sendJson(res, 200, list) : sendError(res, noResource());
    }
    if (segments[0] === 'apis' && segments.length === 2) {
      const group = apiGroup(resources, segments[1] as string);
      return group ? sendJson(res, 200, group) : sendError(res, noResource());
    }
    if (segments[0] === 'apis' && segments.length === 3) {
      const list = apiResourceList(resources, segments[1] as string, segments[2] as string);
      return list ? sendJson(res, 200, list) : sendError(res, noResource());
    }
    const target = parseResourcePath(segments, resources);
    if (!target) return sendText(res, 404, '404 page not found');
    if (options.audit || options.authorize) {
      const who = requestUser(req);
      options.audit?.({ method: req.method ?? 'GET', path, query: url.search, user: who.username, groups: who.groups });
      const verb = kubeVerb(req.method ?? 'GET', target.name !== undefined, url.searchParams.get('watch'));
      const request: AuthorizationRequest = {
        user: who.username,
        groups: who.groups,
        verb,
        group: target.info.group,
        resource: target.info.plural,
        ...(target.subresource ? { subresource: target.subresource } : {}),
        ...(target.namespace ? { namespace: target.namespace } : {}),
        ...(target.name ? { name: target.name } : {}),
      };
      const denied = options.authorize?.(request);
      if (denied !== undefined) {
        const what = target.name ? `${target.info.plural}${target.info.group ? `.${target.info.group}` : ''} "${target.name}"` : `${target.info.plural}${target.info.group ? `.${target.info.group}` : ''}`;
        const scope = target.namespace ? ` in the namespace "${target.namespace}"` : ' at the cluster scope';
        const resource = target.subresource ? `${target.info.plural}/${target.subresource}` : target.info.plural;
        const err = new ApiError(403, 'Forbidden', `${what} is forbidden: User "${who.username}" cannot ${verb} resource "${resource}" in API group "${target.info.group}"${scope}${denied ? `: ${denied}` : ''}`);
        return sendError(res, err);
      }
    }
    const raw = req.method === 'GET' ? Buffer.alloc(0) : await readBody(req);
    const contentType = mediaType(req.headers['content-type']);
    let body = raw.toString('utf8');
    // kubectl's typed client (e.g. `kubectl create namespace`) writes protobuf.
    if (raw.length && contentType === 'application/vnd.kubernetes.protobuf') body = JSON.stringify(decodeProtobuf(raw));
    else if (raw.length && contentType.includes('cbor')) {
      throw new ApiError(415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml');
    }
    if (isReview(target.info)) {
      if (req.method !== 'POST' || target.name !== undefined) throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
      let parsed: unknown = {};
      try {
        if (body.trim()) parsed = JSON.parse(body);
      } catch (err) {
        throw new ApiError(400, 'BadRequest', `the object provided is unrecognized: ${(err as Error).message}`);
      }
      return sendJson(res, 201, answerReview(target.info, typeof parsed === 'object' && parsed ? (parsed as Record<string, unknown>) : {}, req));
    }
    await handleResource({ req, res, query: url.searchParams, body, cluster, onClose, ...(options.podLogs ? { podLogs: options.podLogs } : {}) }, target);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => sendError(res, err));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  address = `${host}:${port}`;
  const url = `http://${address}`;
  let closed: Promise<void> | undefined;
  return {
    url,
    port,
    kubeconfig: (opts) => kubeconfigYaml(url, opts),
    writeKubeconfig: (file) => writeFile(file, kubeconfigYaml(url), { mode: 0o600 }),
    close() {
      closed ??= new Promise<void>((resolve) => {
        for (const fn of [...closers]) fn();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
