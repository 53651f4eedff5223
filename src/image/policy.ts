/**
 * ImagePolicy tag selection as image-reflector-controller makes it (internal/policy): a policy
 * (semver range, alphabetical or numerical order) picks the latest of a list of tags, after an
 * optional filter that keeps the tags a Go regular expression matches and may replace each by an
 * `extract` template (`$group`) before ordering. Pure functions: tags in, tag or error out.
 */
import { isCompatibleRange } from '../helm/chart/semver.js';
import semver from 'semver';

/** `spec.policy` of an ImagePolicy: exactly one of the three. */
export interface ImagePolicyChoice {
  semver?: { range: string };
  alphabetical?: { order?: 'asc' | 'desc' };
  numerical?: { order?: 'asc' | 'desc' };
}

/** A policy cannot be built from the spec: the object stalls until it changes. */
export class InvalidPolicyError extends Error {}

/** Picks the latest tag or throws an Error with Flux's message. */
export type Policer = (tags: readonly string[]) => string;

const EMPTY = 'version list argument cannot be empty';

/** A tag is a version when it is strict semver after an optional `v` (fluxcd/pkg/version). */
function tagVersion(tag: string): string | undefined {
  return semver.valid(tag.startsWith('v') ? tag.slice(1) : tag) ?? undefined;
}

/** True when Masterminds would accept `range` as a constraint. */
export function isValidSemverRange(range: string): boolean {
  if (range.trim() === '') return false;
  const normalized = range
    .split('||')
    .map((part) => part.replace(/,/g, ' ').replace(/\bv(?=\d)/g, ''))
    .join('||');
  return semver.validRange(normalized) !== null;
}

/** The highest version satisfying the range; pre-releases only when the range names one. */
export function semverPolicer(range: string): Policer {
  if (!isValidSemverRange(range)) throw new InvalidPolicyError(`improper constraint: ${range}`);
  return (tags) => {
    if (tags.length === 0) throw new Error(EMPTY);
    let best: { tag: string; version: string } | undefined;
    for (const tag of tags) {
      const version = tagVersion(tag);
      if (!version || !isCompatibleRange(range, version)) continue;
      // Strictly greater: among equal versions the first one listed stays.
      if (!best || semver.gt(version, best.version)) best = { tag, version };
    }
    if (!best) throw new Error('unable to determine latest version from provided list');
    return best.tag;
  };
}

/** Byte-wise comparison, as Go's `sort.Strings` orders. */
export const compareBytes = (a: string, b: string): number => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return Buffer.compare(x, y);
};

/** `asc` (default): the last tag in byte order wins; `desc`: the first. */
export function alphabeticalPolicer(order: 'asc' | 'desc' = 'asc'): Policer {
  return (tags) => {
    if (tags.length === 0) throw new Error(EMPTY);
    const sorted = [...tags].sort(compareBytes);
    return (order === 'desc' ? sorted[0] : sorted.at(-1)) as string;
  };
}

/** Go's `strconv.ParseFloat(s, 64)` for the decimal forms tags use; NaN when it would fail. */
export function parseGoFloat(s: string): number {
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(s)) return NaN;
  if (!/^[+-]?(\d(_?\d)*(\.(\d(_?\d)*)?)?|\.\d(_?\d)*)([eE][+-]?\d+)?$/.test(s)) return NaN;
  return Number(s.replace(/_/g, ''));
}

/**
 * `asc` (default): the largest number wins; `desc`: the smallest. On a tie the later tag wins.
 * Every tag must be a number (filter the others out first), as Flux requires.
 */
export function numericalPolicer(order: 'asc' | 'desc' = 'asc'): Policer {
  return (tags) => {
    if (tags.length === 0) throw new Error(EMPTY);
    let latest = '';
    let best = 0;
    tags.forEach((tag, i) => {
      const n = parseGoFloat(tag);
      if (Number.isNaN(n) && !/^nan$/i.test(tag)) throw new Error(`failed to parse invalid numeric value '${tag}'`);
      if (i > 0 && ((order === 'asc' && n < best) || (order === 'desc' && n > best))) return;
      latest = tag;
      best = n;
    });
    return latest;
  };
}

