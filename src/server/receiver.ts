/**
 * The webhook receiver endpoint notification-controller serves (`--receiverAddr`, :9292):
 * every request under `/hook/` goes to the engine's Receivers; the answer is only a status code,
 * as Flux gives (the reason is logged, never sent to the caller).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ReceiveResult } from '../controllers/notification.js';
import type { ReceiverRequest } from '../notify/receiver.js';
import { listen } from './listen.js';
import type { ListeningServer } from './listen.js';

/** Flux refuses bodies over 3 MiB (413). */
export const MAX_RECEIVER_BODY = 3 * 1024 * 1024;

export interface ReceiverServerOptions {
  host: string;
  port: number;
  /** Handles one call; undefined when no engine runs here (a standby replica): 503. */
  receive: (path: string, req: ReceiverRequest) => Promise<ReceiveResult> | undefined;
  /** Each call's outcome, for the log. */
  log?: (result: ReceiveResult & { path: string }) => void;
}

export type ReceiverServer = ListeningServer;

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) over = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startReceiverServer(options: ReceiverServerOptions): Promise<ReceiverServer> {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const body = await readBody(req, MAX_RECEIVER_BODY);
    const reply = (status: number): void => {
      res.writeHead(status, { 'content-length': 0 });
      res.end();
    };
    if (!path.startsWith('/hook/')) return reply(404);
    if (!body) return reply(413);
    const pending = options.receive(path, { headers: req.headers, body });
    if (!pending) return reply(503);
    const result = await pending;
    options.log?.({ ...result, path });
    reply(result.status);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-length': 0 });
        res.end();
      } else res.destroy();
    });
  });
  return listen(server, options.host, options.port);
}
