/**
 * Logs shaped like a Flux controller's (controller-runtime's zap JSON encoder), so log queries
 * written for Flux keep working:
 *
 *   {"level":"info","ts":"2026-01-01T00:00:01.200Z","msg":"Reconciliation finished in 1.2s, next run in 10m0s",
 *    "controller":"kustomization","controllerGroup":"kustomize.toolkit.fluxcd.io","controllerKind":"Kustomization",
 *    "Kustomization":{"name":"apps","namespace":"flux-system"},"namespace":"flux-system","name":"apps",
 *    "reconcileID":"…","revision":"main@sha1:…"}
 *
 * `level` is a string, `ts` an ISO time, no pid/hostname. `encoding: 'console'` prints zap's
 * console layout instead: `ts<TAB>LEVEL<TAB>msg<TAB>{fields}`.
 */
import { pino } from 'pino';
import type { DestinationStream, Level, Logger } from 'pino';

export type { Logger } from 'pino';

export type LogLevel = Level | 'silent';

export interface LoggerOptions {
  /** Flux's `--log-level` (debug, info, error…). Default `info`. */
  level?: LogLevel;
  /** Flux's `--log-encoding`. Default `json`. */
  encoding?: 'json' | 'console';
  /** Where lines go. Default stderr, as Flux's controllers log. */
  destination?: DestinationStream | NodeJS.WritableStream;
  /** Time source for `ts` (the engine's clock in tests). Default `Date.now`. */
  now?: () => number;
}

/** `{"level":"info","ts":"…","msg":"…",…}` → `ts\tINFO\tmsg\t{…}` (zap's console encoder). */
export function consoleLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const { level, ts, msg, ...fields } = entry;
  const rest = Object.keys(fields).length ? `\t${JSON.stringify(fields)}` : '';
  return `${String(ts ?? '')}\t${String(level ?? '').toUpperCase()}\t${String(msg ?? '')}${rest}\n`;
}

/** A pino logger writing Flux-shaped lines. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const now = options.now ?? Date.now;
  const target = options.destination ?? process.stderr;
  const destination: DestinationStream = options.encoding === 'console' ? { write: (line: string) => void target.write(consoleLine(line)) } : (target as DestinationStream);
  return pino(
    {
      level: options.level ?? 'info',
      messageKey: 'msg',
      base: null,
      timestamp: () => `,"ts":"${new Date(now()).toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

/** A logger that writes nothing (the engine's default, so tests stay quiet). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
