/** The receiver endpoint's own answers, before any Receiver is looked at. */
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_RECEIVER_BODY, startReceiverServer } from '../../src/server/receiver.js';
import type { ReceiverServer } from '../../src/server/receiver.js';

describe('receiver server', () => {
  let server: ReceiverServer | undefined;
  afterEach(async () => server?.close());

  it('404 outside /hook/, 503 without an engine, 413 over 3 MiB; otherwise the Receiver decides', async () => {
    const calls: string[] = [];
    let engine = false;
    server = await startReceiverServer({
      host: '127.0.0.1',
      port: 0,
      receive: (path, req) => {
        calls.push(`${path} ${req.body.length}`);
        return engine ? Promise.resolve({ status: 200, message: 'ok', annotated: [] }) : undefined;
      },
    });
    const post = (path: string, body = '{}'): Promise<number> => fetch(`${server!.url}${path}`, { method: 'POST', body }).then((r) => r.status);
    expect(await post('/metrics')).toBe(404);
    expect(await post('/hook/abc')).toBe(503);
    expect(await post('/hook/abc', 'x'.repeat(MAX_RECEIVER_BODY + 1))).toBe(413);
    engine = true;
    expect(await post('/hook/abc?x=1', 'payload')).toBe(200);
    expect(calls).toEqual(['/hook/abc 2', '/hook/abc 7']);
  });
});
