/**
 * Field validation shared by every kind. A `FieldError` names the JSON path of the offending
 * field, so a Stalled condition can tell the user exactly what to fix.
 */
import { valid, validRange } from 'semver';
import { isDuration } from './duration.js';

export interface FieldError {
  /** JSON path, e.g. `spec.ref.semver` or `spec.dependsOn[1].name`. */
  field: string;
  message: string;
}

/** Thrown by `normalize` when an object cannot be accepted. */
export class InvalidObjectError extends Error {
  readonly errors: FieldError[];
  constructor(what: string, errors: FieldError[]) {
    super(`invalid ${what}: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
    this.name = 'InvalidObjectError';
    this.errors = errors;
  }
}

/** A small accumulating checker over a plain object. */
export class Checker {
  readonly errors: FieldError[] = [];

  fail(field: string, message: string): void {
    this.errors.push({ field, message });
  }

  required(field: string, value: unknown): boolean {
    if (value === undefined || value === null || value === '') {
      this.fail(field, 'Required value');
      return false;
    }
    return true;
  }

  string(field: string, value: unknown, opts: { required?: boolean; pattern?: RegExp; patternText?: string; max?: number } = {}): void {
    if (value === undefined || value === null) {
      if (opts.required) this.fail(field, 'Required value');
      return;
    }
    if (typeof value !== 'string') return this.fail(field, `must be a string, got ${typeof value}`);
    if (opts.required && value === '') return this.fail(field, 'Required value');
    if (opts.max !== undefined && value.length > opts.max) this.fail(field, `must be no more than ${opts.max} characters`);
    if (opts.pattern && !opts.pattern.test(value)) this.fail(field, `"${value}" does not match ${opts.patternText ?? opts.pattern.source}`);
  }

  duration(field: string, value: unknown, required = false): void {
    if (value === undefined || value === null) {
      if (required) this.fail(field, 'Required value');
      return;
    }
    if (!isDuration(value)) this.fail(field, `invalid duration ${JSON.stringify(value)}: want a Go duration such as 30s, 5m or 1h30m`);
  }

  oneOf(field: string, value: unknown, allowed: readonly string[], required = false): void {
    if (value === undefined || value === null) {
      if (required) this.fail(field, 'Required value');
      return;
    }
    if (typeof value !== 'string' || !allowed.includes(value)) {
      this.fail(field, `Unsupported value: ${JSON.stringify(value)}: supported values: ${allowed.map((a) => `"${a}"`).join(', ')}`);
    }
  }

  boolean(field: string, value: unknown): void {
    if (value !== undefined && value !== null && typeof value !== 'boolean') this.fail(field, `must be a boolean, got ${JSON.stringify(value)}`);
  }

  integer(field: string, value: unknown, min?: number): void {
    if (value === undefined || value === null) return;
    if (typeof value !== 'number' || !Number.isInteger(value)) return this.fail(field, `must be an integer, got ${JSON.stringify(value)}`);
    if (min !== undefined && value < min) this.fail(field, `must be greater than or equal to ${min}`);
  }

  object(field: string, value: unknown, required = false): value is Record<string, unknown> {
    if (value === undefined || value === null) {
      if (required) this.fail(field, 'Required value');
      return false;
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.fail(field, 'must be an object');
      return false;
    }
    return true;
  }

  array(field: string, value: unknown): value is unknown[] {
    if (value === undefined || value === null) return false;
    if (!Array.isArray(value)) {
      this.fail(field, 'must be a list');
      return false;
    }
    return true;
  }
}

/** DNS-1123 subdomain: what Kubernetes requires of most object names. */
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** DNS-1123 label: namespaces and many Flux name fields. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/**
 * A semver constraint as Flux accepts it (Masterminds/semver): node-semver ranges plus what
 * Masterminds adds — commas as AND (`>=1.0, <2.0`) and `!=` exclusions.
 */
export function isSemverRange(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  return value.split('||').every((alt) => {
    const tokens = alt.replace(/,/g, ' ').replace(/(!=|>=|<=|>|<|=|~|\^)\s+/g, '$1').split(/\s+/).filter(Boolean);
    const rest: string[] = [];
    for (const t of tokens) {
      if (t.startsWith('!=')) {
        if (!valid(t.slice(2), { loose: true }) && validRange(t.slice(2), { loose: true }) === null) return false;
      } else rest.push(t);
    }
    // Only exclusions, or blank (which Masterminds reads as `*`).
    if (rest.length === 0) return true;
    return validRange(rest.join(' '), { loose: true }) !== null;
  });
}
