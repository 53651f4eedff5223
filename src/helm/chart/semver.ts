/**
 * Version checks as Helm makes them with Masterminds/semver: lenient versions (`v1`, `1.2`),
 * comma-separated AND constraints, and pre-releases matched only by constraints that name one.
 */
import semver from 'semver';

const lenient = /^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$/;

/** Normalizes a version Masterminds accepts into strict semver, or undefined. */
export function parseVersion(v: string): string | undefined {
  const m = lenient.exec(v.trim());
  if (!m) return undefined;
  const out = `${m[1]}${m[2] ?? '.0'}${m[3] ?? '.0'}${m[4] ?? ''}${m[7] ?? ''}`;
  return semver.valid(out) ?? undefined;
}

/** `chartutil.IsCompatibleRange(constraint, version)`. */
export function isCompatibleRange(constraint: string | undefined, version: string): boolean {
  const v = parseVersion(version);
  if (!v) return false;
  // An empty constraint is Masterminds' `*`.
  const range = (constraint ?? '').trim() === '' ? '*' : (constraint ?? '')
    .split('||')
    .map((part) => part.replace(/,/g, ' ').replace(/\bv(?=\d)/g, ''))
    .join('||');
  try {
    return semver.satisfies(v, range, { includePrerelease: /\d-/.test(range) });
  } catch {
    return false;
  }
}
