/**
 * The three kinds of reconcile failure, as Flux has them. Each carries a Flux reason
 * (PascalCase) and optionally the underlying cause. A thrown error that is none of these is
 * treated as transient (retry with backoff); a bug that escapes an actor entirely is a crash,
 * handled by the supervisor.
 */

export type FailureKind = 'stalled' | 'waiting' | 'transient';

export class ReconcileError extends Error {
  readonly kind: FailureKind;
  readonly reason: string;
  /** For `waiting`: how long to wait before retrying, in milliseconds. */
  readonly requeueAfterMs: number | undefined;

  constructor(kind: FailureKind, reason: string, message: string, options: { cause?: unknown; requeueAfterMs?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ReconcileError';
    this.kind = kind;
    this.reason = reason;
    this.requeueAfterMs = options.requeueAfterMs;
  }
}

/** Cannot succeed until the spec changes: no retry, Stalled=True. */
export class StalledError extends ReconcileError {
  constructor(reason: string, message: string, options: { cause?: unknown } = {}) {
    super('stalled', reason, message, options);
    this.name = 'StalledError';
  }
}

/** A precondition is not met yet (source not ready, dependency not ready): retry after a delay. */
export class WaitingError extends ReconcileError {
  constructor(reason: string, message: string, requeueAfterMs: number, options: { cause?: unknown } = {}) {
    super('waiting', reason, message, { ...options, requeueAfterMs });
    this.name = 'WaitingError';
  }
}

/** Anything else that may succeed on retry: exponential backoff. */
export class TransientError extends ReconcileError {
  constructor(reason: string, message: string, options: { cause?: unknown } = {}) {
    super('transient', reason, message, options);
    this.name = 'TransientError';
  }
}

export interface Failure {
  kind: FailureKind;
  reason: string;
  message: string;
  requeueAfterMs?: number;
}

/** Turns anything thrown by a reconcile step into a `Failure` value the machines can hold. */
export function toFailure(err: unknown, fallbackReason = 'ReconciliationFailed'): Failure {
  if (err instanceof ReconcileError) {
    const f: Failure = { kind: err.kind, reason: err.reason, message: err.message };
    if (err.requeueAfterMs !== undefined) f.requeueAfterMs = err.requeueAfterMs;
    return f;
  }
  // Errors may cross structured-clone or actor boundaries as plain objects.
  if (err && typeof err === 'object' && 'kind' in err && 'reason' in err && 'message' in err) {
    const e = err as Failure;
    if (e.kind === 'stalled' || e.kind === 'waiting' || e.kind === 'transient') return { ...e };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { kind: 'transient', reason: fallbackReason, message };
}
