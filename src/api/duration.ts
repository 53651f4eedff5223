/**
 * Go durations as Flux's CRDs accept them (`^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$`), in
 * milliseconds. `formatDuration` prints them the way Go's `time.Duration.String` does.
 */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PATTERN = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;
const PART = /([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/g;

export class DurationError extends Error {
  constructor(value: string) {
    super(`invalid duration "${value}": want a Go duration such as 30s, 5m or 1h30m`);
    this.name = 'DurationError';
  }
}

export function isDuration(value: unknown): value is string {
  return typeof value === 'string' && PATTERN.test(value);
}

/** `1m30s` → 90000. Throws `DurationError` on anything Flux's CRD pattern rejects. */
export function parseDuration(value: string): number {
  if (!isDuration(value)) throw new DurationError(String(value));
  let total = 0;
  for (const m of value.matchAll(PART)) total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
  return Math.round(total);
}

/** 90000 → `1m30s`; 300000 → `5m0s`; 500 → `500ms`; 0 → `0s` (Go's format). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const neg = ms < 0;
  let rest = Math.abs(Math.round(ms));
  if (rest < 1000) return `${neg ? '-' : ''}${rest}ms`;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = rest / 1000;
  const secs = Number.isInteger(s) ? `${s}` : `${s}`.replace(/0+$/, '');
  let out = `${secs}s`;
  if (h > 0) out = `${h}h${m}m${out}`;
  else if (m > 0) out = `${m}m${out}`;
  return (neg ? '-' : '') + out;
}
