/**
 * An OCI distribution registry for tests, on 127.0.0.1 over plain HTTP: enough of the
 * distribution API for `helm push --plain-http` to upload charts and for fluxion to list tags
 * and pull manifests and blobs. Content-addressed, in memory, digests checked on upload.
 */
import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OciRegistry {
  /** `127.0.0.1:PORT` */
  host: string;
  requests: string[];
  close(): Promise<void>;
}

/**
 * With `readers`, reads (GET) need a Bearer token from the registry's token service
 * (`/token`), which hands one out to those basic-auth credentials — the Docker token flow.
 * Pushes stay open.
 */
export async function startOciRegistry(options: { readers?: { username: string; password: string } } = {}): Promise<OciRegistry> {
  const issued = new Set<string>();
  const blobs = new Map<string, Buffer>();
  const manifests = new Map<string, { body: Buffer; type: string }>(); // `${repo}:${tag or digest}`
  const tags = new Map<string, Set<string>>();
  const uploads = new Map<string, Buffer[]>();
  const requests: string[] = [];
  const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
  const read = (req: http.IncomingMessage): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
    });
  const notFound = (res: http.ServerResponse, code: string): void => {
    res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ errors: [{ code, message: code.toLowerCase().replace(/_/g, ' ') }] }));
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://registry');
      requests.push(`${req.method} ${url.pathname}`);
      const p = url.pathname;
      if (options.readers && p === '/token') {
        const expected = `Basic ${Buffer.from(`${options.readers.username}:${options.readers.password}`).toString('base64')}`;
        if (req.headers.authorization !== expected) return void res.writeHead(401).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
        const token = randomUUID();
        issued.add(token);
        return void res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ token }));
      }
      if (options.readers && req.method === 'GET' && p.startsWith('/v2/') && p !== '/v2/') {
        const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
        if (!bearer || !issued.has(bearer)) {
          const repo = /^\/v2\/(.+)\/(?:tags|manifests|blobs)\//.exec(p)?.[1] ?? '';
          const host = req.headers.host ?? '127.0.0.1';
          return void res.writeHead(401, { 'WWW-Authenticate': `Bearer realm="http://${host}/token",service="test-registry",scope="repository:${repo}:pull"` }).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
        }
      }
      if (p === '/v2/' || p === '/v2') return void res.writeHead(200, { 'Docker-Distribution-API-Version': 'registry/2.0' }).end('{}');
      let m = /^\/v2\/(.+)\/blobs\/uploads\/([^/]*)$/.exec(p);
      if (m) {
        const [, repo, id] = m as unknown as [string, string, string];
        if (req.method === 'POST') {
          const body = await read(req);
          const digest = url.searchParams.get('digest');
          if (digest) {
            // Monolithic upload.
            if (sha(body) !== digest) return void res.writeHead(400).end('digest mismatch');
            blobs.set(digest, body);
            return void res.writeHead(201, { Location: `/v2/${repo}/blobs/${digest}`, 'Docker-Content-Digest': digest }).end();
          }
          const uuid = randomUUID();
          uploads.set(uuid, body.length ? [body] : []);
          return void res.writeHead(202, { Location: `/v2/${repo}/blobs/uploads/${uuid}`, 'Docker-Upload-UUID': uuid, Range: '0-0' }).end();
        }
        if (req.method === 'PATCH') {
          uploads.get(id)?.push(await read(req));
          return void res.writeHead(202, { Location: `/v2/${repo}/blobs/uploads/${id}`, 'Docker-Upload-UUID': id }).end();
        }
        if (req.method === 'PUT') {
          const body = Buffer.concat([...(uploads.get(id) ?? []), await read(req)]);
          uploads.delete(id);
          const digest = url.searchParams.get('digest') ?? '';
          if (sha(body) !== digest) return void res.writeHead(400).end('digest mismatch');
          blobs.set(digest, body);
          return void res.writeHead(201, { Location: `/v2/${repo}/blobs/${digest}`, 'Docker-Content-Digest': digest }).end();
        }
      }
      m = /^\/v2\/(.+)\/blobs\/(sha256:[0-9a-f]{64})$/.exec(p);
      if (m) {
        const blob = blobs.get(m[2]!);
        if (!blob) return notFound(res, 'BLOB_UNKNOWN');
        res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': blob.length, 'Docker-Content-Digest': m[2]! });
        return void res.end(req.method === 'HEAD' ? undefined : blob);
      }
      m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(p);
      if (m) {
        const [, repo, ref] = m as unknown as [string, string, string];
        if (req.method === 'PUT') {
          const body = await read(req);
          const digest = sha(body);
          const entry = { body, type: String(req.headers['content-type'] ?? 'application/vnd.oci.image.manifest.v1+json') };
          manifests.set(`${repo}:${digest}`, entry);
          if (!ref.startsWith('sha256:')) {
            manifests.set(`${repo}:${ref}`, entry);
            let set = tags.get(repo);
            if (!set) tags.set(repo, (set = new Set()));
            set.add(ref);
          }
          return void res.writeHead(201, { Location: `/v2/${repo}/manifests/${digest}`, 'Docker-Content-Digest': digest }).end();
        }
        const entry = manifests.get(`${repo}:${ref}`);
        if (!entry) return notFound(res, 'MANIFEST_UNKNOWN');
        res.writeHead(200, { 'Content-Type': entry.type, 'Content-Length': entry.body.length, 'Docker-Content-Digest': sha(entry.body) });
        return void res.end(req.method === 'HEAD' ? undefined : entry.body);
      }
      m = /^\/v2\/(.+)\/tags\/list$/.exec(p);
      if (m) {
        const set = tags.get(m[1]!);
        if (!set) return notFound(res, 'NAME_UNKNOWN');
        return void res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ name: m[1], tags: [...set].sort() }));
      }
      res.writeHead(404).end();
    })().catch((err: unknown) => res.writeHead(500).end(String(err)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
