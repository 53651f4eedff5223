/**
 * Turns what the API server answered into the port's `ApiError`: a Kubernetes `Status` body is
 * taken as the server wrote it (code, reason, message, details); anything else (a proxy's HTML,
 * an empty body) becomes an ApiError whose reason follows the HTTP code and whose message names
 * the request, so a 403 always says which verb on which resource was refused.
 */
import type { StatusDetails, StatusReason } from '../errors.js';
import { ApiError } from '../errors.js';

/** What the client was doing, for messages the server did not write itself. */
export interface RequestDescription {
  /** Kubernetes verb: get, list, watch, create, update, patch, delete. */
  verb: string;
  /** Plural resource name, with `/subresource` when there is one. */
  resource?: string;
  group?: string;
  namespace?: string;
  name?: string;
  path: string;
}

const REASONS: Record<number, StatusReason> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Gone',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

const KNOWN_REASONS = new Set<string>([...Object.values(REASONS), 'AlreadyExists']);

export function reasonForCode(code: number): StatusReason {
  return REASONS[code] ?? (code >= 500 ? 'InternalError' : 'BadRequest');
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses a response body that may be a JSON `Status`; undefined when it is not one. */
export function parseStatus(body: unknown): { code?: number; reason?: string; message?: string; details?: StatusDetails } | undefined {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return undefined;
    }
  } else if (body instanceof Uint8Array) {
    return parseStatus(Buffer.from(body).toString('utf8'));
  }
  if (!isObject(value) || value.kind !== 'Status') return undefined;
  const out: { code?: number; reason?: string; message?: string; details?: StatusDetails } = {};
  if (typeof value.code === 'number') out.code = value.code;
  if (typeof value.reason === 'string' && value.reason) out.reason = value.reason;
  if (typeof value.message === 'string' && value.message) out.message = value.message;
  if (isObject(value.details)) out.details = value.details as StatusDetails;
  return out;
}

/** The message a Kubernetes API server writes for a refused request, built from the request. */
export function describeRefusal(code: number, req: RequestDescription): string {
  const resource = req.resource ?? req.path;
  const scope = `resource "${resource}" in API group "${req.group ?? ''}"${req.namespace ? ` in the namespace "${req.namespace}"` : ' at the cluster scope'}`;
  if (code === 403) return `forbidden: cannot ${req.verb} ${scope}`;
  if (code === 401) return `Unauthorized: ${req.verb} ${req.path}`;
  return `${req.verb} ${req.path}: ${code} ${reasonForCode(code)}`;
}

/** Maps an HTTP error answer (status code + body) to an ApiError. */
export function statusToApiError(code: number, body: unknown, req: RequestDescription, cause?: unknown): ApiError {
  const status = parseStatus(body);
  const httpCode = status?.code && status.code >= 400 ? status.code : code;
  const reason = status?.reason && KNOWN_REASONS.has(status.reason) ? (status.reason as StatusReason) : reasonForCode(httpCode);
  let message = status?.message;
  if (!message) {
    const text = typeof body === 'string' ? body.trim() : '';
    message = describeRefusal(httpCode, req);
    if (text && !text.startsWith('<') && text.length < 500) message += `: ${text}`;
  }
  return new ApiError(httpCode, reason, message, status?.details, cause === undefined ? undefined : { cause });
}

/** A transport failure (connection refused, reset, TLS): the API server could not be reached. */
export function unreachable(err: unknown, req: RequestDescription): ApiError {
  const detail = err instanceof Error ? err.message : String(err);
  return new ApiError(503, 'ServiceUnavailable', `${req.verb} ${req.path}: API server unreachable: ${detail}`, undefined, { cause: err });
}