/** The policer `spec.policy` names (semver first, as Flux's factory looks); InvalidPolicyError `invalid policy: …` otherwise. */
export function policerFromSpec(policy: ImagePolicyChoice): Policer {
  try {
    if (policy.semver) return semverPolicer(policy.semver.range);
    if (policy.alphabetical) return alphabeticalPolicer(policy.alphabetical.order ?? 'asc');
    if (policy.numerical) return numericalPolicer(policy.numerical.order ?? 'asc');
    throw new InvalidPolicyError('given ImagePolicy spec has no policy');
  } catch (err) {
    throw new InvalidPolicyError(`invalid policy: ${(err as Error).message}`);
  }
}

/** Go's RE2 syntax → an equivalent JavaScript RegExp (named groups `(?P<n>…)`, flags group at the start). */
export function compileGoRegexp(pattern: string): RegExp {
  // RE2 has no backreferences or lookaround; refuse them as Go's regexp.Compile does.
  if (/\\[1-9]|\(\?[=!]|\(\?<[=!]/.test(pattern)) throw new SyntaxError('invalid or unsupported Perl syntax');
  // `\A` and `\z` (text start and end) exist only in RE2; an even run of backslashes before them is literal.
  let source = pattern
    .replace(/\(\?P</g, '(?<')
    .replace(/(^|[^\\])((?:\\\\)*)\\A/g, '$1$2^')
    .replace(/(^|[^\\])((?:\\\\)*)\\z/g, '$1$2$(?![\\s\\S])');
  // No `u` flag: RE2 accepts escaped punctuation (`\-`) that unicode-mode JavaScript refuses.
  let flags = '';
  const lead = /^\(\?([imsU]+)\)/.exec(source);
  if (lead) {
    const f = lead[1] as string;
    if (f.includes('U')) throw new SyntaxError(`invalid or unsupported Perl syntax: '(?U'`);
    if (f.includes('i')) flags += 'i';
    if (f.includes('m')) flags += 'm';
    if (f.includes('s')) flags += 's';
    source = source.slice(lead[0].length);
  }
  return new RegExp(source, flags);
}

/**
 * Go's `Regexp.ExpandString`: `$name`/`${name}`/`$1` are replaced by the submatch (empty when
 * there is none), `$$` by `$`. A `$name` takes the longest run of letters, digits and `_`.
 */
export function expandTemplate(template: string, match: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const ch = template[i] as string;
    if (ch !== '$') {
      out += ch;
      continue;
    }
    const rest = template.slice(i + 1);
    if (rest.startsWith('$')) {
      out += '$';
      i++;
      continue;
    }
    const m = /^\{([A-Za-z0-9_]+)\}/.exec(rest) ?? /^([A-Za-z0-9_]+)/.exec(rest);
    if (!m) {
      out += '$';
      continue;
    }
    const name = m[1] as string;
    i += m[0].length;
    out += /^\d+$/.test(name) ? (match[Number(name)] ?? '') : (match.groups?.[name] ?? '');
  }
  return out;
}

/** The tags a filter keeps, each under the value it is ordered by, mapped back to the tag itself. */
export interface FilteredTags {
  /** Values to order (the extracted ones, or the tags). Later tags win on a repeated value. */
  values: string[];
  original(value: string): string | undefined;
}

/** Keeps the tags `pattern` matches; with `extract`, orders them by the expanded template. */
export function filterTags(tags: readonly string[], pattern: string, extract = ''): FilteredTags {
  let re: RegExp;
  try {
    re = compileGoRegexp(pattern);
  } catch (err) {
    throw new InvalidPolicyError(`failed to filter tags: invalid regular expression pattern '${pattern}' in spec.filterTags.pattern: ${(err as Error).message}`);
  }
  const kept = new Map<string, string>();
  for (const tag of tags) {
    const m = re.exec(tag);
    if (!m) continue;
    kept.set(extract !== '' ? expandTemplate(extract, m) : tag, tag);
  }
  return { values: [...kept.keys()], original: (v) => kept.get(v) };
}

/** `spec.filterTags`, then the policy: the latest tag, as it is in the registry. */
export function latestTag(tags: readonly string[], policy: ImagePolicyChoice, filter?: { pattern?: string; extract?: string }): string {
  const policer = policerFromSpec(policy);
  if (!filter) return policer(tags);
  const filtered = filterTags(tags, filter.pattern ?? '^.*$', filter.extract ?? '');
  const latest = policer(filtered.values);
  return filtered.original(latest) ?? latest;
}
