/**
 * Masterminds/semver v3.3.0 (what Sprig's `semver`/`semverCompare` use): loose version parsing
 * (`v` prefix, missing minor/patch) and its constraint language, which differs from npm's — e.g.
 * `>=1.19-0` matches prereleases only through the `-0`, `~1.2` means `>=1.2.0 <1.3.0`, `^0.0.3`
 * pins the patch, `1.2.x`/`*` wildcards, `,` or space for AND, `||` for OR, `1 - 2` ranges.
 */
import type { FuncMap, GoValue } from '../template/values.js';
import { argString, arity } from './go.js';
import { GO_TYPE } from '../template/fmt.js';

const SEMVER_RE = /^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$/;
const NUM = /^[0-9]+$/;
const ALLOWED = /^[0-9A-Za-z-]*$/;
const UINT64_MAX = (1n << 64n) - 1n;

function parseUint(s: string): bigint {
  const n = BigInt(s);
  if (n > UINT64_MAX) throw new Error(`Error parsing version segment: strconv.ParseUint: parsing ${JSON.stringify(s)}: value out of range`);
  return n;
}

/** *semver.Version: methods are callable from templates (`.Major`, `.Prerelease`…). */
export class SemverVersion {
  static readonly [GO_TYPE] = '*semver.Version';
  readonly #major: bigint;
  readonly #minor: bigint;
  readonly #patch: bigint;
  readonly #pre: string;
  readonly #metadata: string;
  readonly #original: string;

  constructor(major: bigint, minor: bigint, patch: bigint, pre: string, metadata: string, original: string) {
    this.#major = major;
    this.#minor = minor;
    this.#patch = patch;
    this.#pre = pre;
    this.#metadata = metadata;
    this.#original = original;
  }

  /** semver.NewVersion. */
  static parse(v: string): SemverVersion {
    const m = SEMVER_RE.exec(v);
    if (!m) throw new Error('Invalid Semantic Version');
    const pre = m[5] ?? '';
    const meta = m[8] ?? '';
    const sv = new SemverVersion(parseUint(m[1]!), m[2] ? parseUint(m[2].slice(1)) : 0n, m[3] ? parseUint(m[3].slice(1)) : 0n, pre, meta, v);
    if (pre !== '') {
      for (const p of pre.split('.')) {
        if (NUM.test(p)) {
          if (p.length > 1 && p[0] === '0') throw new Error('Version segment starts with 0');
        } else if (!ALLOWED.test(p)) throw new Error('Invalid Prerelease string');
      }
    }
    if (meta !== '' && !meta.split('.').every((p) => ALLOWED.test(p))) throw new Error('Invalid Metadata string');
    return sv;
  }

  Major(): bigint {
    return this.#major;
  }
  Minor(): bigint {
    return this.#minor;
  }
  Patch(): bigint {
    return this.#patch;
  }
  Prerelease(): string {
    return this.#pre;
  }
  Metadata(): string {
    return this.#metadata;
  }
  Original(): string {
    return this.#original;
  }
  String(): string {
    return `${this.#major}.${this.#minor}.${this.#patch}${this.#pre ? `-${this.#pre}` : ''}${this.#metadata ? `+${this.#metadata}` : ''}`;
  }
  MarshalJSON(): string {
    return JSON.stringify(this.String());
  }
  Compare(o: SemverVersion): bigint {
    return BigInt(compareVersions(this, o));
  }
  LessThan(o: SemverVersion): boolean {
    return compareVersions(this, o) < 0;
  }
  LessThanEqual(o: SemverVersion): boolean {
    return compareVersions(this, o) <= 0;
  }
  GreaterThan(o: SemverVersion): boolean {
    return compareVersions(this, o) > 0;
  }
  GreaterThanEqual(o: SemverVersion): boolean {
    return compareVersions(this, o) >= 0;
  }
  Equal(o: SemverVersion): boolean {
    return compareVersions(this, o) === 0;
  }
  #vPrefix(): string {
    return this.#original.startsWith('v') ? 'v' : '';
  }
  #with(major: bigint, minor: bigint, patch: bigint, pre: string, meta: string): SemverVersion {
    const base = new SemverVersion(major, minor, patch, pre, meta, '');
    return new SemverVersion(major, minor, patch, pre, meta, this.#vPrefix() + base.String());
  }
  IncPatch(): SemverVersion {
    return this.#pre !== '' ? this.#with(this.#major, this.#minor, this.#patch, '', '') : this.#with(this.#major, this.#minor, this.#patch + 1n, '', '');
  }
  IncMinor(): SemverVersion {
    return this.#with(this.#major, this.#minor + 1n, 0n, '', '');
  }
  IncMajor(): SemverVersion {
    return this.#with(this.#major + 1n, 0n, 0n, '', '');
  }
}

