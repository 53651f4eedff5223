/**
 * A registry that wants a token for every request, pushes included: a proxy on 127.0.0.1 in
 * front of the test registry (which guards reads only). Tokens come from the registry's own
 * token service, through the proxy, which remembers the ones it saw handed out.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OciRegistry } from '../helpers/oci-registry.js';

export interface GuardedRegistry {
  /** `127.0.0.1:PORT` of the proxy. */
  host: string;
  close(): Promise<void>;
}

export async function guardRegistry(inner: OciRegistry): Promise<GuardedRegistry> {
  const [innerHost, innerPort] = inner.host.split(':') as [string, string];
  const issued = new Set<string>();
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const isToken = url.startsWith('/token');
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!isToken && url.startsWith('/v2/') && url !== '/v2/' && !(bearer && issued.has(bearer))) {
      res.writeHead(401, { 'Content-Type': 'application/json', 'WWW-Authenticate': `Bearer realm="http://${req.headers.host}/token",service="guarded-registry"` });
      res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
      return;
    }
    const upstream = http.request({ host: innerHost, port: Number(innerPort), path: url, method: req.method, headers: req.headers }, (up) => {
      const chunks: Buffer[] = [];
      up.on('data', (c: Buffer) => chunks.push(c));
      up.on('end', () => {
        const body = Buffer.concat(chunks);
        if (isToken && up.statusCode === 200) issued.add((JSON.parse(body.toString('utf8')) as { token: string }).token);
        res.writeHead(up.statusCode ?? 502, up.headers).end(body);
      });
    });
    upstream.on('error', (err) => res.writeHead(502).end(String(err)));
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
