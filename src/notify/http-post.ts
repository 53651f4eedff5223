/**
 * POSTs a payload as notification-controller's client does (go-retryablehttp): up to 4 retries
 * on connection errors, 429 and 5xx (not 501), waiting 2s, 4s, 8s… capped at 30s (or the
 * Retry-After of a 429/503), all within the provider's timeout. Waits and the deadline run on
 * the injected clock, so tests advance time instead of sleeping.
 */
import http from 'node:http';
import https from 'node:https';
import type { Clock } from '../api/clock.js';

export interface PostOptions {
  url: string;
  /** POST by default (commit-status providers GET the existing statuses first). */
  method?: 'GET' | 'POST';
  body: string;
  headers: Record<string, string>;
  clock: Clock;
  /** The whole send, retries included. */
  timeoutMs: number;
  tls?: { ca?: string; cert?: string; key?: string };
  /** Checks a 2xx answer further (Slack's chat.postMessage answers 200 with `ok: false`). */
  validate?: (status: number, body: string) => string | undefined;
  retryMax?: number;
  retryWaitMinMs?: number;
  retryWaitMaxMs?: number;
}

/** A send that failed: the message names the status and the receiver's answer. */
export class NotificationSendError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'NotificationSendError';
  }
}

interface Answer {
  status: number;
  body: string;
  retryAfter: string | undefined;
}

function once(opts: PostOptions, signal: AbortSignal): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(opts.url);
    const lib = url.protocol === 'https:' ? https : http;
    const req = lib.request(
      url,
      {
        method: opts.method ?? 'POST',
        headers: { ...opts.headers, ...(opts.method === 'GET' ? {} : { 'content-length': Buffer.byteLength(opts.body) }) },
        signal,
        ...(url.protocol === 'https:' && opts.tls ? { ca: opts.tls.ca, cert: opts.tls.cert, key: opts.tls.key } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), retryAfter: res.headers['retry-after'] as string | undefined }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.method === 'GET' ? undefined : opts.body);
  });
}

const retryable = (status: number): boolean => status === 429 || (status >= 500 && status !== 501) || status === 0;

/** Sends; resolves with the answer's body on success, rejects with a `NotificationSendError` otherwise. */
export async function postWithRetries(opts: PostOptions): Promise<string> {
  if (!/^https?:$/.test(new URL(opts.url).protocol)) throw new NotificationSendError(`unsupported URL scheme in ${new URL(opts.url).protocol}//…: want http or https`);
  const abort = new AbortController();
  let timedOut = false;
  const deadline = opts.clock.setTimeout(() => {
    timedOut = true;
    abort.abort();
  }, opts.timeoutMs);
  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = opts.clock.setTimeout(resolve, ms);
      abort.signal.addEventListener('abort', () => {
        opts.clock.clearTimeout(t);
        resolve();
      }, { once: true });
    });
  const max = opts.retryMax ?? 4;
  const min = opts.retryWaitMinMs ?? 2_000;
  const cap = opts.retryWaitMaxMs ?? 30_000;
  let last = '';
  let retryAfterMs: number | undefined;
  try {
    for (let attempt = 0; attempt <= max; attempt++) {
      if (attempt > 0) await wait(retryAfterMs ?? Math.min(cap, min * 2 ** (attempt - 1)));
      retryAfterMs = undefined;
      if (timedOut) break;
      let answer: Answer;
      try {
        answer = await once(opts, abort.signal);
      } catch (err) {
        if (timedOut) break;
        last = `failed to execute request: ${(err as Error).message}`;
        continue;
      }
      if (answer.status >= 200 && answer.status < 300) {
        const invalid = opts.validate?.(answer.status, answer.body);
        if (invalid) throw new NotificationSendError(`request failed: ${invalid}`, answer.status);
        return answer.body;
      }
      last = `request failed with status code ${answer.status}: ${answer.body}`;
      if (!retryable(answer.status)) throw new NotificationSendError(last, answer.status);
      const retryAfter = Number(answer.retryAfter);
      if ((answer.status === 429 || answer.status === 503) && Number.isFinite(retryAfter) && retryAfter > 0) retryAfterMs = retryAfter * 1000;
    }
    if (timedOut) throw new NotificationSendError(`timed out after ${opts.timeoutMs}ms${last ? `; last error: ${last}` : ''}`);
    throw new NotificationSendError(`giving up after ${max + 1} attempt(s): ${last}`);
  } finally {
    opts.clock.clearTimeout(deadline);
  }
}