function cmp(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePrePart(s: string, o: string): number {
  if (s === o) return 0;
  if (s === '') return o !== '' ? -1 : 1;
  if (o === '') return 1;
  const sNum = NUM.test(s) && BigInt(s) <= UINT64_MAX;
  const oNum = NUM.test(o) && BigInt(o) <= UINT64_MAX;
  if (!sNum && !oNum) return s > o ? 1 : -1;
  if (!oNum) return -1;
  if (!sNum) return 1;
  return BigInt(s) > BigInt(o) ? 1 : -1;
}

function comparePrerelease(v: string, o: string): number {
  const sp = v.split('.');
  const op = o.split('.');
  for (let i = 0; i < Math.max(sp.length, op.length); i++) {
    const d = comparePrePart(sp[i] ?? '', op[i] ?? '');
    if (d !== 0) return d;
  }
  return 0;
}

/** Version.Compare. */
export function compareVersions(v: SemverVersion, o: SemverVersion): number {
  const d = cmp(v.Major(), o.Major()) || cmp(v.Minor(), o.Minor()) || cmp(v.Patch(), o.Patch());
  if (d !== 0) return d;
  const ps = v.Prerelease();
  const po = o.Prerelease();
  if (ps === '' && po === '') return 0;
  if (ps === '') return 1;
  if (po === '') return -1;
  return comparePrerelease(ps, po);
}

// ---- constraints ----

const CV = 'v?([0-9|xX*]+)(\\.[0-9|xX*]+)?(\\.[0-9|xX*]+)?(-([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?(\\+([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?';
const OPS = '=||!=|>|<|>=|=>|<=|=<|~|~>|\\^';
const CONSTRAINT_RE = new RegExp(`^\\s*(${OPS})\\s*(${CV})\\s*$`);
const RANGE_RE = new RegExp(`\\s*(${CV})\\s+-\\s+(${CV})\\s*`, 'g');
const FIND_RE = new RegExp(`(${OPS})\\s*(${CV})`, 'g');
const VALID_RE = new RegExp(`^(\\s*(${OPS})\\s*(${CV})\\s*)((?:\\s+|,\\s*)(${OPS})\\s*(${CV})\\s*)*$`);

interface Constraint {
  con: SemverVersion;
  orig: string;
  op: string;
  minorDirty: boolean;
  patchDirty: boolean;
  dirty: boolean;
}

const isX = (s: string | undefined): boolean => s === 'x' || s === '*' || s === 'X';

function parseConstraint(c: string): Constraint {
  if (c.length === 0) return { con: SemverVersion.parse('0.0.0'), orig: c, op: '', minorDirty: false, patchDirty: false, dirty: true };
  const m = CONSTRAINT_RE.exec(c);
  if (!m) throw new Error(`improper constraint: ${c}`);
  const [, op = '', orig = '', major = '', minor = '', patch = '', prePart = ''] = m;
  let ver = orig;
  let minorDirty = false;
  let patchDirty = false;
  let dirty = false;
  if (isX(major) || major === '') {
    ver = `0.0.0${prePart}`;
    dirty = true;
  } else if (isX(minor.replace(/^\./, '')) || minor === '') {
    minorDirty = true;
    dirty = true;
    ver = `${major}.0.0${prePart}`;
  } else if (isX(patch.replace(/^\./, '')) || patch === '') {
    dirty = true;
    patchDirty = true;
    ver = `${major}${minor}.0${prePart}`;
  }
  let con: SemverVersion;
  try {
    con = SemverVersion.parse(ver);
  } catch {
    throw new Error('constraint Parser Error');
  }
  return { con, orig, op, minorDirty, patchDirty, dirty };
}

function check(v: SemverVersion, c: Constraint): boolean {
  const preGuard = v.Prerelease() !== '' && c.con.Prerelease() === '';
  switch (c.op) {
    case '':
    case '=':
      if (preGuard) return false;
      if (c.dirty) return tilde(v, c);
      return compareVersions(v, c.con) === 0;
    case '!=':
      if (c.dirty) {
        if (preGuard) return false;
        if (c.con.Major() !== v.Major()) return true;
        if (c.con.Minor() !== v.Minor() && !c.minorDirty) return true;
        if (c.minorDirty) return false;
        if (c.con.Patch() !== v.Patch() && !c.patchDirty) return true;
        if (c.patchDirty) {
          if (v.Prerelease() !== '' || c.con.Prerelease() !== '') return comparePrerelease(v.Prerelease(), c.con.Prerelease()) !== 0;
          return false;
        }
      }
      return compareVersions(v, c.con) !== 0;
    case '>':
      if (preGuard) return false;
      if (!c.dirty) return compareVersions(v, c.con) === 1;
      if (v.Major() > c.con.Major()) return true;
      if (v.Major() < c.con.Major()) return false;
      if (c.minorDirty) return false;
      if (c.patchDirty) return v.Minor() > c.con.Minor();
      return compareVersions(v, c.con) === 1;
    case '<':
      if (preGuard) return false;
      return compareVersions(v, c.con) < 0;
    case '>=':
    case '=>':
      if (preGuard) return false;
      return compareVersions(v, c.con) >= 0;
    case '<=':
    case '=<':
      if (preGuard) return false;
      if (!c.dirty) return compareVersions(v, c.con) <= 0;
      if (v.Major() > c.con.Major()) return false;
      if (v.Major() === c.con.Major() && v.Minor() > c.con.Minor() && !c.minorDirty) return false;
      return true;
    case '~':
    case '~>':
      if (preGuard) return false;
      return tilde(v, c);
    case '^':
      return caret(v, c);
    default:
      return false;
  }
}

function tilde(v: SemverVersion, c: Constraint): boolean {
  if (v.Prerelease() !== '' && c.con.Prerelease() === '') return false;
  if (compareVersions(v, c.con) < 0) return false;
  if (c.con.Major() === 0n && c.con.Minor() === 0n && c.con.Patch() === 0n && !c.minorDirty && !c.patchDirty) return true;
  if (v.Major() !== c.con.Major()) return false;
  if (v.Minor() !== c.con.Minor() && !c.minorDirty) return false;
  return true;
}

function caret(v: SemverVersion, c: Constraint): boolean {
  if (v.Prerelease() !== '' && c.con.Prerelease() === '') return false;
  if (compareVersions(v, c.con) < 0) return false;
  if (c.con.Major() > 0n || c.minorDirty) return v.Major() === c.con.Major();
  if (c.con.Major() === 0n && v.Major() > 0n) return false;
  if (c.con.Minor() > 0n || c.patchDirty) return v.Minor() === c.con.Minor();
  if (c.con.Minor() === 0n && v.Minor() > 0n) return false;
  return c.con.Patch() === v.Patch();
}

/** semver.NewConstraint: OR groups of AND-ed constraints. */
export function parseConstraints(text: string): Constraint[][] {
  const rewritten = text.replace(RANGE_RE, (_all, a: string, ...rest: unknown[]) => `>= ${a}, <= ${rest[9] as string} `);
  return rewritten.split('||').map((part) => {
    if (!VALID_RE.test(part)) throw new Error(`improper constraint: ${part}`);
    const found = part.match(FIND_RE) ?? [part];
    return found.map(parseConstraint);
  });
}

/** Constraints.Check. */
export function satisfies(constraints: Constraint[][], v: SemverVersion): boolean {
  return constraints.some((and) => and.every((c) => check(v, c)));
}

/** `semver` and `semverCompare`. */
export function semverFuncs(): FuncMap {
  return {
    semver: (...a: GoValue[]) => {
      arity(a, 'semver', 1);
      return SemverVersion.parse(argString(a[0], 'semver'));
    },
    semverCompare: (...a: GoValue[]) => {
      arity(a, 'semverCompare', 2);
      const cs = parseConstraints(argString(a[0], 'semverCompare'));
      return satisfies(cs, SemverVersion.parse(argString(a[1], 'semverCompare')));
    },
  };
}
