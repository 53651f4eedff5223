/**
 * Webhook verification of notification-controller's Receiver (internal/server/receiver_handlers.go):
 * given a request and the Receiver's token, accept or refuse it. Pure; the cluster side (find
 * the Receiver by path, annotate its resources) is in src/controllers/notification.ts.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header names lower-cased, as node:http gives them. */
export type Headers = Record<string, string | string[] | undefined>;

export interface ReceiverRequest {
  headers: Headers;
  body: Buffer;
}

export type Verdict = { ok: true; event?: string } | { ok: false; message: string };

/** The receiver types fluxion verifies. */
export const SUPPORTED_RECEIVER_TYPES = ['generic', 'generic-hmac', 'github', 'gitlab', 'bitbucket', 'harbor', 'dockerhub', 'quay'] as const;

const header = (h: Headers, name: string): string => {
  const v = h[name.toLowerCase()];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
};

const ALGORITHMS: Record<string, string> = { sha1: 'sha1', sha256: 'sha256', sha512: 'sha512' };

/**
 * `<algo>=<hex>` checked against an HMAC of the body with the token, as go-github's
 * ValidateSignature does (sha1, sha256 or sha512), in constant time.
 */
export function checkSignature(signature: string, body: Buffer, token: string): string | undefined {
  const i = signature.indexOf('=');
  if (i < 0) return 'missing signature';
  const algo = ALGORITHMS[signature.slice(0, i)];
  if (!algo) return `unknown hash type prefix: ${signature.slice(0, i)}`;
  const given = Buffer.from(signature.slice(i + 1), 'hex');
  const expected = createHmac(algo, token).update(body).digest();
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'payload signature check failed';
  return undefined;
}

/** An event type allowed by `spec.events` (none listed: every event), compared ignoring case. */
function allowed(events: readonly string[] | undefined, event: string): boolean {
  return !events?.length || events.some((e) => e.toLowerCase() === event.toLowerCase());
}

function json(body: Buffer, what: string): string | undefined {
  try {
    JSON.parse(body.toString('utf8'));
    return undefined;
  } catch {
    return `cannot decode ${what} webhook payload`;
  }
}

/**
 * GitHub's signature: `X-Hub-Signature-256`, else `X-Hub-Signature` (sha1). A form-encoded
 * delivery is signed over the raw body as well, so the check is the same.
 */
function githubSignature(req: ReceiverRequest, token: string): string | undefined {
  const sig = header(req.headers, 'x-hub-signature-256') || header(req.headers, 'x-hub-signature');
  if (!token) return undefined;
  if (!sig) return 'missing signature';
  return checkSignature(sig, req.body, token);
}

/** Whether the request is genuine and wanted, for a Receiver of `type` with `token` and `events`. */
export function verifyReceiverRequest(type: string, req: ReceiverRequest, token: string, events?: readonly string[]): Verdict {
  switch (type) {
    case 'generic':
      return { ok: true };
    case 'generic-hmac': {
      const err = checkSignature(header(req.headers, 'x-signature'), req.body, token);
      return err ? { ok: false, message: `unable to validate HMAC signature: ${err}` } : { ok: true };
    }
    case 'github': {
      const err = githubSignature(req, token);
      if (err) return { ok: false, message: `the GitHub signature header is invalid, err: ${err}` };
      const event = header(req.headers, 'x-github-event');
      if (!allowed(events, event)) return { ok: false, message: `the GitHub event "${event}" is not authorised` };
      return { ok: true, event };
    }
    case 'gitlab': {
      if (header(req.headers, 'x-gitlab-token') !== token) return { ok: false, message: 'the X-Gitlab-Token header value does not match the receiver token' };
      const event = header(req.headers, 'x-gitlab-event');
      if (!allowed(events, event)) return { ok: false, message: `the GitLab event "${event}" is not authorised` };
      return { ok: true, event };
    }
    case 'bitbucket': {
      const err = githubSignature(req, token);
      if (err) return { ok: false, message: `the Bitbucket server signature header is invalid, err: ${err}` };
      const event = header(req.headers, 'x-event-key');
      if (!allowed(events, event)) return { ok: false, message: `the Bitbucket server event "${event}" is not authorised` };
      return { ok: true, event };
    }
    case 'harbor':
      return header(req.headers, 'authorization') === token ? { ok: true } : { ok: false, message: 'the Harbor Authorization header value does not match the receiver token' };
    case 'dockerhub': {
      const err = json(req.body, 'DockerHub');
      return err ? { ok: false, message: err } : { ok: true };
    }
    case 'quay': {
      const err = json(req.body, 'Quay');
      return err ? { ok: false, message: err } : { ok: true };
    }
    default:
      return { ok: false, message: `receiver type "${type}" is not supported by fluxion (supported: ${SUPPORTED_RECEIVER_TYPES.join(', ')})` };
  }
}
