/**
 * The HTTP client isomorphic-git talks through: node:http(s) with a deadline for the whole
 * operation (Flux's `spec.timeout`), keep-alive agents, and no credentials in URLs.
 */
import http from 'node:http';
import https from 'node:https';
import type { GitHttpRequest, GitHttpResponse, HttpClient } from 'isomorphic-git';

const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

export class GitTimeoutError extends Error {
  constructor(ms: number) {
    super(`operation timed out after ${ms}ms`);
    this.name = 'GitTimeoutError';
  }
}

async function collect(body: AsyncIterableIterator<Uint8Array> | undefined): Promise<Buffer | undefined> {
  if (!body) return undefined;
  const parts: Buffer[] = [];
  for await (const chunk of body) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

/** A client whose every request must finish before `deadline` (epoch ms). */
export function httpClient(deadline: number, timeoutMs: number): HttpClient {
  return {
    async request(req: GitHttpRequest): Promise<GitHttpResponse> {
      const payload = await collect(req.body as AsyncIterableIterator<Uint8Array> | undefined);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new GitTimeoutError(timeoutMs);
      const url = new URL(req.url);
      const lib = url.protocol === 'https:' ? https : http;
      return new Promise<GitHttpResponse>((resolve, reject) => {
        const r = lib.request(
          url,
          {
            method: req.method ?? 'GET',
            headers: { ...(req.headers ?? {}), ...(payload ? { 'content-length': String(payload.length) } : {}) },
            agent: url.protocol === 'https:' ? agents.https : agents.http,
            timeout: remaining,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('error', reject);
            res.on('end', () => {
              const body = Buffer.concat(chunks);
              const headers: Record<string, string> = {};
              for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
              resolve({
                url: req.url,
                method: req.method ?? 'GET',
                statusCode: res.statusCode ?? 0,
                statusMessage: res.statusMessage ?? '',
                headers,
                body: (async function* () {
                  yield new Uint8Array(body);
                })(),
              });
            });
          },
        );
        r.on('timeout', () => r.destroy(new GitTimeoutError(timeoutMs)));
        r.on('error', reject);
        if (payload) r.write(payload);
        r.end();
      });
    },
  };
}
