/**
 * HTTP(S) GETs for Helm repositories, the way Helm's getter makes them: basic auth, a CA bundle
 * and client certificate from a Secret, `insecure` skipping TLS verification, a timeout, and
 * redirects followed (credentials dropped on another host unless `passCredentials`).
 */
import http from 'node:http';
import https from 'node:https';

export interface HttpCredentials {
  username?: string;
  password?: string;
  /** PEM: CA bundle to trust, client certificate and key. */
  ca?: string;
  cert?: string;
  key?: string;
  /** Send credentials to other hosts after a redirect (HelmRepository `passCredentials`). */
  passCredentials?: boolean;
  insecureSkipVerify?: boolean;
}

export class HttpStatusError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
    /** The `WWW-Authenticate` challenge of a 401, if any. */
    readonly authenticate?: string,
  ) {
    super(`failed to fetch ${url} : ${status} ${http.STATUS_CODES[status] ?? ''}`.trimEnd());
  }
}

/** A response's body, refused (and the connection dropped) past `maxBytes`. */
export async function readBody(res: http.IncomingMessage, maxBytes: number | undefined, tooLarge: (limit: number) => Error): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    size += (chunk as Buffer).length;
    if (maxBytes && size > maxBytes) {
      res.destroy();
      throw tooLarge(maxBytes);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The body of `url`, or an error naming the URL (never the credentials). */
export async function httpGet(url: string, options: { credentials?: HttpCredentials; timeoutMs?: number; maxBytes?: number; accept?: string; bearer?: string } = {}): Promise<Buffer> {
  const creds = options.credentials ?? {};
  const origin = new URL(url).host;
  let current = url;
  for (let hop = 0; hop < 10; hop++) {
    const u = new URL(current);
    const sendAuth = creds.username !== undefined && (u.host === origin || creds.passCredentials);
    const headers: Record<string, string> = { 'User-Agent': 'fluxion/source-controller', Accept: options.accept ?? '*/*' };
    if (options.bearer && u.host === origin) headers.Authorization = `Bearer ${options.bearer}`;
    else if (sendAuth) headers.Authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password ?? ''}`).toString('base64')}`;
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const lib = u.protocol === 'https:' ? https : http;
      const req = lib.get(
        u,
        {
          headers,
          ...(u.protocol === 'https:' ? { ca: creds.ca, cert: creds.cert, key: creds.key, rejectUnauthorized: !creds.insecureSkipVerify } : {}),
          ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
        },
        resolve,
      );
      req.on('timeout', () => req.destroy(new Error(`failed to fetch ${url} : timeout after ${options.timeoutMs} ms`)));
      req.on('error', reject);
    });
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && res.headers.location) {
      res.resume();
      current = new URL(res.headers.location, current).toString();
      continue;
    }
    if (status !== 200) {
      res.resume();
      const challenge = res.headers['www-authenticate'];
      throw new HttpStatusError(url, status, Array.isArray(challenge) ? challenge[0] : challenge);
    }
    return readBody(res, options.maxBytes, (limit) => new Error(`failed to fetch ${url} : size exceeds the ${limit} bytes limit`));
  }
  throw new Error(`failed to fetch ${url} : stopped after 10 redirects`);
}
