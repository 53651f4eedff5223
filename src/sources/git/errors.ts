/**
 * Git failures as Flux reports them: authentication problems are AuthenticationFailed, a bad URL
 * is URLInvalid (Stalled: retrying cannot help), everything else GitOperationFailed. Messages
 * say what to do and never contain credentials.
 */
import { StalledError, TransientError } from '../../api/errors.js';
import type { ReconcileError } from '../../api/errors.js';
import { SourceReasons } from '../../api/reasons.js';
import { GitTimeoutError } from './http-client.js';

/** Strips credentials from URLs inside a message. */
export function redact(text: string): string {
  return text.replace(/(\w+:\/\/)[^/@\s]+@/g, '$1***@');
}

export function gitError(err: unknown, url: string, action: string): ReconcileError {
  const e = err as { code?: string; data?: { statusCode?: number; statusMessage?: string }; message?: string };
  const where = redact(url);
  if (err instanceof GitTimeoutError) return new TransientError(SourceReasons.GitOperationFailed, `failed to ${action} '${where}': ${err.message}`, { cause: err });
  const status = e.data?.statusCode;
  if (e.code === 'HttpError' && (status === 401 || status === 403)) {
    return new TransientError(
      SourceReasons.AuthenticationFailed,
      `failed to ${action} '${where}': HTTP ${status} ${e.data?.statusMessage ?? ''}`.trim() + ': check the credentials in spec.secretRef (username/password or bearerToken)',
      { cause: err },
    );
  }
  if (e.code === 'HttpError' && status === 404) {
    return new TransientError(SourceReasons.GitOperationFailed, `failed to ${action} '${where}': repository not found (HTTP 404)`, { cause: err });
  }
  if (e.code === 'UrlParseError' || e.code === 'UnknownTransportError') {
    return new StalledError(SourceReasons.URLInvalid, `invalid repository URL '${where}': ${redact(e.message ?? String(err))}`, { cause: err });
  }
  const sys = (err as { code?: string }).code;
  if (sys === 'ECONNREFUSED' || sys === 'ENOTFOUND' || sys === 'EHOSTUNREACH' || sys === 'ECONNRESET') {
    return new TransientError(SourceReasons.GitOperationFailed, `failed to ${action} '${where}': cannot reach the server (${sys})`, { cause: err });
  }
  return new TransientError(SourceReasons.GitOperationFailed, `failed to ${action} '${where}': ${redact(e.message ?? String(err))}`, { cause: err });
}
