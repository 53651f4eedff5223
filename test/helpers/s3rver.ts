/**
 * A real S3 emulator for tests: s3rver 3.7.1 in a child process on 127.0.0.1 (any free port),
 * data in a temporary directory, behind a small counting proxy so tests can assert on the
 * requests a reconcile made. s3rver's paginated ListObjectsV2 encrypts continuation tokens with
 * DES, which Node 20's OpenSSL 3 only offers with `--openssl-legacy-provider`, so the child is
 * started with it.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

export interface S3rver {
  /** `127.0.0.1:PORT` of the counting proxy (plain HTTP; what a Bucket's `endpoint` names). */
  endpoint: string;
  /** `127.0.0.1:PORT` of s3rver itself (HTTPS when started with `tls`), uncounted. */
  direct: string;
  /** `METHOD /path?query` of every request through the proxy, in order. */
  requests: string[];
  /** s3rver's only key pair. */
  accessKey: 'S3RVER';
  secretKey: 'S3RVER';
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);

/** With `tls` (PEM), s3rver serves HTTPS; the proxy still speaks plain HTTP to its clients. */
export async function startS3rver(options: { tls?: { cert: string; key: string } } = {}): Promise<S3rver> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'fluxion-s3rver-'));
  const dir = path.join(root, 'data');
  const bin = path.join(path.dirname(require.resolve('s3rver/package.json')), 'bin', 's3rver.js');
  const args = ['--openssl-legacy-provider', bin, '--directory', dir, '--address', '127.0.0.1', '--port', '0', '--silent'];
  if (options.tls) {
    writeFileSync(path.join(root, 'tls.crt'), options.tls.cert);
    writeFileSync(path.join(root, 'tls.key'), options.tls.key);
    args.push('--cert', path.join(root, 'tls.crt'), '--key', path.join(root, 'tls.key'));
  }
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const m = /listening on [\d.]+:(\d+)/.exec(output);
      if (m) resolve(Number(m[1]));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`s3rver exited (${code}) before listening: ${output}`)));
  }).catch((err: unknown) => {
    child.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
    throw err;
  });
  const requests: string[] = [];
  const proxy = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const upstream = (options.tls ? https : http).request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers, ...(options.tls ? { rejectUnauthorized: false } : {}) }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', (err) => res.writeHead(502).end(err.message));
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    direct: `127.0.0.1:${port}`,
    requests,
    accessKey: 'S3RVER',
    secretKey: 'S3RVER',
    async close() {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      if (child.exitCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}
