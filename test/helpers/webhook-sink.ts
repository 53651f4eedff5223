/** A real HTTP server on 127.0.0.1 that records every request it gets, as an alert receiver would. */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SunkRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body bytes. */
  raw: Buffer;
  body: string;
}

export interface WebhookSink {
  url: string;
  requests: SunkRequest[];
  /** Status (and body) of the answer to the n-th request (0-based); 200 by default. */
  answer: (n: number, req: SunkRequest) => { status: number; body?: string; headers?: Record<string, string> };
  close(): Promise<void>;
}

export async function startWebhookSink(): Promise<WebhookSink> {
  const sink: Partial<WebhookSink> & { requests: SunkRequest[] } = { requests: [], answer: () => ({ status: 200 }) };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const r: SunkRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, raw, body: raw.toString('utf8') };
      const n = sink.requests.length;
      sink.requests.push(r);
      const a = sink.answer!(n, r);
      res.writeHead(a.status, { 'content-type': 'text/plain', ...(a.headers ?? {}) });
      res.end(a.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  sink.url = `http://127.0.0.1:${port}`;
  sink.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return sink as WebhookSink;
}
