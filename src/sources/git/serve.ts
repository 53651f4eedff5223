/**
 * Serves bare Git repositories over the smart HTTP protocol on 127.0.0.1, by running the real
 * `git http-backend` as a CGI program. Used by the tests, the benchmarks and `npm run demo`;
 * never a production server. Optional basic-auth or bearer-token gate for secretRef tests.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GitServerOptions {
  /** Directory holding bare repositories (`<name>.git`). */
  root: string;
  auth?: { username: string; password: string } | { bearerToken: string };
  /** Allow pushes (receive-pack). Default false. */
  allowPush?: boolean;
}

export interface GitServer {
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  port: number;
  /** URL of a repository under the root, e.g. `url('app.git')`. */
  url(repo: string): string;
  /** Requests served so far, by service (`git-upload-pack` POSTs count fetches and clones). */
  counts: { infoRefs: number; uploadPack: number; receivePack: number };
  close(): Promise<void>;
}

const HTTP_BACKEND_CANDIDATES = ['/usr/lib/git-core/git-http-backend', '/usr/libexec/git-core/git-http-backend', '/opt/homebrew/opt/git/libexec/git-core/git-http-backend'];

export function gitHttpBackendPath(): string {
  const found = HTTP_BACKEND_CANDIDATES.find((p) => existsSync(p));
  if (!found) throw new Error(`git http-backend not found (looked in ${HTTP_BACKEND_CANDIDATES.join(', ')}); install git`);
  return found;
}

function authorized(req: http.IncomingMessage, auth: GitServerOptions['auth']): boolean {
  if (!auth) return true;
  const header = req.headers.authorization ?? '';
  if ('bearerToken' in auth) return header === `Bearer ${auth.bearerToken}`;
  const expected = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  return header === expected;
}

export async function startGitServer(options: GitServerOptions): Promise<GitServer> {
  const backend = gitHttpBackendPath();
  const counts = { infoRefs: 0, uploadPack: 0, receivePack: 0 };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.endsWith('/info/refs')) counts.infoRefs++;
    if (url.pathname.endsWith('/git-upload-pack')) counts.uploadPack++;
    if (url.pathname.endsWith('/git-receive-pack')) counts.receivePack++;
    if (!authorized(req, options.auth)) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' });
      res.end('authentication required\n');
      return;
    }
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: options.root,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      REQUEST_METHOD: req.method ?? 'GET',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_ADDR: '127.0.0.1',
      REMOTE_USER: 'git',
      GIT_HTTP_MAX_REQUEST_BUFFER: '100M',
      ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
      ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: String(req.headers['content-encoding']) } : {}),
    };
    const cgi = spawn(backend, [], { env, cwd: options.root });
    if (options.allowPush) cgi.stdin.on('error', () => undefined);
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let headersDone = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      let end = head.indexOf('\r\n\r\n');
      let sep = 4;
      if (end < 0) {
        end = head.indexOf('\n\n');
        sep = 2;
      }
      if (end < 0) return;
      headersDone = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString('latin1').split(/\r?\n/)) {
        const i = line.indexOf(':');
        if (i < 0) continue;
        const name = line.slice(0, i).trim();
        const value = line.slice(i + 1).trim();
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      res.write(head.subarray(end + sep));
    });
    cgi.stdout.on('end', () => {
      if (!headersDone) res.writeHead(502);
      res.end();
    });
    cgi.on('error', () => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    port,
    url: (repo) => `${baseUrl}/${repo}`,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
