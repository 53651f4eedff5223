/**
 * Template functions as Helm 3.17 provides them: Sprig v3.3.0's generic function map (minus `env`
 * and `expandenv`) and Helm's own functions, which win on name clashes. Values follow the model of
 * `../template/values.ts` (bigint = Go int, number = float64, null = nil…).
 *
 * Conformance is checked against the real helm 3.17.2 (test/helm/funcs). Differences from Go
 * worth knowing:
 * - `keys` and `values` return entries in sorted key order (Go's map order is random).
 * - bigint stands for both Go int and int64: `typeOf`/`kindOf` say `int`, while `duration`,
 *   `durationRound` and `dateInZone` treat every bigint as int64 (Go ignores plain ints there).
 * - Random functions (`randAlphaNum`, `shuffle`, `uuidv4`, `randBytes`, `randInt`) draw from the
 *   injected `random`; keys, certificate serials and AES IVs come from node:crypto.
 * - Regex: RE2 is translated to JS; inline flag groups apply to the whole pattern.
 * - `fromYaml` parse errors carry the `yaml` package's wording, not go-yaml's; `fromToml` is a
 *   small TOML reader; zone abbreviations come from Intl; `now` prints without Go's `m=+…`.
 * - Helm 3.17 has no `mustToYaml`/`mustFromYaml`, so neither do we.
 */
import type { FuncMap } from '../template/values.js';
import { collectionFuncs } from './collections.js';
import { cryptoFuncs } from './crypto.js';
import { dateFuncs } from './dates.js';
import { argString, arity } from './go.js';
import { regexFuncs } from './regex.js';
import { semverFuncs } from './semver.js';
import { SIGNATURES } from './signatures.js';
import { goFunc } from '../template/signature.js';
import { encodingFuncs } from './encoding.js';
import { helmFuncs, type HelmFuncContext } from './helm.js';
import { mathFuncs } from './math.js';
import { stringFuncs } from './strings.js';

export type { HelmFuncContext } from './helm.js';
export { Certificate } from './crypto.js';
export { SemverVersion } from './semver.js';
export { GoTime, GoMonth, GoWeekday } from './time.js';
/** Go strings are bytes: `utf8` encodes a rendered string back to Go's bytes (see unicode.ts). */
export { utf8 as goStringBytes, fromUtf8 as goStringFromBytes } from './unicode.js';
export { helmFuncs, warnWrap, unwrapWarning, WARN_START, WARN_END } from './helm.js';

export interface SprigOptions {
  /** Uniform random numbers in [0, 1); defaults to Math.random. Inject a seeded source in tests. */
  random?: () => number;
  /** The current time; defaults to `new Date()`. */
  now?: () => Date;
}

/** Declares each function's Go parameter types for the template engine. */
function typed(funcs: FuncMap): FuncMap {
  for (const [name, fn] of Object.entries(funcs)) {
    const sig = SIGNATURES[name];
    if (sig) goFunc(sig, fn);
  }
  return funcs;
}

/** Sprig's GenericFuncMap without `env` and `expandenv` (Helm removes them). */
export function sprigFuncs(options: SprigOptions = {}): FuncMap {
  return typed(untypedSprigFuncs(options));
}

function untypedSprigFuncs(options: SprigOptions): FuncMap {
  const random = options.random ?? Math.random;
  const now = options.now ?? (() => new Date());
  return {
    ...stringFuncs(random),
    ...collectionFuncs(),
    ...mathFuncs(random),
    ...encodingFuncs(random),
    ...regexFuncs(),
    ...semverFuncs(),
    ...dateFuncs(now),
    ...cryptoFuncs(random),
    fail: (...a) => {
      arity(a, 'fail', 1);
      throw new Error(argString(a[0], 'fail'));
    },
  };
}

/** Sprig and Helm functions together, Helm's winning (as in Helm's engine). */
export function funcMap(ctx: HelmFuncContext, options: SprigOptions = {}): FuncMap {
  return { ...sprigFuncs(options), ...typed(helmFuncs(ctx)) };
}
